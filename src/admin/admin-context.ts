import type { Request, Response } from 'express';
import type { StaffRole } from '../db/types';
import type { StaffPrincipal } from '../domain/staff/staff-scope';
import { AppError } from '../errors/app-error';
import type { AdminAssets } from './assets';

/** The signed-in staff member of this request (set by the session middleware, admin-auth.ts). */
export interface AdminSession {
  readonly staff: StaffPrincipal;
  readonly displayName: string | null;
  readonly csrfToken: string;
  readonly sessionIdHash: string;
}

export interface NavEntry {
  readonly href: string;
  readonly label: string;
  readonly roles: readonly StaffRole[];
}

/** What the layout needs besides the page's own content (set by the admin router on every request). */
export interface AdminView {
  readonly basePath: string;
  readonly assets: AdminAssets;
  readonly nav: readonly NavEntry[];
}

interface AdminLocals {
  adminSession?: AdminSession;
  adminView?: AdminView;
}

const locals = (res: Response) => res.locals as AdminLocals;

export function setAdminSession(res: Response, session: AdminSession): void {
  locals(res).adminSession = session;
}

export function adminSessionOf(res: Response): AdminSession | undefined {
  return locals(res).adminSession;
}

/** The signed-in staff member; every page route runs behind the sign-in check, so this always holds there. */
export function signedIn(res: Response): AdminSession {
  const session = locals(res).adminSession;
  if (!session) throw new AppError('UNAUTHENTICATED', 'Cần đăng nhập.');
  return session;
}

export function staffOf(res: Response): StaffPrincipal {
  return signedIn(res).staff;
}

export function setAdminView(res: Response, view: AdminView): void {
  locals(res).adminView = view;
}

export function adminViewOf(res: Response): AdminView {
  const view = locals(res).adminView;
  if (!view) throw new Error('admin view missing: the route is not mounted under the admin router');
  return view;
}

/** An htmx request wants a fragment (and a 401, not a redirect, when the session has ended). */
export function isHtmx(req: Request): boolean {
  return req.get('hx-request') === 'true';
}

export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/** The client's address as the trust-proxy setting resolves it. */
export function clientIp(req: Request): string | null {
  return req.ip ?? null;
}
