import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON or an invalid request body (REQUEST_MALFORMED_JSON, REQUEST_VALIDATION_FAILED)',
  401: 'No credential, or an invalid, expired or revoked one (AUTH_UNAUTHENTICATED)',
  403: 'The caller lacks the required role (AUTH_FORBIDDEN)',
  404: 'The resource does not exist',
  409: 'Conflicts with the current state',
  413: 'The request body is too large (REQUEST_PAYLOAD_TOO_LARGE)',
  422: 'Well-formed but unacceptable values',
};

/** Documents the error responses a route can give, all shaped `{ error: { code, message, details } }`. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto })));
}

/** A route that needs a bearer JWT or API key. */
export function ApiSignedIn(...extraStatuses: number[]) {
  return applyDecorators(ApiBearerAuth(), ApiErrors(401, ...extraStatuses));
}
