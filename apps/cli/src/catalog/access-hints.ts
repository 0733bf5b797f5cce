// How to get access to a dataset a cohort touches, in CLI words (the hub's own `how` names its HTTP routes).

export interface BlockedDataset {
  dataset: string;
  policy: string;
  how: string;
}

export function accessHint(blocked: BlockedDataset): string {
  if (blocked.policy === 'registered') return `accept its data-use agreement: imagora access accept ${blocked.dataset}`;
  if (blocked.policy === 'controlled') return `ask a steward: imagora access request ${blocked.dataset} --purpose "…", then wait for approval (imagora access list)`;
  return blocked.how;
}

export function blockedLines(blocked: BlockedDataset[]): string[] {
  return blocked.map((b) => `  ${b.dataset} (${b.policy}): ${accessHint(b)}`);
}

/** The blocked datasets of a hub CATALOG_ACCESS_REQUIRED error's details, if it carries them. */
export function blockedFromDetails(details: Record<string, unknown> | undefined): BlockedDataset[] | undefined {
  const datasets = details?.datasets;
  if (!Array.isArray(datasets)) return undefined;
  return datasets.filter((d): d is BlockedDataset => typeof d === 'object' && d !== null && typeof (d as BlockedDataset).dataset === 'string').map((d) => ({ dataset: d.dataset, policy: String(d.policy ?? ''), how: String(d.how ?? '') }));
}
