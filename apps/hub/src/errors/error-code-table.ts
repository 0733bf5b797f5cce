import * as codes from '@imagora/core';
import { httpStatusOf } from './http-status';

const ENUMS = {
  Request: codes.RequestErrorCode,
  Auth: codes.AuthErrorCode,
  Access: codes.AccessErrorCode,
  Registry: codes.RegistryErrorCode,
  Protocol: codes.ProtocolErrorCode,
  Submission: codes.SubmissionErrorCode,
  Catalog: codes.CatalogErrorCode,
  Dicom: codes.DicomErrorCode,
  Deid: codes.DeidErrorCode,
} as const;

/** docs/error-codes.md: every stable error code of the API with its HTTP status (generated; a test keeps it current). */
export function renderErrorCodeTable(): string {
  const lines = [
    '# Error codes',
    '',
    'Generated from `libs/core/src/errors/error-codes.ts` and `apps/hub/src/errors/http-status.ts` (a test fails when this file is stale).',
    'Every error answer is `{ "error": { "code", "message", "details" } }`.',
    '',
    '| feature | code | HTTP status |',
    '|---|---|---|',
  ];
  for (const [feature, values] of Object.entries(ENUMS)) {
    for (const code of Object.values(values) as codes.ErrorCode[]) lines.push(`| ${feature} | \`${code}\` | ${httpStatusOf(code)} |`);
  }
  return lines.join('\n') + '\n';
}
