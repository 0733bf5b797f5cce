import { ErrorCode } from './error-codes';

/**
 * The one exception type of the domain. Each feature has its own enum of codes (see error-codes.ts);
 * transports map codes to their own statuses in one exhaustive switch.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`unhandled value: ${String(value)}`);
}
