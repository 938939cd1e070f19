import type { ErrorRequestHandler, RequestHandler } from 'express';
import { toAppError, HTTP_STATUS_BY_CODE } from '../http/error-handler';
import { AppError } from '../errors/app-error';
import { isHtmx, wantsJson } from './admin-context';
import { html } from './views/html';
import { sendFragment, sendPage } from './views/layout';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Dữ liệu chưa đúng',
  401: 'Cần đăng nhập',
  403: 'Không có quyền',
  404: 'Không tìm thấy',
  409: 'Không thực hiện được',
  429: 'Thử lại sau',
  503: 'Chưa sẵn sàng',
};

export function adminNotFound(): RequestHandler {
  return () => {
    throw new AppError('NOT_FOUND', 'Không có trang này, hoặc nó không thuộc phạm vi của tài khoản.');
  };
}

/**
 * The admin web's errors as people read them: a page in the layout (a fragment for htmx, JSON for
 * a script), in Vietnamese. Unexpected errors say nothing of their cause and ride on res.err, so
 * the access log records them once with their stack.
 */
export function adminErrorHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const appError = toAppError(error);
    const status = HTTP_STATUS_BY_CODE[appError.code];
    res.locals.errorCode = appError.code;
    if (status >= 500) res.err = appError.code === 'INTERNAL' && error instanceof Error ? error : appError;
    const message = status >= 500 && appError.code === 'INTERNAL' ? 'Đã có lỗi ngoài dự kiến. Vui lòng thử lại; nếu vẫn lỗi, báo quản trị viên.' : appError.message;
    if (wantsJson(req) && !isHtmx(req)) {
      res.status(status).json({ error: { code: appError.code, message } });
      return;
    }
    if (isHtmx(req)) {
      sendFragment(res, html`<p class="flash error" role="alert">${message}</p>`, status);
      return;
    }
    const title = TITLES[status] ?? 'Có lỗi';
    sendPage(req, res, { title, status, body: html`<h1>${title}</h1><p class="flash error" role="alert">${message}</p>` });
  };
}
