import { createHttpApp } from '../../../src/http/app';
import { createApiRouter } from '../../../src/http/api/api-router';
import type { BroadcastAudience, BroadcastFigures, BroadcastsPort, NewBroadcast, ReachForecast, StaffScope } from '../../../src/domain/broadcasts/broadcast.types';
import type { DeliveryPurpose } from '../../../src/db/types';
import { issueApiToken, revokeApiTokens } from '../../../src/domain/staff/api-tokens.service';
import { createStaffAccount } from '../../../src/domain/staff/staff-account.service';
import type { Db } from '../../../src/db/database';
import { aDistrict, aMember, aUnit, aWave } from '../../helpers/builders';
import { captureLogs } from '../../helpers/logs';
import { serve, type RunningServer } from '../http/http-server';

/** A call the HTTP layer made on the broadcasts port, with the scope it passed. */
export type PortCall =
  | { readonly method: 'create'; readonly input: NewBroadcast; readonly scope: StaffScope }
  | { readonly method: 'forecast'; readonly audience: BroadcastAudience; readonly purpose: DeliveryPurpose; readonly scope: StaffScope }
  | { readonly method: 'figures' | 'cancel'; readonly id: string; readonly scope: StaffScope };

/**
 * A stand-in for the broadcasts service at the seam the API uses: it records every call and
 * answers from broadcasts it holds, each tied to the branches it reaches, so scope can be checked.
 * (The real service is issue 5 §4's; this tests the HTTP layer only.)
 */
export class RecordingBroadcasts implements BroadcastsPort {
  readonly calls: PortCall[] = [];
  private readonly held = new Map<string, { branchIds: readonly string[]; cancelled: boolean }>();
  private next = 0;

  hold(id: string, branchIds: readonly string[]): void {
    this.held.set(id, { branchIds, cancelled: false });
  }

  private visible(id: string, scope: StaffScope) {
    const b = this.held.get(id);
    if (!b) return undefined;
    return scope === null || b.branchIds.every((x) => scope.branchIds.includes(x)) ? b : undefined;
  }

  async forecast(audience: BroadcastAudience, purpose: DeliveryPurpose, scope: StaffScope): Promise<ReachForecast> {
    this.calls.push({ method: 'forecast', audience, purpose, scope });
    return { total: 3, byChannel: { zalo: { now: 1, later: 1, paid: 0, never: 0 }, messenger: { now: 0, later: 0, paid: 0, never: 1 } } };
  }

  async create(input: NewBroadcast, scope: StaffScope) {
    this.calls.push({ method: 'create', input, scope });
    this.next += 1;
    const id = `00000000-0000-4000-8000-${String(this.next).padStart(12, '0')}`;
    this.hold(id, 'everyone' in input.audience ? [] : (input.audience.branches ?? []));
    return { id, status: input.sendAt ? ('scheduled' as const) : ('fanningOut' as const), created: true };
  }

  async figures(id: string, scope: StaffScope): Promise<BroadcastFigures | undefined> {
    this.calls.push({ method: 'figures', id, scope });
    const b = this.visible(id, scope);
    if (!b) return undefined;
    return {
      id, status: b.cancelled ? 'cancelled' : 'sending', recipients: 10, queued: 2, sent: 5, deferred: 1, delivered: 4, read: 2,
      failed: { userBlocked: 1 }, skipped: { quietHours: 1 }, expired: 0, cancelled: 0, sendAt: null, startedAt: new Date('2026-11-29T01:00:00Z'), completedAt: null,
    };
  }

  async cancel(id: string, scope: StaffScope): Promise<boolean> {
    this.calls.push({ method: 'cancel', id, scope });
    const b = this.visible(id, scope);
    if (!b || b.cancelled) return false;
    b.cancelled = true;
    return true;
  }
}

export interface ApiWorld {
  readonly district: string;
  readonly clusters: { readonly c1: string; readonly c2: string };
  readonly branches: { readonly b1: string; readonly b2: string };
  readonly waves: { readonly district: string; readonly b1: string; readonly b2: string };
  readonly tokens: { readonly admin: string; readonly staff: string; readonly cadre: string; readonly revoked: string };
  readonly staffIds: { readonly admin: string; readonly staff: string; readonly cadre: string };
  readonly broadcasts: RecordingBroadcasts;
  readonly server: RunningServer;
  close(): Promise<void>;
}

