import type { CatalogQuery } from '@imagora/domain';
import { Command } from 'commander';
import { CliError } from '../hub-client';

// The catalog filters `imagora search` and `imagora cohort create` share, as CLI options, as a search
// query string and as the query object a cohort freezes.

export interface CatalogFilterOptions {
  protocol?: string[];
  label?: string[];
  labelMin?: string;
  modality?: string[];
  bodyPart?: string[];
  sex?: string[];
  ageMin?: string;
  ageMax?: string;
  manufacturer?: string[];
  dataset?: string[];
  organization?: string[];
  text?: string;
}

/** The hub's CatalogQuery, as sent in a cohort body. */
export type CatalogQueryBody = CatalogQuery;

const LISTS = ['protocol', 'label', 'modality', 'bodyPart', 'sex', 'manufacturer', 'dataset', 'organization'] as const;
const NUMBERS = [
  ['labelMin', '--label-min'],
  ['ageMin', '--age-min'],
  ['ageMax', '--age-max'],
] as const;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function withCatalogFilters(command: Command): Command {
  return command
    .option('--protocol <name[@version]>', 'annotation protocol (repeatable)', collect)
    .option('--label <id>', 'label present on the instance (repeatable)', collect)
    .option('--label-min <n>', 'with --label: at least N annotations of each label on the instance')
    .option('--modality <code>', 'DICOM modality, e.g. CT (repeatable)', collect)
    .option('--body-part <part>', 'body part examined, e.g. CHEST (repeatable)', collect)
    .option('--sex <M|F|O>', 'patient sex (repeatable)', collect)
    .option('--age-min <years>', 'youngest patient age in years')
    .option('--age-max <years>', 'oldest patient age in years')
    .option('--manufacturer <name>', 'scanner manufacturer (repeatable)', collect)
    .option('--dataset <org/slug>', 'dataset (repeatable)', collect)
    .option('--organization <slug>', 'contributing organization (repeatable)', collect)
    .option('--text <words>', 'free text over dataset titles and descriptions');
}

/** Validates the options and turns them into the hub's query object. */
export function catalogQueryFrom(options: CatalogFilterOptions): CatalogQueryBody {
  const query: CatalogQueryBody = {};
  for (const key of LISTS) {
    const values = (options[key] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    if (values.length) query[key] = values;
  }
  for (const [key, flag] of NUMBERS) {
    const raw = options[key];
    if (raw === undefined) continue;
    if (!/^\d{1,3}$/.test(raw) || Number(raw) > 200) throw new CliError(`${flag} must be a whole number from 0 to 200, got "${raw}"`);
    query[key] = Number(raw);
  }
  if (query.ageMin !== undefined && query.ageMax !== undefined && query.ageMin > query.ageMax) throw new CliError('--age-min is above --age-max');
  if (query.labelMin !== undefined && !query.label) throw new CliError('--label-min needs at least one --label');
  for (const dataset of query.dataset ?? []) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(dataset)) throw new CliError(`--dataset takes ORGANIZATION/SLUG, got "${dataset}"`);
  }
  if (options.text !== undefined && options.text.trim()) query.text = options.text.trim();
  return query;
}

/** The same query as `GET /api/v1/search` parameters (free text is `q` there). */
export function searchParamsFrom(query: CatalogQueryBody): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of LISTS) for (const value of query[key] ?? []) params.append(key, value);
  for (const [key] of NUMBERS) if (query[key] !== undefined) params.set(key, String(query[key]));
  if (query.text) params.set('q', query.text);
  return params;
}
