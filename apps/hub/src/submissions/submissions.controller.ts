import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal } from '@imagora/auth';
import { Principal, SUBMISSION_STATES, SubmissionState } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiSignedIn } from '../docs/api-docs.decorators';
import { CompleteFileDto, CreateSubmissionDto, ReasonDto, RegisterFilesDto, RequiredReasonDto, SubmissionDto, SubmissionFileDto } from './submissions.dto';

const uuid = new ParseUUIDPipe({ version: '4', errorHttpStatusCode: 404 });

function requestIdOf(request: Request): string | undefined {
  return (request as Request & { id?: string }).id;
}

@ApiTags('submissions')
@Controller('api/v1/submissions')
export class SubmissionsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  private get upload() {
    return this.runtime.submissions.upload;
  }

  @Post()
  @ApiOperation({ summary: 'Start a submission of files to a dataset under a published protocol version (contributors)' })
  @ApiCreatedResponse({ type: SubmissionDto })
  @ApiSignedIn(400, 403, 404, 409, 422)
  async create(@CurrentPrincipal() actor: Principal, @Body() body: CreateSubmissionDto): Promise<SubmissionDto> {
    return SubmissionDto.of(await this.upload.create(actor, body));
  }

  @Get()
  @ApiOperation({ summary: 'Submissions of your organizations (contributors and stewards)' })
  @ApiQuery({ name: 'state', required: false, enum: SUBMISSION_STATES })
  @ApiOkResponse({ type: [SubmissionDto] })
  @ApiSignedIn()
  async list(@CurrentPrincipal() actor: Principal, @Query('state') state?: SubmissionState): Promise<SubmissionDto[]> {
    return (await this.upload.list(actor, { states: state ? [state] : undefined })).map((s) => SubmissionDto.of(s));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A submission: state, reports and every transition' })
  @ApiOkResponse({ type: SubmissionDto })
  @ApiSignedIn(404)
  async get(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string): Promise<SubmissionDto> {
    const submission = await this.upload.get(actor, id);
    return SubmissionDto.of(submission, await this.runtime.submissions.repository.events(submission.id));
  }

  @Post(':id/files')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register files (path, size, sha256); registering a file again with the same values is a no-op' })
  @ApiOkResponse({ type: [SubmissionFileDto] })
  @ApiSignedIn(400, 403, 404, 409, 413, 422)
  async register(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Body() body: RegisterFilesDto): Promise<SubmissionFileDto[]> {
    return (await this.upload.registerFiles(actor, id, body.files)).map(SubmissionFileDto.of);
  }

  @Get(':id/files')
  @ApiOperation({ summary: 'Registered files and their upload state, in path order (resume from here)' })
  @ApiQuery({ name: 'after', required: false, description: 'path to continue after' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ type: [SubmissionFileDto] })
  @ApiSignedIn(404)
  async files(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Query('after') after?: string, @Query('limit') limit?: string): Promise<SubmissionFileDto[]> {
    return (await this.upload.listFiles(actor, id, { after, limit: limit ? Number(limit) : undefined })).map(SubmissionFileDto.of);
  }

  @Post(':id/files/:fileId/multipart')
  @HttpCode(200)
  @ApiOperation({ summary: 'Presigned part URLs for a multipart upload to quarantine; called again, lists only the missing parts' })
  @ApiOkResponse({ schema: { example: { uploadId: '…', partSize: 8388608, parts: [{ partNumber: 1, url: 'https://…' }], uploadedParts: [] } } })
  @ApiSignedIn(403, 404, 409)
  multipart(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Param('fileId', uuid) fileId: string) {
    return this.upload.startMultipart(actor, id, fileId);
  }

  @Put(':id/files/:fileId/content')
  @ApiOperation({ summary: 'Upload a small file through the hub (application/octet-stream body)' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: SubmissionFileDto })
  @ApiSignedIn(403, 404, 409, 413, 422)
  async content(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Param('fileId', uuid) fileId: string, @Req() request: Request): Promise<SubmissionFileDto> {
    return SubmissionFileDto.of(await this.upload.putContent(actor, id, fileId, request));
  }

  @Post(':id/files/:fileId/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish a file: completes its multipart upload, then the hub checks size and sha256 of what was stored' })
  @ApiOkResponse({ type: SubmissionFileDto })
  @ApiSignedIn(403, 404, 409, 422)
  async complete(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Param('fileId', uuid) fileId: string, @Body() body: CompleteFileDto): Promise<SubmissionFileDto> {
    return SubmissionFileDto.of(await this.upload.complete(actor, id, fileId, body.parts));
  }

  @Post(':id/finalize')
  @HttpCode(200)
  @ApiOperation({ summary: 'All files are uploaded: start validation, de-identification and verification' })
  @ApiOkResponse({ type: SubmissionDto })
  @ApiSignedIn(403, 404, 409)
  async finalize(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Req() request: Request): Promise<SubmissionDto> {
    return SubmissionDto.of(await this.upload.finalize(actor, id, requestIdOf(request)));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a failed submission at the step that failed' })
  @ApiOkResponse({ type: SubmissionDto })
  @ApiSignedIn(403, 404, 409)
  async retry(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Req() request: Request): Promise<SubmissionDto> {
    return SubmissionDto.of(await this.upload.retry(actor, id, requestIdOf(request)));
  }

  @Get(':id/review')
  @ApiOperation({ summary: 'For stewards of the owning organization: reports, transitions and before/after headers of sample files (may show PHI)' })
  @ApiOkResponse({ schema: { type: 'object' } })
  @ApiSignedIn(403, 404)
  async review(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string) {
    const details = await this.runtime.submissions.review.details(actor, id);
    return { submission: SubmissionDto.of(details.submission, details.events), files: details.files, samples: details.samples };
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (stewards): publishes the de-identified files as a new immutable dataset version' })
  @ApiOkResponse({ type: SubmissionDto })
  @ApiSignedIn(400, 403, 404, 409)
  async approve(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Body() body: ReasonDto, @Req() request: Request): Promise<SubmissionDto> {
    return SubmissionDto.of(await this.runtime.submissions.review.approve(actor, id, body.reason, requestIdOf(request)));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject with a reason (stewards); quarantine objects are purged' })
  @ApiOkResponse({ type: SubmissionDto })
  @ApiSignedIn(400, 403, 404, 409)
  async reject(@CurrentPrincipal() actor: Principal, @Param('id', uuid) id: string, @Body() body: RequiredReasonDto): Promise<SubmissionDto> {
    return SubmissionDto.of(await this.runtime.submissions.review.reject(actor, id, body.reason));
  }
}
