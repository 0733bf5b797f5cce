import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '@imagora/auth';
import { CatalogErrorCode, DomainError } from '@imagora/core';
import { CatalogQuery, Principal } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiErrors } from '../docs/api-docs.decorators';

const LISTS = ['protocol', 'label', 'modality', 'bodyPart', 'sex', 'manufacturer', 'dataset', 'organization'] as const;
const NUMBERS = ['labelMin', 'ageMin', 'ageMax'] as const;

/** Query-string filters: repeated (`modality=CT&modality=MR`) or comma-separated (`modality=CT,MR`). */
export function catalogQueryFrom(raw: Record<string, unknown>): CatalogQuery {
  const query: CatalogQuery = {};
  for (const key of LISTS) {
    const value = raw[key];
    if (value === undefined) continue;
    const values = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
    if (values.length) query[key] = values;
  }
  for (const key of NUMBERS) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^\d{1,3}$/.test(value)) throw new DomainError(CatalogErrorCode.INVALID_QUERY, `${key} must be a whole number`);
    query[key] = Number(value);
  }
  if (typeof raw.q === 'string' && raw.q.trim()) query.text = raw.q;
  return query;
}

@ApiTags('catalog')
@Controller('api/v1/search')
export class SearchController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Search released data. Signed in: hits with cursor pagination and facets. Anonymous: aggregate counts only, counts below the floor shown as "<5".',
  })
  @ApiQuery({ name: 'level', required: false, enum: ['dataset', 'study', 'series', 'instance'] })
  @ApiQuery({ name: 'protocol', required: false, description: 'NAME or NAME@VERSION; repeat or comma-separate' })
  @ApiQuery({ name: 'label', required: false })
  @ApiQuery({ name: 'labelMin', required: false, description: 'minimum annotation count per label on an instance' })
  @ApiQuery({ name: 'modality', required: false })
  @ApiQuery({ name: 'bodyPart', required: false })
  @ApiQuery({ name: 'sex', required: false })
  @ApiQuery({ name: 'ageMin', required: false })
  @ApiQuery({ name: 'ageMax', required: false })
  @ApiQuery({ name: 'manufacturer', required: false })
  @ApiQuery({ name: 'dataset', required: false, description: 'ORGANIZATION/SLUG' })
  @ApiQuery({ name: 'organization', required: false })
  @ApiQuery({ name: 'q', required: false, description: 'free text over dataset titles and descriptions' })
  @ApiQuery({ name: 'sort', required: false, enum: ['key', 'dataset', 'modality'] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ schema: { example: { level: 'series', total: 42, facets: { modality: [{ value: 'CT', count: 40 }, { value: 'MR', count: '<5' }] }, hits: [], nextCursor: null } } })
  @ApiErrors(400)
  search(@CurrentPrincipal() viewer: Principal | undefined, @Query() raw: Record<string, unknown>) {
    const limit = typeof raw.limit === 'string' && /^\d+$/.test(raw.limit) ? Number(raw.limit) : undefined;
    return this.runtime.catalog.search.search(viewer, catalogQueryFrom(raw), {
      level: typeof raw.level === 'string' ? raw.level : undefined,
      limit,
      cursor: typeof raw.cursor === 'string' ? raw.cursor : undefined,
      sort: typeof raw.sort === 'string' && ['key', 'dataset', 'modality'].includes(raw.sort) ? raw.sort : undefined,
    });
  }
}
