/**
 * The admin web's test world, set up once per test file: a fresh database with the small district
 * of admin-seed.ts, the admin web on an ephemeral port, and one signed-in client per role and
 * scope (the five people of the scope matrix). `useAdminWorld` registers the file's beforeAll and
 * afterAll; the file's own beforeAll hooks run after it, with the world ready.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { adminPages } from '../../src/admin/admin-pages';
import type { AdminPage } from '../../src/admin/admin-page';
import type { Db } from '../../src/db/database';
import type { StaffRole } from '../../src/db/types';
import type { Outbox } from '../../src/domain/deliveries/outbox';
import { AdminClient, aStaffAccount, startAdminWeb, STAFF_PASSWORD, TestClock, wiredAdminPages, type AdminWeb } from './admin-web';
import { seedAdminDistrict, type AdminSeed } from './admin-seed';
import { launchBrowser, type LaunchedBrowser } from './browser';
import { deleteQueuePrefix, uniqueQueuePrefix } from './redis';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The admin seed's "now": the tests' figures are worked out against it. */
export const ADMIN_NOW = new Date('2026-11-30T02:00:00Z');

/** The scope matrix's people: the district admin, a staff member of each cluster, a cadre of branches A and B. */
export type Who = 'admin' | 'staffOne' | 'staffTwo' | 'cadreA' | 'cadreB';
export const ROLES: Readonly<Record<Who, StaffRole>> = { admin: 'districtAdmin', staffOne: 'districtStaff', staffTwo: 'districtStaff', cadreA: 'branchCadre', cadreB: 'branchCadre' };
export const WHO = Object.keys(ROLES) as readonly Who[];

/** Where each of them works in the seeded district. */
function scopeOf(who: Who, s: AdminSeed): { branch?: string; clusters?: string[] } {
  switch (who) {
    case 'admin':
      return {};
    case 'staffOne':
      return { clusters: [s.clusterOne] };
    case 'staffTwo':
      return { clusters: [s.clusterTwo] };
    case 'cadreA':
      return { branch: s.branchA };
    case 'cadreB':
      return { branch: s.branchB };
  }
}

export interface AdminWorldOptions {
  /** The clock's start; ADMIN_NOW by default. */
  readonly now?: Date;
  /**
   * 'plain': the pages without broadcasts or queues (an optional outbox for the inbox's replies);
   * 'wired': as the app wires them, with broadcasts and the queues tool on real BullMQ queues.
   */
  readonly pages?: 'plain' | 'wired';
  readonly outbox?: Outbox;
  /** Sign in one client per person (true by default); browser tests sign in in the browser instead. */
  readonly signIn?: boolean;
  /** A page each client opens after signing in (so that it holds that page's CSRF token). */
  readonly visit?: string;
}

export interface AdminWorld {
  readonly t: TestDatabase;
  readonly db: Db;
  readonly s: AdminSeed;
  readonly clock: TestClock;
  readonly web: AdminWeb;
  /** Only with pages: 'wired'. */
  readonly wired: ReturnType<typeof wiredAdminPages>;
  /** Signed-in clients (empty with signIn: false). */
  readonly c: Record<Who, AdminClient>;
  readonly staff: Record<Who, { readonly id: string; readonly username: string }>;
}

export function useAdminWorld(options: AdminWorldOptions = {}): AdminWorld {
  const world = { c: {}, staff: {} } as { -readonly [K in keyof AdminWorld]: AdminWorld[K] };
  const prefix = uniqueQueuePrefix();

  beforeAll(async () => {
    world.t = await createTestDatabase();
    world.db = world.t.db;
    world.clock = new TestClock(options.now ?? ADMIN_NOW);
    world.s = await seedAdminDistrict(world.db, world.clock.now());
    let pages: readonly AdminPage[];
    if (options.pages === 'wired') {
      world.wired = wiredAdminPages(world.db, world.clock, prefix);
      pages = world.wired.pages;
    } else {
      pages = adminPages({ db: world.db, timeZone: 'Asia/Ho_Chi_Minh', now: world.clock.now, basePath: '/admin', broadcasts: undefined, ...(options.outbox ? { outbox: options.outbox } : {}) });
    }
    world.web = await startAdminWeb(world.db, pages, { clock: world.clock, ...(world.wired ? { tools: world.wired.tools } : {}) });
    for (const who of WHO) {
      world.staff[who] = await aStaffAccount(world.db, ROLES[who], scopeOf(who, world.s));
      if (options.signIn === false) continue;
      world.c[who] = new AdminClient(world.web.url);
      expect((await world.c[who].signIn(world.staff[who].username)).status).toBe(303);
      if (options.visit) await world.c[who].get(options.visit);
    }
  });

  afterAll(async () => {
    await world.web?.close();
    await world.wired?.close();
    await world.t?.drop();
    if (world.wired) await deleteQueuePrefix(prefix);
  });

  return world;
}

/** Where browser tests keep their screenshots. */
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

export interface AdminBrowser {
  readonly browser: LaunchedBrowser;
  /** Every CSP refusal the page reported: a test expects none. */
  readonly cspViolations: string[];
}

/** Headless Chromium at a phone's width for the file, collecting CSP violations. */
export function useAdminBrowser(viewport = { width: 420, height: 900 }): AdminBrowser {
  const held = { cspViolations: [] as string[] } as { browser: LaunchedBrowser; cspViolations: string[] };
  beforeAll(async () => {
    held.browser = await launchBrowser({ viewport });
    held.browser.page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) held.cspViolations.push(message.text());
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await held.browser?.close();
  });
  return held;
}

/** Opens `path`, is sent to the sign-in page, signs in and lands back on `path`. */
export async function signInThroughThePage(page: Page, baseUrl: string, path: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL(/\/admin\/login\?next=/);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${baseUrl}${path}`);
}
