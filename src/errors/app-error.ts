/**
 * The catalogue of error codes. Each code says what went wrong in domain terms; only the http
 * layer maps codes to statuses, and only channel clients map platform errors onto them.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'input did not match what was expected',
  NOT_FOUND: 'the thing asked for does not exist or is out of scope',
  CONFLICT: 'the change conflicts with the current state',
  UNAUTHENTICATED: 'no valid credentials',
  FORBIDDEN: 'the credentials do not allow this',
  RATE_LIMITED: 'too many requests',
  PAYLOAD_TOO_LARGE: 'the request body is too large',
  SIGNATURE_INVALID: 'a webhook signature is missing or wrong',
  DEPENDENCY_UNAVAILABLE: 'PostgreSQL, Redis or a platform did not answer',
  IMPORT_INVALID: 'an import file has rows that cannot be imported',
  INTERNAL: 'an unexpected failure',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface AppErrorOptions {
  readonly cause?: unknown;
  /** Safe, structured details for the caller (never secrets or personal data). */
  readonly details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string = ERROR_CODES[code], options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
