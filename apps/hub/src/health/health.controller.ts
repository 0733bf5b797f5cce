import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@imagora/auth';
import { Runtime } from '@imagora/runtime';
import { RUNTIME } from '../runtime.token';

type Check = { status: 'up' | 'down'; error?: string };

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Public()
  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'up' } } })
  live() {
    return { status: 'up' };
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database, object store and job queue answer' })
  @ApiOkResponse({ schema: { example: { status: 'up', checks: { database: { status: 'up' }, objectStore: { status: 'up' }, jobQueue: { status: 'up' } } } } })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `checks` says which' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const { dataSource, objectStore, jobs, config } = this.runtime;
    const checks = {
      database: await check(() => dataSource.query('select 1')),
      objectStore: await check(() => Promise.all([objectStore.ping(config.objectStore.quarantineBucket), objectStore.ping(config.objectStore.sharedBucket)])),
      jobQueue: await check(() => jobs.ping()),
    };
    const up = Object.values(checks).every((c) => c.status === 'up');
    response.status(up ? 200 : 503);
    return { status: up ? 'up' : 'down', checks };
  }
}

async function check(probe: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out after 3 s')), 3000)))]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
