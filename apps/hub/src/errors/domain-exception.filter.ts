import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, RequestErrorCode } from '@imagora/core';
import type { Response } from 'express';
import { httpStatusOf } from './http-status';

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: RequestErrorCode.VALIDATION_FAILED,
  404: RequestErrorCode.ROUTE_NOT_FOUND,
  405: RequestErrorCode.METHOD_NOT_ALLOWED,
  413: RequestErrorCode.PAYLOAD_TOO_LARGE,
  415: RequestErrorCode.UNSUPPORTED_MEDIA_TYPE,
};

/** The one place where errors become HTTP: `{ error: { code, message, details } }`. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (exception instanceof DomainError) {
      response.status(httpStatusOf(exception.code)).json(errorBody(exception.code, exception.message, exception.details));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = STATUS_CODES[status] ?? (status >= 500 ? RequestErrorCode.INTERNAL : RequestErrorCode.VALIDATION_FAILED);
      const payload = exception.getResponse();
      const messages = typeof payload === 'object' && payload !== null ? (payload as { message?: unknown }).message : undefined;
      const details = Array.isArray(messages) ? { problems: messages } : undefined;
      const message = code === RequestErrorCode.ROUTE_NOT_FOUND ? 'no such route' : Array.isArray(messages) ? 'the request is invalid' : exception.message;
      response.status(status).json(errorBody(code, message, details));
      return;
    }
    // Unexpected: log the error (never the request body) and answer without internals.
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    response.status(500).json(errorBody(RequestErrorCode.INTERNAL, 'internal error'));
  }
}
