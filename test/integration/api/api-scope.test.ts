import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { buildApiWorld, call, type ApiAnswer, type ApiWorld } from './api-world';

type Role = 'admin' | 'staff' | 'cadre';
type Target = 'own' | 'other';

interface RouteCase {
  readonly name: string;
  /** The request, aimed at B1 (`own`: in every role's scope) or at B2 (`other`: only the admin's). */
  readonly request: (w: ApiWorld, target: Target) => { method: 'GET' | 'POST'; path: string; body?: unknown };
  readonly expected: Readonly<Record<Role, Readonly<Record<Target, number>>>>;
}

const EVERYONE_OWN_ONLY_ADMIN_OTHER = { admin: { own: 200, other: 200 }, staff: { own: 200, other: 404 }, cadre: { own: 200, other: 404 } };
const created = (ok: number) => ({ admin: { own: ok, other: ok }, staff: { own: ok, other: 404 }, cadre: { own: ok, other: 404 } });

const branchOf = (w: ApiWorld, t: Target) => (t === 'own' ? w.branches.b1 : w.branches.b2);
const broadcastOf = (t: Target) => (t === 'own' ? '11111111-1111-4111-8111-111111111111' : '22222222-2222-4222-8222-222222222222');

const ROUTES: readonly RouteCase[] = [
  {
    name: 'GET /waves',
    request: () => ({ method: 'GET', path: '/waves' }),
    expected: { admin: { own: 200, other: 200 }, staff: { own: 200, other: 200 }, cadre: { own: 200, other: 200 } },
  },
  {
    name: 'POST /waves (ownerUnitId)',
    request: (w, t) => ({
      method: 'POST',
      path: '/waves',
      body: { title: 'Đợt của chi đoàn', description: '', action: 'publicPost', hashtags: ['xanh'], startsAt: '2026-12-01T07:00:00+07:00', endsAt: '2026-12-08T00:00:00+07:00', ownerUnitId: branchOf(w, t) },
    }),
    expected: created(201),
  },
  {
    name: 'GET /members?branch=',
    request: (w, t) => ({ method: 'GET', path: `/members?branch=${branchOf(w, t)}` }),
    expected: EVERYONE_OWN_ONLY_ADMIN_OTHER,
  },
  {
    name: 'GET /reports/participation?wave=',
    request: (w, t) => ({ method: 'GET', path: `/reports/participation?wave=${t === 'own' ? w.waves.b1 : w.waves.b2}` }),
    expected: EVERYONE_OWN_ONLY_ADMIN_OTHER,
  },
  {
    name: 'POST /broadcasts/forecast',
    request: (w, t) => ({ method: 'POST', path: '/broadcasts/forecast', body: { audience: { branches: [branchOf(w, t)] } } }),
    expected: EVERYONE_OWN_ONLY_ADMIN_OTHER,
  },
  {
    name: 'POST /broadcasts',
    request: (w, t) => ({ method: 'POST', path: '/broadcasts', body: { text: 'Chào các bạn đoàn viên!', audience: { branches: [branchOf(w, t)] } } }),
    expected: created(201),
  },
  {
    name: 'GET /exports/waves/:id.xlsx',
    request: (w, t) => ({ method: 'GET', path: `/exports/waves/${t === 'own' ? w.waves.b1 : w.waves.b2}.xlsx` }),
    expected: EVERYONE_OWN_ONLY_ADMIN_OTHER,
  },
  {
    name: 'GET /exports/waves/:id.csv',
    request: (w, t) => ({ method: 'GET', path: `/exports/waves/${t === 'own' ? w.waves.b1 : w.waves.b2}.csv` }),
    expected: EVERYONE_OWN_ONLY_ADMIN_OTHER,
  },
  {
    name: 'GET /exports/waves/:id/participants.csv',
    request: (w, t) => ({ method: 'GET', path: `/exports/waves/${t === 'own' ? w.waves.b1 : w.waves.b2}/participants.csv` }),
    expected: EVERYONE_OWN_ONLY_ADMIN_OTHER,
  },
  {
    // No branch to aim at: each role gets its own scope's rows (exports.test.ts checks which).
    name: 'GET /exports/good-news.xlsx|.csv',
    request: (_w, t) => ({ method: 'GET', path: `/exports/good-news.${t === 'own' ? 'xlsx' : 'csv'}?month=2026-11` }),
    expected: { admin: { own: 200, other: 200 }, staff: { own: 200, other: 200 }, cadre: { own: 200, other: 200 } },
  },
  {
    name: 'GET /broadcasts/:id',
    request: (_w, t) => ({ method: 'GET', path: `/broadcasts/${broadcastOf(t)}` }),
    expected: EVERYONE_OWN_ONLY_ADMIN_OTHER,
  },
];

