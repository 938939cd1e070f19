import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/database';
import type { StaffRole } from '../db/types';
import { DEFAULT_SESSION_LIMITS, resumeSession, type SessionLimits, type StartedSession } from '../domain/staff/staff-login.service';
import { AppError } from '../errors/app-error';
import { adminSessionOf, isHtmx, setAdminSession, wantsJson } from './admin-context';

export const SESSION_COOKIE = 'vx_admin';
/** The sign-in form's own CSRF token (there is no session yet to hold one): a cookie the form repeats. */
export const LOGIN_CSRF_COOKIE = 'vx_login';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export interface CookiePolicy {
  /** Where the admin web is mounted: the cookies are sent only there. */
  readonly path: string;
  /** Behind https (PUBLIC_BASE_URL https): the browser sends the cookies over https only. */
  readonly secure: boolean;
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  return parseCookies(header)[name];
}

function setCookie(res: Response, name: string, value: string, policy: CookiePolicy, maxAgeS: number | undefined): void {
  res.append(
    'Set-Cookie',
    serializeCookie(name, value, { httpOnly: true, sameSite: 'lax', secure: policy.secure, path: policy.path, ...(maxAgeS === undefined ? {} : { maxAge: maxAgeS }) }),
  );
}

export function setSessionCookie(res: Response, session: StartedSession, policy: CookiePolicy, now: Date): void {
  setCookie(res, SESSION_COOKIE, session.id, policy, Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000)));
}

export function clearSessionCookie(res: Response, policy: CookiePolicy): void {
  setCookie(res, SESSION_COOKIE, '', policy, 0);
}

/** A fresh token for the sign-in form, set as a short-lived cookie too. */
export function issueLoginCsrf(res: Response, policy: CookiePolicy): string {
  const token = randomBytes(24).toString('base64url');
  setCookie(res, LOGIN_CSRF_COOKIE, token, policy, 30 * 60);
  return token;
}

export function sameToken(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Finds the session behind the cookie (if any and still live) and keeps it for the request. */
export function sessionMiddleware(deps: { readonly db: Db; readonly now: () => Date; readonly limits?: SessionLimits; readonly cookies: CookiePolicy }): RequestHandler {
  return async (req, res, next) => {
    const id = readCookie(req, SESSION_COOKIE);
    if (id) {
      const live = await resumeSession(deps.db, id, deps.now(), deps.limits ?? DEFAULT_SESSION_LIMITS);
      if (live) setAdminSession(res, { staff: live.staff, displayName: live.displayName, csrfToken: live.csrfToken, sessionIdHash: live.idHash });
      else clearSessionCookie(res, deps.cookies);
    }
    next();
  };
}

/**
 * Without a session: a page (a plain GET) is sent to the sign-in page and comes back after it;
 * htmx, JSON and form posts get 401 (a redirect would swap the sign-in page into a fragment).
 */
export function requireSignIn(loginPath: string): RequestHandler {
  return (req, res, next) => {
    if (adminSessionOf(res)) return next();
    if (req.method === 'GET' && !isHtmx(req) && !wantsJson(req)) {
      res.redirect(303, `${loginPath}?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    throw new AppError('UNAUTHENTICATED', 'Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.');
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing request of a session carries the session's synchroniser token: forms in a
 * hidden `_csrf` field, htmx in the X-CSRF-Token header (the layout sets it on <body>). Missing
 * or wrong: 403. (A multipart form is not parsed yet here: send the token in the header.)
 */
export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const session = adminSessionOf(res);
    if (!session) throw new AppError('UNAUTHENTICATED', 'Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.');
    const body = req.body as Record<string, unknown> | undefined;
    const presented = req.get(CSRF_HEADER) ?? (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined);
    if (!sameToken(session.csrfToken, presented)) throw new AppError('FORBIDDEN', 'Yêu cầu thiếu mã bảo vệ (CSRF) hoặc mã không đúng. Tải lại trang rồi thử lại.');
    next();
  };
}

/**
 * For tools that post without our token (bull-board's own page): the request must come from this
 * site. The session cookie is sameSite=lax, so a cross-site post carries no session anyway; this
 * refuses it even from a browser that ignores sameSite.
 */
export function sameOriginOnly(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const host = req.get('host');
    const sameOrigin = site === 'same-origin' || (site === undefined && origin !== undefined && host !== undefined && new URL(origin).host === host);
    if (!sameOrigin) throw new AppError('FORBIDDEN', 'Yêu cầu không đến từ trang quản trị.');
    next();
  };
}

export function requireRole(roles: readonly StaffRole[]): RequestHandler {
  return (_req, res, next) => {
    const session = adminSessionOf(res);
    if (!session) throw new AppError('UNAUTHENTICATED', 'Cần đăng nhập.');
    if (!roles.includes(session.staff.role)) throw new AppError('FORBIDDEN', 'Tài khoản của bạn không được dùng chức năng này.');
    next();
  };
}
