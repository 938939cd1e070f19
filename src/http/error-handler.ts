import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors/app-error';

/**
 * The one place that turns error codes into HTTP statuses. A Record over every code, so a new
 * code in the catalogue fails the build until it is given a status here.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  SIGNATURE_INVALID: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  // The caller's file is at fault, not the server: a 5xx would page someone for a typo in a roster.
  IMPORT_INVALID: 422,
  RATE_LIMITED: 429,
  DEPENDENCY_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The body of every error response. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: unknown };
}

interface HttpErrorLike {
  readonly status: number;
  readonly expose: boolean;
  readonly type?: string;
}

/** Errors raised by body-parser and express's router (http-errors): a 4xx the client caused. */
function isClientHttpError(error: unknown): error is HttpErrorLike {
  if (typeof error !== 'object' || error === null) return false;
  const { status, expose } = error as Partial<HttpErrorLike>;
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}

/** Maps anything thrown to an AppError whose message is safe to show the client. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isClientHttpError(error)) {
    if (error.status === 413) return new AppError('PAYLOAD_TOO_LARGE', ERROR_CODES.PAYLOAD_TOO_LARGE, { cause: error });
    if (error.type === 'entity.parse.failed') return new AppError('VALIDATION_FAILED', 'the request body is not valid JSON', { cause: error });
    return new AppError('VALIDATION_FAILED', ERROR_CODES.VALIDATION_FAILED, { cause: error });
  }
  // Never echo an unexpected error's message: it may carry SQL, paths or personal data.
  return new AppError('INTERNAL', ERROR_CODES.INTERNAL, { cause: error });
}

export function errorBody(error: AppError): ErrorBody {
  return {
    error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
  };
}

/** The last route: anything no router answered is a JSON 404. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
}

/**
 * The error middleware: `{error: {code, message}}` with the code's status, never a stack.
 * Server errors ride on `res.err`, so the access-log line records them once with their stack;
 * client errors only add their code to that line.
 */
export function errorHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    // Once a response has started there is nothing to send; express ends the connection.
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = toAppError(error);
    const status = HTTP_STATUS_BY_CODE[appError.code];
    res.locals.errorCode = appError.code;
    if (status >= 500) res.err = appError.code === 'INTERNAL' && error instanceof Error ? error : appError;
    res.status(status).json(errorBody(appError));
  };
}
