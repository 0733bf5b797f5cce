import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Public } from '@imagora/auth';
import { documentOf, Principal } from '@imagora/domain';
import { registryId } from '@imagora/protocols';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiErrors, ApiSignedIn } from '../docs/api-docs.decorators';
import { CreateProtocolDto, DeprecateDto, DiffDto, ProtocolReviewDto, ProtocolSummaryDto, ProtocolVersionDto, ReviewDto } from './registry.dto';

const DOCUMENT_BODY = {
  description: 'The protocol document (schemas/protocol.schema.json), sent as application/json; kept verbatim',
  schema: { type: 'object', additionalProperties: true },
};

@ApiTags('protocols')
@Controller('api/v1/protocols')
export class ProtocolsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  private get read() {
    return this.runtime.registry.read;
  }

  private get author() {
    return this.runtime.registry.author;
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'List protocols with their latest published versions (anyone)' })
  @ApiOkResponse({ type: [ProtocolSummaryDto] })
  async list(@CurrentPrincipal() viewer: Principal | undefined): Promise<ProtocolSummaryDto[]> {
    return (await this.read.list(viewer)).map(ProtocolSummaryDto.of);
  }

  @Post()
  @ApiOperation({ summary: 'Create a protocol (committee members of the owning organization)' })
  @ApiCreatedResponse({ type: ProtocolSummaryDto })
  @ApiSignedIn(400, 403, 409)
  async create(@CurrentPrincipal() actor: Principal, @Body() body: CreateProtocolDto): Promise<ProtocolSummaryDto> {
    const created = await this.author.createProtocol(actor, body);
    return ProtocolSummaryDto.of({ ...created, latestVersion: null, latestStatus: null, versions: [] });
  }

  @Public()
  @Get(':name')
  @ApiOperation({ summary: 'A protocol and its versions (drafts only for its committee)' })
  @ApiOkResponse({ type: ProtocolSummaryDto })
  @ApiErrors(404)
  async get(@CurrentPrincipal() viewer: Principal | undefined, @Param('name') name: string): Promise<ProtocolSummaryDto> {
    const { protocol, versions } = await this.read.versions(viewer, name);
    const released = versions.filter((v) => v.status === 'published' || v.status === 'deprecated').pop();
    return ProtocolSummaryDto.of({
      ...protocol,
      latestVersion: released?.version ?? null,
      latestStatus: released?.status ?? null,
      versions: versions.map((v) => ({ version: v.version, status: v.status })),
    });
  }

  @Public()
  @Get(':name/resolve')
  @ApiOperation({ summary: 'The highest published version in a semver range (e.g. ^1.2); deprecated versions only with includeDeprecated=true' })
  @ApiQuery({ name: 'range', example: '^1.2' })
  @ApiQuery({ name: 'includeDeprecated', required: false, type: Boolean })
  @ApiOkResponse({ type: ProtocolVersionDto })
  @ApiErrors(400, 404)
  async resolve(
    @CurrentPrincipal() viewer: Principal | undefined,
    @Param('name') name: string,
    @Query('range') range: string,
    @Query('includeDeprecated') includeDeprecated: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProtocolVersionDto> {
    const resolved = await this.read.resolve(name, range ?? '*', { includeDeprecated: includeDeprecated === 'true' });
    const view = await this.read.get(viewer, name, resolved.version);
    response.setHeader('ETag', `"${view.version.sha256}"`);
    return ProtocolVersionDto.of(view);
  }

  @Public()
  @Get(':name/diff')
  @ApiOperation({ summary: 'Changes between two versions and whether they break BACKWARD and/or FORWARD compatibility' })
  @ApiQuery({ name: 'from', example: '1.0.0' })
  @ApiQuery({ name: 'to', example: '1.1.0' })
  @ApiQuery({ name: 'mode', required: false, description: 'compatibility mode to judge by (default: the newer version’s)' })
  @ApiOkResponse({ type: DiffDto })
  @ApiErrors(400, 404)
  diff(@CurrentPrincipal() viewer: Principal | undefined, @Param('name') name: string, @Query('from') from: string, @Query('to') to: string, @Query('mode') mode?: string): Promise<DiffDto> {
    return this.read.diff(viewer, name, from, to, mode);
  }

  @Public()
  @Get(':name/changelog')
  @Header('Content-Type', 'text/markdown; charset=utf-8')
  @ApiOperation({ summary: 'Human-readable changelog between consecutive released versions (markdown)' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiProduces('text/markdown')
  @ApiOkResponse({ description: 'Markdown' })
  @ApiErrors(404)
  changelog(@Param('name') name: string, @Query('from') from?: string, @Query('to') to?: string): Promise<string> {
    return this.read.changelog(name, { from, to });
  }

  @Public()
  @Get(':name/versions/:version')
  @ApiOperation({ summary: 'A protocol version: document, status, sha256 (ETag), publication, approvals and the hub’s signature' })
  @ApiOkResponse({ type: ProtocolVersionDto })
  @ApiNotModifiedResponse({ description: 'If-None-Match matched the ETag' })
  @ApiErrors(404)
  async getVersion(
    @CurrentPrincipal() viewer: Principal | undefined,
    @Param('name') name: string,
    @Param('version') version: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProtocolVersionDto | undefined> {
    const view = await this.read.get(viewer, name, version);
    const etag = `"${view.version.sha256}"`;
    response.setHeader('ETag', etag);
    if (view.version.status === 'published' || view.version.status === 'deprecated') response.setHeader('Cache-Control', 'public, max-age=300');
    if (response.req.headers['if-none-match'] === etag) {
      response.status(304);
      return undefined;
    }
    return ProtocolVersionDto.of(view);
  }

  @Public()
  @Get(':name/versions/:version/schema')
  @Header('Content-Type', 'application/schema+json')
  @ApiOperation({ summary: 'The annotation JSON Schema alone, with the stable $id imagora:protocol/NAME@VERSION' })
  @ApiOkResponse({ schema: { type: 'object' } })
  @ApiErrors(404)
  async schema(@CurrentPrincipal() viewer: Principal | undefined, @Param('name') name: string, @Param('version') version: string): Promise<unknown> {
    const view = await this.read.get(viewer, name, version);
    const annotation = documentOf(view.version).annotation;
    return typeof annotation === 'boolean' ? annotation : { ...annotation, $id: registryId(name, version) };
  }

  @Put(':name/versions/:version')
  @ApiOperation({ summary: 'Create or replace the draft NAME@VERSION (committee); published versions answer 409' })
  @ApiBody(DOCUMENT_BODY)
  @ApiOkResponse({ type: ProtocolVersionDto })
  @ApiSignedIn(400, 403, 404, 409, 413, 422)
  async putDraft(@CurrentPrincipal() actor: Principal, @Param('name') name: string, @Param('version') version: string, @Body() documentText: string): Promise<ProtocolVersionDto> {
    await this.author.putDraft(actor, name, version, typeof documentText === 'string' ? documentText : JSON.stringify(documentText ?? null));
    return ProtocolVersionDto.of(await this.read.get(actor, name, version));
  }

  @Delete(':name/versions/:version')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a draft (committee); published versions can never be deleted (409)' })
  @ApiNoContentResponse()
  @ApiSignedIn(403, 404, 409)
  async deleteDraft(@CurrentPrincipal() actor: Principal, @Param('name') name: string, @Param('version') version: string): Promise<void> {
    await this.author.deleteDraft(actor, name, version);
  }

  @Post(':name/versions/:version/check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dry run: lint a draft (the stored one, or the document in the body) and check it against earlier versions; changes nothing' })
  @ApiBody({ ...DOCUMENT_BODY, required: false })
  @ApiOkResponse({ schema: { example: { ok: false, problems: [], compatibility: { compatible: false, mode: 'BACKWARD_TRANSITIVE', against: [] } } } })
  @ApiSignedIn(403, 404, 413, 422)
  check(@CurrentPrincipal() actor: Principal, @Param('name') name: string, @Param('version') version: string, @Body() documentText: unknown) {
    const text = typeof documentText === 'string' && documentText.trim() !== '' ? documentText : undefined;
    return this.read.check(actor, name, version, text);
  }

  @Post(':name/versions/:version/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit a draft for committee review' })
  @ApiOkResponse({ type: ProtocolVersionDto })
  @ApiSignedIn(403, 404, 409)
  async submit(@CurrentPrincipal() actor: Principal, @Param('name') name: string, @Param('version') version: string): Promise<ProtocolVersionDto> {
    await this.author.submitForReview(actor, name, version);
    return ProtocolVersionDto.of(await this.read.get(actor, name, version));
  }

  @Post(':name/versions/:version/reviews')
  @ApiOperation({ summary: 'Approve a draft in review, or request changes (sends it back to draft); authors cannot approve their own draft' })
  @ApiCreatedResponse({ type: ProtocolReviewDto })
  @ApiSignedIn(400, 403, 404, 409)
  async review(@CurrentPrincipal() actor: Principal, @Param('name') name: string, @Param('version') version: string, @Body() body: ReviewDto): Promise<ProtocolReviewDto> {
    return ProtocolReviewDto.of(await this.author.review(actor, name, version, body));
  }

  @Post(':name/versions/:version/publish')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Publish a reviewed draft: lint + compatibility against earlier versions under the declared mode; 409 lists the breaking changes',
  })
  @ApiOkResponse({ type: ProtocolVersionDto })
  @ApiSignedIn(403, 404, 409, 422)
  async publish(@CurrentPrincipal() actor: Principal, @Param('name') name: string, @Param('version') version: string): Promise<ProtocolVersionDto> {
    await this.author.publish(actor, name, version);
    return ProtocolVersionDto.of(await this.read.get(actor, name, version));
  }

  @Post(':name/versions/:version/deprecate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deprecate a published version with a reason and optionally its replacement' })
  @ApiOkResponse({ type: ProtocolVersionDto })
  @ApiSignedIn(400, 403, 404, 409, 422)
  async deprecate(@CurrentPrincipal() actor: Principal, @Param('name') name: string, @Param('version') version: string, @Body() body: DeprecateDto): Promise<ProtocolVersionDto> {
    await this.author.deprecate(actor, name, version, body);
    return ProtocolVersionDto.of(await this.read.get(actor, name, version));
  }
}
