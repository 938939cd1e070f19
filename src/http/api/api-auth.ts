import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Db } from '../../db/database';
import { authenticateApiToken } from '../../domain/staff/api-tokens.service';
import { AppError, isAppError } from '../../errors/app-error';
import type { FieldProblem } from './api-validation';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/**
 * Every /api/v1 request but the document carries `Authorization: Bearer <token>`: a missing,
 * malformed, unknown or revoked token (or a disabled account) is 401, never a hint which.
 * The staff member found is kept in `res.locals.staff` with their scope.
 */
export function bearerAuth(deps: { readonly db: Db; readonly now: () => Date }): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) throw new AppError('UNAUTHENTICATED', 'Thiếu mã truy cập: gửi kèm Authorization: Bearer <mã> (tạo mã bằng npm run admin:token).');
    const token = BEARER.exec(header)?.[1];
    const staff = token === undefined ? undefined : await authenticateApiToken(deps.db, token, deps.now());
    if (!staff) throw new AppError('UNAUTHENTICATED', 'Mã truy cập không đúng, đã bị thu hồi hoặc tài khoản đã bị khoá.');
    res.locals.staff = staff;
    next();
  };
}

function fieldsOf(error: AppError): readonly FieldProblem[] | undefined {
  const details = error.details as { fields?: readonly FieldProblem[] } | undefined;
  return Array.isArray(details?.fields) ? details.fields : undefined;
}

/**
 * The API's own additions to the one error handler (http/error-handler.ts), which still sets the
 * status and logs: a 400 names its fields (`{error: {code, message, fields: [{path, in, reason}]}}`),
 * and a 401 says which scheme it wants.
 */
export function apiErrorHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (isAppError(error, 'UNAUTHENTICATED')) res.setHeader('WWW-Authenticate', 'Bearer realm="vung-xanh-api"');
    const fields = isAppError(error, 'VALIDATION_FAILED') ? fieldsOf(error) : undefined;
    if (!fields) return next(error);
    res.locals.errorCode = 'VALIDATION_FAILED';
    res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: (error as AppError).message, fields } });
  };
}
