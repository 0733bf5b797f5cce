import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '@imagora/auth';
import { CatalogErrorCode, DomainError } from '@imagora/core';
import { Principal, sharedObjectKey } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiSignedIn } from '../docs/api-docs.decorators';
import { CohortDto, CreateCohortDto } from './catalog.dto';
import { ZipWriter } from './zip-writer';

const uuid = new ParseUUIDPipe({ version: '4', errorHttpStatusCode: 404 });

function parseRange(header: string | undefined): { start: number; end?: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
  if (!match) throw new DomainError(CatalogErrorCode.RANGE_NOT_SATISFIABLE, 'only one bytes=START-[END] range is supported');
  return { start: Number(match[1]), end: match[2] ? Number(match[2]) : undefined };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

@ApiTags('cohorts')
@Controller('api/v1/cohorts')
export class CohortsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  private get cohorts() {
    return this.runtime.catalog.cohorts;
  }

  @Post()
  @ApiOperation({ summary: 'Freeze a catalog query into an immutable cohort (counts, citation, diversity card)' })
  @ApiCreatedResponse({ type: CohortDto })
  @ApiSignedIn(400, 422)
  async create(@CurrentPrincipal() owner: Principal, @Body() body: CreateCohortDto): Promise<CohortDto> {
    const cohort = await this.cohorts.create(owner, body);
    return CohortDto.of(cohort, await this.cohorts.blockedDatasets(owner, cohort.id));
  }

  @Get()
  @ApiOperation({ summary: 'Your cohorts' })
  @ApiOkResponse({ type: [CohortDto] })
  @ApiSignedIn()
  async list(@CurrentPrincipal() owner: Principal): Promise<CohortDto[]> {
    return (await this.cohorts.list(owner)).map((c) => CohortDto.of(c));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your cohorts, with which datasets you may not download yet and how to get access' })
  @ApiOkResponse({ type: CohortDto })
  @ApiSignedIn(404)
  async get(@CurrentPrincipal() owner: Principal, @Param('id', uuid) id: string): Promise<CohortDto> {
    return CohortDto.of(await this.cohorts.get(owner, id), await this.cohorts.blockedDatasets(owner, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one of your cohorts (the released data stays)' })
  @ApiNoContentResponse()
  @ApiSignedIn(404)
  async delete(@CurrentPrincipal() owner: Principal, @Param('id', uuid) id: string): Promise<void> {
    await this.cohorts.delete(owner, id);
  }

  @Get(':id/manifest')
  @ApiOperation({ summary: 'Download manifest: path, sha256, size and a presigned URL per file (JSON, CSV or s5cmd commands); audited' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 's5cmd'] })
  @ApiProduces('application/json', 'text/csv', 'text/plain')
  @ApiOkResponse({ schema: { example: { cohort: '…', files: [{ path: 'images/ct/1.dcm', sha256: '…', size: 1234, dataset: 'north/findings', version: 1, url: 'https://…' }] } } })
  @ApiSignedIn(403, 404)
  async manifest(@CurrentPrincipal() owner: Principal, @Param('id', uuid) id: string, @Query('format') format: string | undefined, @Req() request: Request, @Res() response: Response): Promise<void> {
    const kind = format ?? 'json';
    if (!['json', 'csv', 's5cmd'].includes(kind)) throw new DomainError(CatalogErrorCode.INVALID_QUERY, 'format must be json, csv or s5cmd');
    const entries = this.cohorts.manifest(owner, id, { remoteAddress: request.ip, format: kind });
    // The first entry is awaited before any byte is sent, so access errors still answer with their status.
    const first = await entries.next();
    const bucket = this.runtime.objectStore.buckets.shared;
    if (kind === 'json') {
      response.type('application/json');
      response.write(`{"cohort":${JSON.stringify(id)},"expiresInSeconds":${this.runtime.config.downloadUrlSeconds},"files":[`);
      let separator = '';
      for (let item = first; !item.done; item = await entries.next()) {
        const { path, sha256, size, mediaType, dataset, version, url } = item.value;
        response.write(separator + JSON.stringify({ path: `${dataset}/v${version}/${path}`, sha256, size, mediaType, dataset, version, url }));
        separator = ',';
      }
      response.end(']}');
    } else if (kind === 'csv') {
      response.type('text/csv');
      response.write('path,sha256,size,url\n');
      for (let item = first; !item.done; item = await entries.next()) {
        const f = item.value;
        response.write([`${f.dataset}/v${f.version}/${f.path}`, f.sha256, f.size, f.url].map(csvField).join(',') + '\n');
      }
      response.end();
    } else {
      // s5cmd run file: reads from the shared bucket with the caller's own S3 credentials.
      response.type('text/plain');
      for (let item = first; !item.done; item = await entries.next()) {
        const f = item.value;
        response.write(`cp "s3://${bucket}/${sharedObjectKey(f.sha256)}" "${`${f.dataset}/v${f.version}/${f.path}`.replace(/"/g, '')}"\n`);
      }
      response.end();
    }
  }

  @Get(':id/files/:sha256')
  @ApiOperation({ summary: 'One file of the cohort streamed through the hub; supports HTTP Range; audited' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file (206 with Content-Range for a range request)' })
  @ApiSignedIn(403, 404)
  async file(@CurrentPrincipal() owner: Principal, @Param('id', uuid) id: string, @Param('sha256') sha256: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new DomainError(CatalogErrorCode.FILE_NOT_IN_COHORT, 'not a sha256');
    const range = parseRange(request.headers.range);
    const { file, body, start, end } = await this.cohorts.openFile(owner, id, sha256, range, request.ip);
    response.status(range ? 206 : 200);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Content-Type', file.mediaType);
    response.setHeader('Content-Length', String(end - start + 1));
    response.setHeader('ETag', `"${file.sha256}"`);
    response.setHeader('Content-Disposition', `attachment; filename="${file.path.split('/').pop()!.replace(/["\\\r\n]/g, '_')}"`);
    if (range) response.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
    body.pipe(response);
  }

  @Get(':id/zip')
  @ApiOperation({ summary: 'The whole cohort as one streamed ZIP, for small cohorts in a browser; audited' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'ZIP (STORE) of every file, under DATASET/vN/PATH' })
  @ApiSignedIn(403, 404, 413)
  async zip(@CurrentPrincipal() owner: Principal, @Param('id', uuid) id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const entries = this.cohorts.zipEntries(owner, id, request.ip);
    const first = await entries.next();
    response.status(200);
    response.setHeader('Content-Type', 'application/zip');
    response.setHeader('Content-Disposition', `attachment; filename="cohort-${id}.zip"`);
    const zip = new ZipWriter(response);
    for (let item = first; !item.done; item = await entries.next()) {
      const { file, open } = item.value;
      await zip.add(`${file.dataset}/v${file.version}/${file.path}`, await open());
    }
    await zip.finish();
    response.end();
  }
}
