/**
 * The admin web in a test: the real Express app (createHttpApp + the admin router) on an ephemeral
 * port, a clock the test moves, staff accounts made by the real admin:create service, and a
 * client that keeps cookies like a browser and reads the CSRF token from the pages it gets.
 */
import type { Db } from '../../src/db/database';
import type { StaffRole } from '../../src/db/types';
import { createAdminRouter, type AdminRouterDeps } from '../../src/admin/admin-router';
import type { AdminPage } from '../../src/admin/admin-page';
import { createStaffAccount } from '../../src/domain/staff/staff-account.service';
import { createHttpApp } from '../../src/http/app';
import { createLogger } from '../../src/logging/logger';
import { serve, type RunningServer } from '../integration/http/http-server';
import { Redis } from 'ioredis';
import { adminPages } from '../../src/admin/admin-pages';
import { queuesTool } from '../../src/admin/tools/queues.tool';
import { loadConfig } from '../../src/config/config';
import { allQueues, createQueues } from '../../src/jobs/queues';
import { deliveryPolicySettingsOf } from '../../src/domain/deliveries/delivery-policy-settings';
import { buildBroadcasts } from '../../src/main/broadcasts';
import { createBullMqOutbox } from '../../src/jobs/outbox.bullmq';
import { createMediaUrlSigner } from '../../src/domain/media/media-url';
import { TEST_REDIS_URL } from './redis';

export const STAFF_PASSWORD = 'mat-khau-thu-nghiem-123';

export class TestClock {
  constructor(private at: Date = new Date('2026-11-30T02:00:00Z')) {}
  now = (): Date => new Date(this.at.getTime());
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export interface AdminWeb {
  readonly url: string;
  readonly clock: TestClock;
  close(): Promise<void>;
}

export async function startAdminWeb(db: Db, pages: readonly AdminPage[], options: Partial<AdminRouterDeps> & { clock?: TestClock; trustProxy?: number | string | false } = {}): Promise<AdminWeb> {
  const clock = options.clock ?? new TestClock();
  const router = createAdminRouter({ db, pages, secureCookies: false, timeZone: 'Asia/Ho_Chi_Minh', now: clock.now, ...options });
  const app = createHttpApp({ logger: createLogger({ level: 'silent', pretty: false }), routers: [{ path: '/admin', router }], trustProxy: options.trustProxy ?? false });
  const server: RunningServer = await serve(app);
  return { url: server.url, clock, close: () => server.close() };
}

let accounts = 0;

/** A staff account of the role (a branch cadre needs `branch`, district staff `clusters`). */
export async function aStaffAccount(db: Db, role: StaffRole, where: { branch?: string; clusters?: string[] } = {}): Promise<{ id: string; username: string }> {
  accounts += 1;
  const username = `${role.toLowerCase()}-${process.pid}-${accounts}`;
  const created = await createStaffAccount(db, { username, role, password: STAFF_PASSWORD, ...(where.branch ? { branch: where.branch } : {}), ...(where.clusters ? { clusters: where.clusters } : {}) });
  return { id: created.id, username };
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Headers;
}

/** A browser-like client: keeps cookies, follows nothing (so tests see redirects), knows its CSRF token. */
export class AdminClient {
  private readonly cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(private readonly base: string, private readonly extraHeaders: Record<string, string> = {}) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, init: { form?: Record<string, string | string[]>; multipart?: FormData; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...this.extraHeaders, ...(init.headers ?? {}) };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    let body: string | FormData | undefined = init.multipart;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' });
    this.keep(res.headers);
    const text = await res.text();
    const token = /hx-headers="\{&quot;X-CSRF-Token&quot;:&quot;([^&]+)&quot;\}"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, body: text, headers: res.headers };
  }

  /** A download as bytes (a file, not a page), with the session's cookies. */
  async download(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const res = await fetch(`${this.base}${path}`, { headers: { ...this.extraHeaders, cookie: this.cookieHeader() }, redirect: 'manual' });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  get(path: string, headers?: Record<string, string>): Promise<Answer> {
    return this.request('GET', path, { headers });
  }

  /** A form post carrying the session's CSRF token unless `csrf: false`. */
  post(path: string, form: Record<string, string | string[]> = {}, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
    const withToken = options.csrf === false || this.csrf === undefined ? form : { ...form, _csrf: this.csrf };
    return this.request('POST', path, { form: withToken, headers: options.headers });
  }

  /** A multipart upload as htmx sends it (hx-encoding="multipart/form-data"): the CSRF token in the header unless `csrf: false`. */
  upload(path: string, files: Record<string, { name: string; content: Buffer | string }>, options: { csrf?: boolean } = {}): Promise<Answer> {
    const form = new FormData();
    for (const [field, file] of Object.entries(files)) form.append(field, new Blob([file.content]), file.name);
    const headers: Record<string, string> = { 'hx-request': 'true', 'hx-target': 'import-result' };
    if (options.csrf !== false && this.csrf) headers['x-csrf-token'] = this.csrf;
    return this.request('POST', path, { multipart: form, headers });
  }

  /** Signs in through the form (its own CSRF cookie and field) and lands on the dashboard. */
  async signIn(username: string, password = STAFF_PASSWORD): Promise<Answer> {
    const page = await this.get('/admin/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no sign-in form: ${page.status} ${page.body.slice(0, 200)}`);
    const answer = await this.request('POST', '/admin/login', { form: { username, password, _csrf: token, next: '' } });
    if (answer.status === 303) await this.get('/admin');
    return answer;
  }
}

/** The admin pages as the app wires them, with a real BroadcastsPort on real BullMQ queues (no worker runs them). */
export function wiredAdminPages(db: Db, clock: TestClock, prefix: string) {
  const logger = createLogger({ level: 'silent', pretty: false });
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  const queues = createQueues(redis, prefix, logger);
  const config = loadConfig({ QUIET_HOURS: 'off' });
  const broadcasts = buildBroadcasts({ config, db, queues, logger, policy: { ...deliveryPolicySettingsOf(config), quietHours: null } });
  const media = createMediaUrlSigner({ publicBaseUrl: '', sessionSecret: 'test-session-secret-0123456789abcdef' });
  return {
    pages: adminPages({
      db,
      timeZone: 'Asia/Ho_Chi_Minh',
      now: clock.now,
      basePath: '/admin',
      broadcasts,
      mediaUrl: (sha256) => media.signedImageUrl(sha256, clock.now()),
      outbox: createBullMqOutbox({ db, queues, logger }),
      logger,
    }),
    tools: [queuesTool(allQueues(queues), '/admin')],
    broadcasts,
    queues,
    close: async () => {
      await Promise.all(allQueues(queues).map((q) => q.close()));
      redis.disconnect();
    },
  };
}
