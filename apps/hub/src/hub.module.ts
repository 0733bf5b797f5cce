import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { BearerStrategy, DenyByDefaultGuard } from '@imagora/auth';
import { AuthenticateUseCase } from '@imagora/domain';
import { Runtime } from '@imagora/runtime';
import { ApiKeysController } from './access/api-keys.controller';
import { AuthController } from './access/auth.controller';
import { OrganizationsController } from './access/organizations.controller';
import { UsersController } from './access/users.controller';
import { DomainExceptionFilter } from './errors/domain-exception.filter';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { HubMetrics } from './metrics/metrics';
import { ProtocolsController } from './registry/protocols.controller';
import { DatasetsController } from './submissions/datasets.controller';
import { SubmissionsController } from './submissions/submissions.controller';
import { SearchController } from './catalog/search.controller';
import { CohortsController } from './catalog/cohorts.controller';
import { DatasetAccessController } from './catalog/dataset-access.controller';
import { AuditController } from './access/audit.controller';
import { RUNTIME } from './runtime.token';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

@Module({})
export class HubModule {
  static register(runtime: Runtime, metrics: HubMetrics): DynamicModule {
    return {
      module: HubModule,
      imports: [
        PassportModule,
        LoggerModule.forRoot({
          pinoHttp: {
            logger: runtime.logger,
            // A caller's X-Request-Id is kept (when sane) so one id follows a request into the worker's jobs.
            genReqId: (request, response) => {
              const given = request.headers['x-request-id'];
              const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
              response.setHeader('X-Request-Id', id);
              return id;
            },
            // Method and path only: never headers (tokens), bodies (passwords, PHI) or query strings.
            serializers: {
              req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, path: request.url.split('?')[0] }),
              res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
            },
            autoLogging: { ignore: (request) => request.url === '/health/live' || request.url === '/metrics' },
          },
        }),
      ],
      controllers: [HealthController, MetricsController, AuthController, ApiKeysController, OrganizationsController, UsersController, ProtocolsController, DatasetsController, SubmissionsController, SearchController, CohortsController, DatasetAccessController, AuditController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: HubMetrics, useValue: metrics },
        { provide: AuthenticateUseCase, useValue: runtime.access.authenticate },
        BearerStrategy,
        { provide: APP_GUARD, useClass: DenyByDefaultGuard },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }) },
      ],
    };
  }
}
