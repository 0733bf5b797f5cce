import { Command } from 'commander';
import { CatalogFilterOptions, catalogQueryFrom, searchParamsFrom, withCatalogFilters } from '../catalog/catalog-filters';
import { CliError, HubClient, printJsonOrTable, withHubOption } from '../hub-client';

// `imagora search [filters]`: released data on a hub. Signed in: a table of hits (every page with --all) and the
// facet counts; anonymous: aggregate counts and facets only, as the hub answers anonymous callers.

const LEVELS = ['dataset', 'study', 'series', 'instance'];
const PLURALS: Record<string, string> = { dataset: 'datasets', study: 'studies', series: 'series', instance: 'instances' };

type Count = number | string;

interface SearchHit {
  key: string;
  dataset: string;
  version: number;
  protocol: string;
  seriesInstanceUid: string | null;
  modality: string | null;
  bodyPart: string | null;
  sex: string | null;
  age: string | null;
  manufacturer: string | null;
  path: string | null;
  instances: number;
  labels: Record<string, number>;
}

export interface SearchResponse {
  level: string;
  total: Count;
  facets: Record<string, Array<{ value: string; count: Count }>>;
  hits?: SearchHit[];
  nextCursor?: string | null;
  suppressedBelow?: number;
}

type SearchOptions = CatalogFilterOptions & { hub?: string; json?: boolean; level?: string; limit?: string; all?: boolean; sort?: string };

function labelsCell(labels: Record<string, number>): string {
  const entries = Object.entries(labels);
  return entries.length ? entries.map(([label, count]) => `${label}:${count}`).join(' ') : '-';
}

/** `…1234.5678` keeps a DICOM UID recognizable in a narrow column. */
function shortUid(uid: string | null): string | null {
  return uid && uid.length > 16 ? `…${uid.slice(-15)}` : uid;
}

export function hitRows(level: string, hits: SearchHit[]): { rows: Array<Record<string, unknown>>; columns: string[] } {
  const rows = hits.map((h) => ({
    dataset: h.dataset,
    version: `v${h.version}`,
    protocol: h.protocol,
    modality: h.modality,
    bodyPart: h.bodyPart,
    sex: h.sex,
    age: h.age,
    manufacturer: h.manufacturer,
    series: shortUid(h.seriesInstanceUid),
    path: h.path,
    instances: h.instances,
    labels: labelsCell(h.labels),
  }));
  const columns =
    level === 'dataset'
      ? ['dataset', 'version', 'protocol', 'modality', 'instances', 'labels']
      : level === 'instance'
        ? ['dataset', 'version', 'modality', 'bodyPart', 'sex', 'age', 'series', 'path', 'labels']
        : ['dataset', 'version', 'modality', 'bodyPart', 'sex', 'age', 'series', 'instances', 'labels'];
  return { rows, columns };
}

/** One line per filter dimension: `modality: CT 8, CR <5`. */
export function facetLines(facets: SearchResponse['facets']): string[] {
  return Object.entries(facets)
    .filter(([, values]) => values.length > 0)
    .map(([dimension, values]) => `  ${dimension}: ${values.map((v) => `${v.value} ${v.count}`).join(', ')}`);
}

export function registerSearchCommand(program: Command): void {
  withCatalogFilters(withHubOption(program.command('search')))
    .description('search released data: a table of hits and facet counts (anonymous: counts only)')
    .option('--level <level>', `what a hit is: ${LEVELS.join(', ')}`, 'instance')
    .option('--limit <n>', 'hits per page (1-1000, default 50)')
    .option('--sort <key>', 'order: key, dataset or modality')
    .option('--all', 'follow the cursor through every page')
    .option('--json', 'print the hub’s response (with --all: a JSON array of every page)')
    .action(async (options: SearchOptions) => {
      if (!LEVELS.includes(options.level ?? 'instance')) throw new CliError(`--level must be one of ${LEVELS.join(', ')}, got "${options.level}"`);
      if (options.limit !== undefined && (!/^\d+$/.test(options.limit) || Number(options.limit) < 1 || Number(options.limit) > 1000)) {
        throw new CliError(`--limit must be a whole number from 1 to 1000, got "${options.limit}"`);
      }
      const client = HubClient.fromOptions(options);
      const anonymous = !client.hasToken();
      const params = searchParamsFrom(catalogQueryFrom(options));
      params.set('level', options.level ?? 'instance');
      if (options.limit) params.set('limit', options.limit);
      if (options.sort) params.set('sort', options.sort);

      const pages: SearchResponse[] = [];
      let cursor: string | null | undefined;
      do {
        if (cursor) params.set('cursor', cursor);
        const page = await client.call<SearchResponse>('GET', `/api/v1/search?${params.toString()}`, undefined, { anonymous });
        pages.push(page);
        cursor = options.all ? page.nextCursor : undefined;
      } while (cursor);

      if (options.json) {
        console.log(JSON.stringify(options.all ? pages : pages[0], null, 2));
        return;
      }
      const first = pages[0];
      const noun = first.total === 1 ? first.level : (PLURALS[first.level] ?? first.level);
      if (anonymous) {
        console.log(`${first.total} ${noun} match (signed out: counts only${first.suppressedBelow ? `, counts below ${first.suppressedBelow} shown as <${first.suppressedBelow}` : ''}; \`imagora login\` to list them)`);
      } else {
        const hits = pages.flatMap((p) => p.hits ?? []);
        const { rows, columns } = hitRows(first.level, hits);
        printJsonOrTable(rows, columns, false);
        const more = pages[pages.length - 1].nextCursor ? ' (more: --all for every page, or --limit)' : '';
        console.log(`${first.total} ${noun} match; ${hits.length} shown${more}`);
      }
      const lines = facetLines(first.facets);
      if (lines.length) console.log(`facets:\n${lines.join('\n')}`);
    });
}
