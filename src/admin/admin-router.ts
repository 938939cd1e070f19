import { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Db } from '../db/database';
import type { StaffRole } from '../db/types';
import type { LoginLimits, SessionLimits } from '../domain/staff/staff-login.service';
import { setAdminView, type NavEntry } from './admin-context';
import { csrfProtection, requireSignIn, sessionMiddleware, type CookiePolicy } from './admin-auth';
import { adminErrorHandler, adminNotFound } from './admin-errors';
import { pageRouter, type AdminPage } from './admin-page';
import { ASSETS_PATH, loadAdminAssets } from './assets';
import { createLoginRouter } from './login.routes';

export const ADMIN_BASE_PATH = '/admin';

/** A tool mounted inside the admin web that brings its own page and posts (bull-board). */
export interface AdminTool {
  readonly path: string;
  readonly roles: readonly StaffRole[];
  readonly nav?: { readonly label: string; readonly order: number };
  /** Runs after sign-in, before the CSRF check (the tool cannot send our token): guard it yourself. */
  readonly handlers: readonly RequestHandler[];
  /** Its own CSP when it needs more than 'self' (inline styles). */
  readonly contentSecurityPolicy?: Readonly<Record<string, readonly string[]>>;
}

export interface AdminRouterDeps {
  readonly db: Db;
  readonly pages: readonly AdminPage[];
  readonly tools?: readonly AdminTool[];
  /** PUBLIC_BASE_URL is https: cookies are marked secure. */
  readonly secureCookies: boolean;
  readonly timeZone: string;
  readonly now?: () => Date;
  readonly loginLimits?: LoginLimits;
  readonly sessionLimits?: SessionLimits;
  readonly basePath?: string;
}

const SELF_ONLY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

function navOf(pages: readonly Pick<AdminPage, 'path' | 'nav' | 'roles'>[], basePath: string): NavEntry[] {
  return pages
    .filter((p) => p.nav)
    .sort((a, b) => a.nav!.order - b.nav!.order)
    .map((p) => ({ href: p.path === '/' ? basePath : `${basePath}${p.path}`, label: p.nav!.label, roles: p.roles }));
}

/**
 * The admin web (issue 6): helmet headers (CSP 'self' only), versioned static assets, sign-in and
 * sign-out, then — behind a live session — the tools and the pages, each behind its roles, every
 * state-changing request behind the session's CSRF token. Errors answer as pages in Vietnamese.
 */
export function createAdminRouter(deps: AdminRouterDeps): Router {
  const basePath = deps.basePath ?? ADMIN_BASE_PATH;
  const now = deps.now ?? (() => new Date());
  const cookies: CookiePolicy = { path: basePath, secure: deps.secureCookies };
  const assets = loadAdminAssets(basePath);
  const nav = navOf([...deps.pages, ...(deps.tools ?? [])], basePath);
  const router = Router();

  const headersFor = (csp: Readonly<Record<string, readonly string[]>>) =>
    helmet({ contentSecurityPolicy: { useDefaults: false, directives: csp as Record<string, string[]> }, strictTransportSecurity: deps.secureCookies });
  const pageHeaders = headersFor(SELF_ONLY);
  const toolHeaders = (deps.tools ?? []).map((t) => ({ prefix: `${t.path}`, headers: headersFor({ ...SELF_ONLY, ...(t.contentSecurityPolicy ?? {}) }) }));
  router.use((req, res, next) => {
    const tool = toolHeaders.find((t) => req.path === t.prefix || req.path.startsWith(`${t.prefix}/`));
    (tool?.headers ?? pageHeaders)(req, res, next);
  });
  router.use(ASSETS_PATH, assets.router);
  router.use((_req, res, next) => {
    setAdminView(res, { basePath, assets, nav });
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(sessionMiddleware({ db: deps.db, now, cookies, ...(deps.sessionLimits ? { limits: deps.sessionLimits } : {}) }));
  router.use(createLoginRouter({ db: deps.db, basePath, cookies, timeZone: deps.timeZone, now, ...(deps.loginLimits ? { loginLimits: deps.loginLimits } : {}), ...(deps.sessionLimits ? { sessionLimits: deps.sessionLimits } : {}) }));
  router.use(requireSignIn(`${basePath}/login`));
  for (const tool of deps.tools ?? []) router.use(tool.path, ...tool.handlers);
  router.use(csrfProtection());
  for (const page of deps.pages) router.use(page.path, pageRouter(page));
  router.use(adminNotFound());
  router.use(adminErrorHandler());
  return router;
}
