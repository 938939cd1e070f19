import { Router, type RequestHandler } from 'express';
import type { StaffRole } from '../db/types';
import { requireRole } from './admin-auth';

export const ALL_STAFF_ROLES: readonly StaffRole[] = ['districtAdmin', 'districtStaff', 'branchCadre'];

/** Routes of one page; every route registered here first checks the page's roles (403 otherwise). */
export interface PageRoutes {
  get(path: string, ...handlers: RequestHandler[]): void;
  post(path: string, ...handlers: RequestHandler[]): void;
}

/**
 * One page of the admin web: the ONE way to add a page. Give it a path under /admin, a title,
 * the roles that may open it, a menu entry if it should have one, and its routes; list it in
 * admin-pages.ts. Every route already runs behind sign-in and CSRF checks; each handler still
 * limits what it reads to `staffOf(res).scope` (out of scope → AppError NOT_FOUND → 404).
 */
export interface AdminPage {
  /** Under the admin mount, e.g. `/broadcasts`; `/` is the dashboard. */
  readonly path: string;
  readonly title: string;
  readonly roles: readonly StaffRole[];
  /** In the top menu, in ascending `order`; absent: reachable by link only. */
  readonly nav?: { readonly label: string; readonly order: number };
  readonly routes: (r: PageRoutes) => void;
}

/** The page's router (mount it at `page.path`) with the role check on each of its routes. */
export function pageRouter(page: AdminPage): Router {
  const router = Router();
  const gate = requireRole(page.roles);
  page.routes({
    get: (path, ...handlers) => void router.get(path, gate, ...handlers),
    post: (path, ...handlers) => void router.post(path, gate, ...handlers),
  });
  return router;
}
