import { Command } from 'commander';
import { BlockedDataset, blockedLines } from '../catalog/access-hints';
import { CatalogFilterOptions, catalogQueryFrom, withCatalogFilters } from '../catalog/catalog-filters';
import { CliError, HubClient, printJsonOrTable, withHubOption } from '../hub-client';

// `imagora cohort create|list|get|delete`: freeze a catalog query into an immutable cohort; and
// `imagora access accept|request|list|approve|deny`: get (and, as a steward, grant) access to its datasets.

type HubOptions = { hub?: string; json?: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUEST_STATES = ['pending', 'approved', 'denied'];

interface CohortView {
  id: string;
  name: string;
  description: string;
  query: Record<string, unknown>;
  createdAt: string;
  instances: number;
  studies?: number;
  series?: number;
  datasets?: Array<{ dataset: string; version: number; policy: string; instances: number }>;
  citation?: string;
  diversity?: { warnings: string[]; dimensions: Record<string, Array<{ value: string; count: number; share: number }>> };
  blocked?: BlockedDataset[];
}

interface AccessRequestView {
  id: string;
  dataset: string;
  username: string;
  state: string;
  purpose: string;
  decisionReason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

function cohortPath(id: string): string {
  if (!UUID.test(id)) throw new CliError(`"${id}" is not a cohort id (a UUID, as \`imagora cohort list\` shows)`);
  return `/api/v1/cohorts/${id}`;
}

function datasetPath(reference: string, suffix: string): string {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(reference);
  if (!match) throw new CliError(`expected ORGANIZATION/SLUG, got "${reference}"`);
  return `/api/v1/datasets/${encodeURIComponent(match[1])}/${encodeURIComponent(match[2])}${suffix}`;
}

function printCohort(c: CohortView): void {
  const line = (label: string, value: unknown) => console.log(`${label.padEnd(14)}${value === undefined || value === null || value === '' ? '-' : value}`);
  line('cohort', c.id);
  line('name', c.name);
  line('description', c.description);
  line('created', c.createdAt);
  line('instances', c.instances);
  if (c.series !== undefined) line('series', c.series);
  if (c.studies !== undefined) line('studies', c.studies);
  line('query', JSON.stringify(c.query));
  if (c.datasets?.length) {
    console.log('datasets:');
    for (const d of c.datasets) console.log(`  ${d.dataset} v${d.version} (${d.policy}): ${d.instances} instance(s)`);
  }
  if (c.citation) line('citation', c.citation);
  for (const warning of c.diversity?.warnings ?? []) console.log(`warning: ${warning}`);
  if (c.blocked) {
    if (c.blocked.length === 0) console.log('access: you may download every dataset of this cohort (`imagora download ' + c.id + ' --out DIR`)');
    else console.log(`access: you may not download ${c.blocked.length} of its dataset(s) yet:\n${blockedLines(c.blocked).join('\n')}`);
  }
}

export function registerCohortCommands(program: Command): void {
  const cohort = program.command('cohort').description('cohorts: frozen catalog queries, downloadable again and again');

  withCatalogFilters(withHubOption(cohort.command('create')))
    .description('freeze the instances matching the filters into a cohort (counts, citation, diversity card)')
    .requiredOption('--name <name>', 'cohort name')
    .option('--description <text>', 'what the cohort is for')
    .option('--json', 'print JSON')
    .action(async (options: CatalogFilterOptions & HubOptions & { name: string; description?: string }) => {
      if (!options.name.trim()) throw new CliError('--name must not be empty');
      const body = { name: options.name.trim(), description: options.description, query: catalogQueryFrom(options) };
      const created = await HubClient.fromOptions(options).call<CohortView>('POST', '/api/v1/cohorts', body);
      if (options.json) console.log(JSON.stringify(created, null, 2));
      else printCohort(created);
    });

  withHubOption(cohort.command('list'))
    .description('your cohorts')
    .option('--json', 'print JSON')
    .action(async (options: HubOptions) => {
      const rows = await HubClient.fromOptions(options).call<CohortView[]>('GET', '/api/v1/cohorts');
      printJsonOrTable(options.json ? (rows as unknown as Array<Record<string, unknown>>) : rows.map((c) => ({ id: c.id, name: c.name, instances: c.instances, created: c.createdAt })), ['id', 'name', 'instances', 'created'], Boolean(options.json));
    });

  withHubOption(cohort.command('get <id>'))
    .description('one of your cohorts, with the datasets you may not download yet and how to get access')
    .option('--json', 'print JSON')
    .action(async (id: string, options: HubOptions) => {
      const view = await HubClient.fromOptions(options).call<CohortView>('GET', cohortPath(id));
      if (options.json) console.log(JSON.stringify(view, null, 2));
      else printCohort(view);
    });

  withHubOption(cohort.command('delete <id>'))
    .description('delete one of your cohorts (the released data stays)')
    .action(async (id: string, options: HubOptions) => {
      await HubClient.fromOptions(options).call('DELETE', cohortPath(id));
      console.log(`deleted cohort ${id}`);
    });

  const access = program.command('access').description('access to registered and controlled datasets');

  withHubOption(access.command('accept <dataset>'))
    .description('accept the data-use agreement of a registered dataset (ORG/SLUG); prints the agreement')
    .action(async (reference: string, options: HubOptions) => {
      const client = HubClient.fromOptions(options);
      const dataset = await client.call<{ accessPolicy: string; dataUseAgreement: string | null }>('GET', datasetPath(reference, ''), undefined, { anonymous: true });
      await client.call('POST', datasetPath(reference, '/agreement'));
      if (dataset.dataUseAgreement) console.log(`data-use agreement of ${reference}:\n\n${dataset.dataUseAgreement}\n`);
      console.log(`accepted the data-use agreement of ${reference}`);
    });

  withHubOption(access.command('request <dataset>'))
    .description('ask a steward of the owning organization for access to a controlled dataset (ORG/SLUG)')
    .requiredOption('--purpose <text>', 'what the data is for (the steward reads it)')
    .option('--json', 'print JSON')
    .action(async (reference: string, options: HubOptions & { purpose: string }) => {
      if (!options.purpose.trim()) throw new CliError('--purpose must not be empty');
      const created = await HubClient.fromOptions(options).call<AccessRequestView>('POST', datasetPath(reference, '/access-requests'), { purpose: options.purpose });
      if (options.json) console.log(JSON.stringify(created, null, 2));
      else console.log(`access request ${created.id} for ${created.dataset} is ${created.state}; \`imagora access list\` shows the decision`);
    });

  withHubOption(access.command('list'))
    .description('your access requests, and (stewards) those for your organizations’ datasets')
    .option('--state <state>', `only this state: ${REQUEST_STATES.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (options: HubOptions & { state?: string }) => {
      if (options.state !== undefined && !REQUEST_STATES.includes(options.state)) throw new CliError(`--state must be one of ${REQUEST_STATES.join(', ')}, got "${options.state}"`);
      const rows = await HubClient.fromOptions(options).call<AccessRequestView[]>('GET', `/api/v1/access-requests${options.state ? `?state=${options.state}` : ''}`);
      printJsonOrTable(rows as unknown as Array<Record<string, unknown>>, ['id', 'dataset', 'username', 'state', 'purpose', 'decisionReason', 'createdAt'], Boolean(options.json));
    });

  for (const [verb, approve] of [
    ['approve', true],
    ['deny', false],
  ] as const) {
    withHubOption(access.command(`${verb} <requestId>`))
      .description(`${verb} an access request (stewards of the owning organization)`)
      .requiredOption('--reason <text>', 'why (the requester sees it)')
      .option('--json', 'print JSON')
      .action(async (id: string, options: HubOptions & { reason: string }) => {
        if (!UUID.test(id)) throw new CliError(`"${id}" is not an access request id (a UUID, as \`imagora access list\` shows)`);
        if (!options.reason.trim()) throw new CliError('--reason must not be empty');
        const decided = await HubClient.fromOptions(options).call<AccessRequestView>('POST', `/api/v1/access-requests/${id}/decision`, { approve, reason: options.reason });
        if (options.json) console.log(JSON.stringify(decided, null, 2));
        else console.log(`access request ${decided.id} for ${decided.dataset} by ${decided.username}: ${decided.state}`);
      });
  }
}
