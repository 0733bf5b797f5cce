import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '@imagora/auth';
import { Principal } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiSignedIn } from '../docs/api-docs.decorators';
import { AccessDecisionDto, AccessRequestBodyDto, AccessRequestDto } from './catalog.dto';

@ApiTags('access')
@Controller('api/v1')
export class DatasetAccessController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  private get access() {
    return this.runtime.catalog.access;
  }

  @Post('datasets/:org/:slug/agreement')
  @HttpCode(204)
  @ApiOperation({ summary: 'Accept a registered dataset’s data-use agreement (once)' })
  @ApiNoContentResponse()
  @ApiSignedIn(400, 404)
  async accept(@CurrentPrincipal() viewer: Principal, @Param('org') org: string, @Param('slug') slug: string): Promise<void> {
    await this.access.acceptAgreement(viewer, org, slug);
  }

  @Post('datasets/:org/:slug/access-requests')
  @ApiOperation({ summary: 'Ask a steward of the owning organization for access to a controlled dataset' })
  @ApiCreatedResponse({ type: AccessRequestDto })
  @ApiSignedIn(400, 404)
  async request(@CurrentPrincipal() viewer: Principal, @Param('org') org: string, @Param('slug') slug: string, @Body() body: AccessRequestBodyDto): Promise<AccessRequestDto> {
    return AccessRequestDto.of(await this.access.requestAccess(viewer, org, slug, body.purpose));
  }

  @Get('access-requests')
  @ApiOperation({ summary: 'Your access requests, and (stewards) those for your organizations’ datasets' })
  @ApiQuery({ name: 'state', required: false, enum: ['pending', 'approved', 'denied'] })
  @ApiOkResponse({ type: [AccessRequestDto] })
  @ApiSignedIn()
  async list(@CurrentPrincipal() viewer: Principal, @Query('state') state?: 'pending' | 'approved' | 'denied'): Promise<AccessRequestDto[]> {
    return (await this.access.listRequests(viewer, { state })).map(AccessRequestDto.of);
  }

  @Post('access-requests/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve or deny an access request with a reason (stewards of the owning organization)' })
  @ApiOkResponse({ type: AccessRequestDto })
  @ApiSignedIn(400, 403, 404, 409)
  async decide(@CurrentPrincipal() viewer: Principal, @Param('id', new ParseUUIDPipe({ version: '4', errorHttpStatusCode: 404 })) id: string, @Body() body: AccessDecisionDto): Promise<AccessRequestDto> {
    return AccessRequestDto.of(await this.access.decideRequest(viewer, id, body));
  }
}
