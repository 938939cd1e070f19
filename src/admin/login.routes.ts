import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/database';
import { signIn, signOut, DEFAULT_LOGIN_LIMITS, DEFAULT_SESSION_LIMITS, type LoginLimits, type SessionLimits } from '../domain/staff/staff-login.service';
import { adminSessionOf, clientIp } from './admin-context';
import { clearSessionCookie, csrfProtection, issueLoginCsrf, LOGIN_CSRF_COOKIE, readCookie, sameToken, setSessionCookie, type CookiePolicy } from './admin-auth';
import { html } from './views/html';
import { sendPage } from './views/layout';

export interface LoginRoutesDeps {
  readonly db: Db;
  readonly basePath: string;
  readonly cookies: CookiePolicy;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly loginLimits?: LoginLimits;
  readonly sessionLimits?: SessionLimits;
}

const loginForm = z.object({
  username: z.string().max(100).default(''),
  password: z.string().max(1000).default(''),
  _csrf: z.string().max(200).default(''),
  next: z.string().max(2000).default(''),
});

/** Only a path of this admin web: never another site (an open redirect) nor `//host`. */
export function safeNext(next: string, basePath: string): string {
  const ok = (next === basePath || next.startsWith(`${basePath}/`) || next.startsWith(`${basePath}?`)) && !next.includes('//') && !next.includes('\\');
  return ok && !next.startsWith(`${basePath}/login`) ? next : basePath;
}

function timeOfDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('vi-VN', { timeZone, hour: '2-digit', minute: '2-digit' }).format(at);
}

export function createLoginRouter(deps: LoginRoutesDeps): Router {
  const router = Router();
  const loginPath = `${deps.basePath}/login`;

  function form(req: Request, res: Response, options: { status?: number; error?: string; username?: string; next?: string }): void {
    const token = issueLoginCsrf(res, deps.cookies);
    const next = options.next ?? (typeof req.query.next === 'string' ? req.query.next : '');
    sendPage(req, res, {
      title: 'Đăng nhập',
      status: options.status,
      body: html`<section class="card login">
  <h1>Đăng nhập trang quản trị</h1>
  ${options.error ? html`<p class="flash error" role="alert">${options.error}</p>` : ''}
  <form method="post" action="${loginPath}" class="stack">
    <input type="hidden" name="_csrf" value="${token}" />
    <input type="hidden" name="next" value="${safeNext(next, deps.basePath)}" />
    <label>Tên đăng nhập <input type="text" name="username" autocomplete="username" autocapitalize="none" required value="${options.username ?? ''}" /></label>
    <label>Mật khẩu <input type="password" name="password" autocomplete="current-password" required /></label>
    <button type="submit">Đăng nhập</button>
  </form>
  <p class="muted">Tài khoản do quản trị viên Quận Đoàn cấp (npm run admin:create).</p>
</section>`,
    });
  }

  router.get('/login', (req, res) => {
    if (adminSessionOf(res)) {
      res.redirect(303, deps.basePath);
      return;
    }
    form(req, res, {});
  });

  router.post('/login', async (req, res) => {
    const input = loginForm.safeParse(req.body ?? {});
    const fields = input.success ? input.data : { username: '', password: '', _csrf: '', next: '' };
    const cookieToken = readCookie(req, LOGIN_CSRF_COOKIE);
    if (!cookieToken || !sameToken(cookieToken, fields._csrf)) {
      form(req, res, { status: 403, error: 'Trang đăng nhập đã cũ hoặc thiếu mã bảo vệ. Vui lòng nhập lại.', username: fields.username, next: fields.next });
      return;
    }
    const now = deps.now();
    const outcome = await signIn(
      deps.db,
      { username: fields.username, password: fields.password, ip: clientIp(req), now },
      deps.loginLimits ?? DEFAULT_LOGIN_LIMITS,
      deps.sessionLimits ?? DEFAULT_SESSION_LIMITS,
    );
    if (outcome.ok) {
      setSessionCookie(res, outcome.session, deps.cookies, now);
      res.redirect(303, safeNext(fields.next, deps.basePath));
      return;
    }
    const again = { username: fields.username, next: fields.next };
    switch (outcome.reason) {
      case 'invalid':
        form(req, res, { ...again, status: 401, error: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
        return;
      case 'locked': {
        const minutes = Math.max(1, Math.ceil((outcome.until.getTime() - now.getTime()) / 60_000));
        form(req, res, {
          ...again,
          status: 429,
          error: `Tài khoản tạm khoá vì đăng nhập sai nhiều lần. Vui lòng thử lại sau ${timeOfDay(outcome.until, deps.timeZone)} (khoảng ${minutes} phút nữa).`,
        });
        return;
      }
      case 'tooManyFromAddress':
        form(req, res, { ...again, status: 429, error: 'Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng đợi ít phút rồi thử lại.' });
        return;
    }
  });

  router.post('/logout', csrfProtection(), async (req, res) => {
    const session = adminSessionOf(res);
    if (session) await signOut(deps.db, session.sessionIdHash, clientIp(req), deps.now());
    clearSessionCookie(res, deps.cookies);
    res.redirect(303, loginPath);
  });

  return router;
}
