import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '@imagora/auth';
import { Principal, requireHubAdmin } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';
import { ApiSignedIn } from '../docs/api-docs.decorators';

@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, oldest first (hub admins)' })
  @ApiQuery({ name: 'after', required: false, description: 'sequence number to continue after' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object' } } })
  @ApiSignedIn(403)
  list(@CurrentPrincipal() viewer: Principal, @Query('after') after?: string, @Query('limit') limit?: string) {
    requireHubAdmin(viewer);
    return this.runtime.access.auditLog.list({ afterSequence: after && /^\d+$/.test(after) ? after : undefined, limit: Math.min(Number(limit) || 100, 1000) });
  }

  @Get('verify')
  @ApiOperation({ summary: 'Recompute the hash chain of the append-only audit log (hub admins)' })
  @ApiOkResponse({ schema: { example: { records: 1234, firstBrokenSequence: null, intact: true } } })
  @ApiSignedIn(403)
  async verify(@CurrentPrincipal() viewer: Principal) {
    requireHubAdmin(viewer);
    const result = await this.runtime.access.auditLog.verify();
    return { ...result, intact: result.firstBrokenSequence === null };
  }
}
