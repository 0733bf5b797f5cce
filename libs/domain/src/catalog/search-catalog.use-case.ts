import { CatalogErrorCode, DomainError } from '@imagora/core';
import { Principal } from '../access/access.types';
import { CatalogRepository } from './catalog.ports';
import { CatalogQuery, FACET_DIMENSIONS, FacetDimension, SearchLevel, SearchResult } from './catalog.types';
import { shownTotal, suppressSmallCells } from './small-cell-suppression';

const LEVELS: SearchLevel[] = ['dataset', 'study', 'series', 'instance'];
// Dimensions in which every instance has exactly one value (unknown included), so at instance level the cells
// add up to the total. (At coarser levels a study may count under two modalities: no sum to recover from.)
const PARTITIONS: ReadonlySet<FacetDimension> = new Set(['protocol', 'modality', 'bodyPart', 'sex', 'ageBand', 'manufacturer', 'dataset', 'organization']);
const MAX_VALUES = 50;

export function assertCatalogQuery(query: CatalogQuery): void {
  const bad = (message: string) => {
    throw new DomainError(CatalogErrorCode.INVALID_QUERY, message);
  };
  for (const key of ['protocol', 'label', 'modality', 'bodyPart', 'sex', 'manufacturer', 'dataset', 'organization'] as const) {
    const values = query[key];
    if (values && (!Array.isArray(values) || values.length > MAX_VALUES || values.some((v) => typeof v !== 'string' || v.length === 0 || v.length > 200))) {
      bad(`${key} takes up to ${MAX_VALUES} non-empty values`);
    }
  }
  for (const key of ['ageMin', 'ageMax', 'labelMin'] as const) {
    const value = query[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 200)) bad(`${key} must be a whole number from 0 to 200`);
  }
  if (query.ageMin !== undefined && query.ageMax !== undefined && query.ageMin > query.ageMax) bad('ageMin is above ageMax');
  if (query.text !== undefined && (typeof query.text !== 'string' || query.text.length > 200)) bad('text takes at most 200 characters');
}

/** Catalog search: lists for signed-in users, aggregate counts only (small cells hidden) for anonymous callers. */
export class SearchCatalogUseCase {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly settings: { countFloor: number },
  ) {}

  async search(viewer: Principal | undefined, query: CatalogQuery, options: { level?: string; limit?: number; cursor?: string; sort?: string } = {}): Promise<SearchResult> {
    assertCatalogQuery(query);
    const level = (options.level ?? 'instance') as SearchLevel;
    if (!LEVELS.includes(level)) throw new DomainError(CatalogErrorCode.INVALID_QUERY, `level must be one of ${LEVELS.join(', ')}`);
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
    const anonymous = viewer === undefined;
    const page = await this.catalog.search(query, { level, limit, cursor: options.cursor, sort: options.sort, countsOnly: anonymous });
    if (!anonymous) return { level, total: page.total, facets: page.facets, hits: page.hits, nextCursor: page.nextCursor };
    const floor = this.settings.countFloor;
    const total = shownTotal(page.total, floor);
    const facets = {} as SearchResult['facets'];
    for (const dimension of FACET_DIMENSIONS) {
      facets[dimension] = suppressSmallCells(page.facets[dimension] ?? [], floor, { partition: level === 'instance' && PARTITIONS.has(dimension), totalShown: total === page.total });
    }
    return { level, total, facets, suppressedBelow: floor };
  }
}
