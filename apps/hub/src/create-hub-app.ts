import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { RequestErrorCode } from '@imagora/core';
import { imagoraVersion, Runtime } from '@imagora/runtime';
import { errorBody } from './errors/domain-exception.filter';
import { HubModule } from './hub.module';
import { HubMetrics } from './metrics/metrics';

// Above the protocol linter's own 1 MiB limit, so an oversized document gets its PROTOCOL_TOO_LARGE code.
const PROTOCOL_BODY_LIMIT = 4 * 1024 * 1024;
const protocolDocumentRoutes = /^\/api\/v1\/protocols\/[^/]+\/versions\/[^/]+(?:\/check)?$/;

/** Builds the HTTP API on a started runtime; the caller decides where it listens. */
export async function createHubApp(runtime: Runtime): Promise<INestApplication> {
  const metrics = new HubMetrics();
  const app = await NestFactory.create<NestExpressApplication>(HubModule.register(runtime, metrics), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(countRequests(metrics));
  // Protocol documents are kept verbatim: their routes take the JSON body as text (lint parses it).
  app.use(protocolDocumentRoutes, express.text({ limit: PROTOCOL_BODY_LIMIT, type: ['application/json', 'application/*+json', 'text/plain'] }));
  app.use(express.json({ limit: runtime.config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  app.use(bodyParserErrors);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Imagora hub API')
      .setDescription(
        'Versioned annotation protocols, contributed datasets, review, release and reproducible download of de-identified medical images. ' +
          'Every route needs a bearer credential (a JWT from POST /api/v1/auth/login, or an API key) unless it says otherwise. ' +
          'Errors are always `{ "error": { "code", "message", "details" } }` with a stable code.',
      )
      .setVersion(imagoraVersion())
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or imk_ API key' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

function bodyParserErrors(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  const type = (error as { type?: string })?.type;
  if (type === 'entity.parse.failed') {
    response.status(400).json(errorBody(RequestErrorCode.MALFORMED_JSON, 'the request body is not valid JSON'));
  } else if (type === 'entity.too.large') {
    response.status(413).json(errorBody(RequestErrorCode.PAYLOAD_TOO_LARGE, 'the request body is too large', { limitBytes: (error as { limit?: number }).limit }));
  } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    response.status(415).json(errorBody(RequestErrorCode.UNSUPPORTED_MEDIA_TYPE, 'unsupported body encoding'));
  } else {
    next(error);
  }
}

function countRequests(metrics: HubMetrics) {
  return (request: Request, response: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    response.on('finish', () => {
      // The route pattern, not the URL: bounded label values.
      const route = request.route?.path ? `${request.baseUrl}${request.route.path}` : 'unmatched';
      metrics.httpRequests.inc({ method: request.method, route, status: String(response.statusCode) });
      end({ method: request.method, route });
    });
    next();
  };
}