describe('/api/v1 scope matrix (each role × own branch / other branch; no, revoked and wrong tokens)', () => {
  let t: TestDatabase;
  let w: ApiWorld;
  beforeAll(async () => {
    t = await createTestDatabase();
    w = await buildApiWorld(t.db);
  });
  afterAll(async () => {
    await w.close();
    await t.drop();
  });

  const send = (role: Role | { authorization: string } | undefined, r: { method: 'GET' | 'POST'; path: string; body?: unknown }): Promise<ApiAnswer> =>
    call(w, r.method, r.path, {
      ...(typeof role === 'string' ? { token: w.tokens[role] } : role === undefined ? {} : role),
      ...(r.body === undefined ? {} : { body: r.body }),
    });

  describe.each(ROUTES)('$name', (route) => {
    it.each(['admin', 'staff', 'cadre'] as const)('When a %s asks for their own branch and for another, then the statuses follow the scope', async (role) => {
      const own = await send(role, route.request(w, 'own'));
      const other = await send(role, route.request(w, 'other'));
      expect({ own: own.status, other: other.status }).toEqual(route.expected[role]);
      // Out of scope never says more than "not found".
      if (other.status === 404) expect(other.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    });

    it('When the token is missing, revoked, unknown or not a bearer, then 401 and nothing is done', async () => {
      const request = route.request(w, 'own');
      const callsBefore = w.broadcasts.calls.length;
      const answers = [
        await send(undefined, request),
        await send({ authorization: `Bearer ${w.tokens.revoked}` }, request),
        await send({ authorization: `Bearer vx_${'A'.repeat(43)}` }, request),
        await send({ authorization: `Bearer ${w.tokens.admin}x` }, request),
        await send({ authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` }, request),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body.error.code).toBe('UNAUTHENTICATED');
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
      expect(w.broadcasts.calls.length).toBe(callsBefore);
    });
  });

  it.each(['admin', 'staff', 'cadre'] as const)('When a %s cancels a broadcast of their branch and one of another, then 200 (then 409 the second time) and 404 outside the scope', async (role) => {
    const own = (await call(w, 'POST', '/broadcasts', { token: w.tokens[role], body: { text: 'Tin để huỷ', audience: { branches: [w.branches.b1] } } })).body.id as string;
    const first = await call(w, 'POST', `/broadcasts/${own}/cancel`, { token: w.tokens[role] });
    const again = await call(w, 'POST', `/broadcasts/${own}/cancel`, { token: w.tokens[role] });
    const other = await call(w, 'POST', `/broadcasts/22222222-2222-4222-8222-222222222222/cancel`, { token: w.tokens[role] });
    expect(first).toMatchObject({ status: 200, body: { id: own, cancelled: true } });
    expect(again.status).toBe(409);
    expect(other.status).toBe(role === 'admin' ? 200 : 404);
    for (const path of [`/broadcasts/${own}/cancel`]) {
      expect((await call(w, 'POST', path, { token: w.tokens.revoked })).status).toBe(401);
      expect((await call(w, 'POST', path)).status).toBe(401);
    }
  });

  it('When a branch cadre or a cluster staff member asks for a district wave, or a cadre a cluster audience, then 403', async () => {
    const districtWave = { title: 'Đợt cấp Quận', description: 'Cả quận', action: 'candle', hashtags: [], startsAt: '2026-12-01T07:00:00+07:00', endsAt: '2026-12-02T07:00:00+07:00' };
    expect((await call(w, 'POST', '/waves', { token: w.tokens.cadre, body: districtWave })).status).toBe(403);
    expect((await call(w, 'POST', '/waves', { token: w.tokens.staff, body: districtWave })).status).toBe(403);
    expect((await call(w, 'POST', '/waves', { token: w.tokens.cadre, body: { ...districtWave, ownerUnitId: w.clusters.c1 } })).status).toBe(403);
    expect((await call(w, 'POST', '/waves', { token: w.tokens.staff, body: { ...districtWave, ownerUnitId: w.clusters.c1 } })).status).toBe(201);
    expect((await call(w, 'POST', '/waves', { token: w.tokens.staff, body: { ...districtWave, ownerUnitId: w.clusters.c2 } })).status).toBe(404);
    const admin = await call(w, 'POST', '/waves', { token: w.tokens.admin, body: districtWave });
    expect(admin.status).toBe(201);
    expect(admin.body).toMatchObject({ ownerUnitId: w.district, status: 'open', action: 'candle' });
    expect(admin.body.planId).not.toBeNull();
    expect((await call(w, 'POST', '/broadcasts', { token: w.tokens.cadre, body: { text: 'x', audience: { clusters: [w.clusters.c1] } } })).status).toBe(403);
    expect((await call(w, 'POST', '/broadcasts', { token: w.tokens.staff, body: { text: 'x', audience: { clusters: [w.clusters.c2] } } })).status).toBe(404);
  });

  it('When each role lists waves and members, then they see only their scope, with phones masked', async () => {
    const titles = async (role: Role) => ((await call(w, 'GET', '/waves?pageSize=100', { token: w.tokens[role] })).body.items as { title: string }[]).map((x) => x.title);
    expect(await titles('cadre')).toEqual(expect.arrayContaining(['Đợt của Quận', 'Trào lưu B1']));
    expect(await titles('cadre')).not.toContain('Trào lưu B2');
    expect(await titles('staff')).not.toContain('Trào lưu B2');
    expect(await titles('admin')).toEqual(expect.arrayContaining(['Đợt của Quận', 'Trào lưu B1', 'Trào lưu B2']));

    const members = await call(w, 'GET', '/members', { token: w.tokens.cadre });
    expect(members.status).toBe(200);
    expect(members.body.total).toBe(2);
    for (const m of members.body.items) {
      expect(m.branchId).toBe(w.branches.b1);
      expect(m.phone).toMatch(/^0\dxx xxx \d{3}$/);
    }
    expect((await call(w, 'GET', '/members?q=Trần&role=member', { token: w.tokens.admin })).body.total).toBe(2);
  });

  it('When a cadre reads the district wave\'s report, then only their branch is in it, against the plan\'s targets', async () => {
    const cadre = await call(w, 'GET', `/reports/participation?wave=${w.waves.district}`, { token: w.tokens.cadre });
    expect(cadre.status).toBe(200);
    expect(cadre.body.targets).toEqual({ cadreTargetPct: 100, memberTargetPct: 80 });
    expect(cadre.body.branches.map((b: { branchId: string }) => b.branchId)).toEqual([w.branches.b1]);
    expect(cadre.body.branches[0]).toMatchObject({ cadres: 1, cadresTookPart: 0, members: 1, membersTookPart: 0, cadreRatePct: 0, meetsCadreTarget: false });
    const admin = await call(w, 'GET', `/reports/participation?wave=${w.waves.district}`, { token: w.tokens.admin });
    expect(admin.body.branches).toHaveLength(2);
    expect(admin.body.totals).toMatchObject({ cadres: 2, members: 2 });
  });

  it('When a staff member broadcasts, then the port gets their scope and the staff id, and audit_log and last_used_at record it', async () => {
    const answer = await call(w, 'POST', '/broadcasts', { token: w.tokens.staff, body: { text: 'Tin khu vực 1', audience: { everyone: true }, sendAt: '2026-11-21T00:00:00Z' } });
    expect(answer.status).toBe(202);
    const create = w.broadcasts.calls.filter((c) => c.method === 'create').at(-1)!;
    expect(create).toMatchObject({ scope: { branchIds: [w.branches.b1] }, input: { createdByStaffId: w.staffIds.staff, text: 'Tin khu vực 1', purpose: 'recurringContent', sendAt: new Date('2026-11-21T00:00:00Z') } });
    const audit = await t.db.selectFrom('audit_log').select(['actor_kind', 'actor_id', 'action', 'details']).where('subject_id', '=', answer.body.id).execute();
    expect(audit).toEqual([{ actor_kind: 'staff', actor_id: w.staffIds.staff, action: 'broadcast.created', details: expect.objectContaining({ audience: { everyone: true } }) }]);
    expect(JSON.stringify(audit)).not.toContain('Tin khu vực 1');
    const token = await t.db.selectFrom('api_tokens').select(['last_used_at']).where('token_hash', '=', createHash('sha256').update(w.tokens.staff).digest('hex')).executeTakeFirstOrThrow();
    expect(token.last_used_at).toBeInstanceOf(Date);
    const waveAudits = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'wave.created').execute();
    expect(waveAudits.length).toBeGreaterThan(0);
  });

  it('When a branch cadre creates a wave asking for open, then it is kept as a draft for the district', async () => {
    const answer = await call(w, 'POST', '/waves', {
      token: w.tokens.cadre,
      body: { title: 'Trào lưu mới', description: 'Ảnh áo Đoàn', action: 'other', hashtags: ['tự hào bình tân'], startsAt: '2026-12-01T07:00:00+07:00', endsAt: '2026-12-08T00:00:00+07:00', ownerUnitId: w.branches.b1, status: 'open' },
    });
    expect(answer).toMatchObject({ status: 201, body: { status: 'draft', hashtags: ['#TựHàoBìnhTân'], ownerUnitId: w.branches.b1 } });
  });
});