export const PASSWORD = 'mật-khẩu-đủ-dài';

/**
 * District → clusters C1, C2 → branches B1 (in C1), B2 (in C2); a districtAdmin, a districtStaff
 * of C1 and a branchCadre of B1, each with a token; a revoked token; a plan with its targets and
 * waves of the district, of B1 and of B2; the API served over HTTP on port 0.
 */
export async function buildApiWorld(db: Db, now: () => Date = () => new Date('2026-11-20T03:00:00Z')): Promise<ApiWorld> {
  const district = await aDistrict(db);
  const c1 = await aUnit(db, district, { level: 'cluster' });
  const c2 = await aUnit(db, district, { level: 'cluster' });
  const b1 = await aUnit(db, c1);
  const b2 = await aUnit(db, c2);
  const plan = await db.insertInto('plans').values({ owner_unit_id: district, year: 2026, title: 'Kế hoạch 2026' }).returning('id').executeTakeFirstOrThrow();
  const wDistrict = await aWave(db, { ownerUnitId: district, title: 'Đợt của Quận' });
  await db.updateTable('waves').set({ plan_id: plan.id }).where('id', '=', wDistrict).execute();
  const wB1 = await aWave(db, { ownerUnitId: b1, title: 'Trào lưu B1' });
  const wB2 = await aWave(db, { ownerUnitId: b2, title: 'Trào lưu B2' });
  for (const branchId of [b1, b2]) {
    await aMember(db, { branchId, role: 'cadre', fullName: 'Cán bộ Lê' });
    await aMember(db, { branchId, role: 'member', fullName: 'Đoàn viên Trần' });
  }
  const suffix = Math.random().toString(36).slice(2, 8);
  const admin = await createStaffAccount(db, { username: `admin-${suffix}`, role: 'districtAdmin', password: PASSWORD });
  const staff = await createStaffAccount(db, { username: `staff-${suffix}`, role: 'districtStaff', clusters: [c1], password: PASSWORD });
  const cadre = await createStaffAccount(db, { username: `cadre-${suffix}`, role: 'branchCadre', branch: b1, password: PASSWORD });
  const revokedOwner = await createStaffAccount(db, { username: `gone-${suffix}`, role: 'districtAdmin', password: PASSWORD });
  const revoked = (await issueApiToken(db, { username: revokedOwner.username })).token;
  await revokeApiTokens(db, revokedOwner.username, new Date());

  const broadcasts = new RecordingBroadcasts();
  broadcasts.hold('11111111-1111-4111-8111-111111111111', [b1]);
  broadcasts.hold('22222222-2222-4222-8222-222222222222', [b2]);
  const logs = captureLogs('warn');
  const app = createHttpApp({ logger: logs.logger, routers: [{ path: '/api/v1', router: createApiRouter({ db, timezone: 'Asia/Ho_Chi_Minh', broadcasts, now }) }] });
  const server = await serve(app);
  return {
    district,
    clusters: { c1, c2 },
    branches: { b1, b2 },
    waves: { district: wDistrict, b1: wB1, b2: wB2 },
    tokens: {
      admin: (await issueApiToken(db, { username: admin.username })).token,
      staff: (await issueApiToken(db, { username: staff.username })).token,
      cadre: (await issueApiToken(db, { username: cadre.username })).token,
      revoked,
    },
    staffIds: { admin: admin.id, staff: staff.id, cadre: cadre.id },
    broadcasts,
    server,
    close: () => server.close(),
  };
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly headers: Headers;
}

export async function call(world: Pick<ApiWorld, 'server'>, method: 'GET' | 'POST', path: string, options: { token?: string; authorization?: string; body?: unknown } = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${world.server.url}/api/v1${path}`, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  const text = await res.text();
  // Downloads (exports) answer with a file: its text stands as the body.
  const json = res.headers.get('content-type')?.startsWith('application/json') ?? false;
  return { status: res.status, body: text === '' ? undefined : json ? JSON.parse(text) : text, headers: res.headers };
}
