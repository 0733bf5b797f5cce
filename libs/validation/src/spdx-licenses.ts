// The SPDX licence ids (https://spdx.org/licenses/) datasets and data-sharing agreements commonly use.
// Embedded rather than fetched so validation stays offline; an id outside the list is refused unless it
// is a LicenseRef-<name> (SPDX's own form for a licence it does not list, e.g. TCIA's restricted
// licence: LicenseRef-TCIA-Restricted). Compound SPDX expressions ("MIT OR Apache-2.0") are not accepted:
// a dataset carries one licence.
export const SPDX_LICENSE_IDS: ReadonlySet<string> = new Set([
  'CC0-1.0',
  'CC-BY-1.0',
  'CC-BY-2.0',
  'CC-BY-2.5',
  'CC-BY-3.0',
  'CC-BY-4.0',
  'CC-BY-SA-3.0',
  'CC-BY-SA-4.0',
  'CC-BY-NC-3.0',
  'CC-BY-NC-4.0',
  'CC-BY-NC-SA-3.0',
  'CC-BY-NC-SA-4.0',
  'CC-BY-ND-3.0',
  'CC-BY-ND-4.0',
  'CC-BY-NC-ND-3.0',
  'CC-BY-NC-ND-4.0',
  'CC-PDDC',
  'PDDL-1.0',
  'ODC-By-1.0',
  'ODbL-1.0',
  'CDLA-Permissive-1.0',
  'CDLA-Permissive-2.0',
  'CDLA-Sharing-1.0',
  'MIT',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'ISC',
  'GPL-2.0-only',
  'GPL-2.0-or-later',
  'GPL-3.0-only',
  'GPL-3.0-or-later',
  'LGPL-2.1-only',
  'LGPL-3.0-only',
  'MPL-2.0',
  'Unlicense',
  'OGL-UK-3.0',
  'etalab-2.0',
  'DL-DE-BY-2.0',
]);

const LICENSE_REF = /^LicenseRef-[A-Za-z0-9.-]+$/;

export function isAcceptedLicense(id: string): boolean {
  return SPDX_LICENSE_IDS.has(id) || LICENSE_REF.test(id);
}

// SPDX ids are case-insensitive for matching (SPDX spec, Annex B); suggest the canonical spelling.
export function canonicalLicenseId(id: string): string | undefined {
  const lower = id.toLowerCase();
  for (const known of SPDX_LICENSE_IDS) if (known.toLowerCase() === lower) return known;
  return undefined;
}
