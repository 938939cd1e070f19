import type { AdminPage } from '../../../src/admin/admin-page';
import { submitGoodNews } from '../../../src/domain/content/good-news.service';
import { openThread, recordMemberMessage } from '../../../src/domain/handover/handover.service';
import type { StaffRole } from '../../../src/db/types';
import { useAdminWorld, WHO, ROLES, type Who } from '../../helpers/admin-world';
import { aMember, anIdentityFor, aProof, aTask } from '../../helpers/builders';

/**
 * The scope matrix over EVERY route of the admin web, read from the pages themselves: each route
 * that names an object is asked for an object of branch A by each role, inside and outside its
 * scope. Outside, the answer is 404 (or 403 where the role may not use the page at all) and never
 * the object; a post changes nothing. Inside, a page opens. Lists never show branch A's objects
 * to someone outside its scope. A route added without a fixture here fails this test, so a new
 * page cannot slip past the matrix.
 */

type Route = { readonly method: 'GET' | 'POST'; readonly path: string; readonly page: AdminPage };

function routesOf(pages: readonly AdminPage[]): Route[] {
  const routes: Route[] = [];
  for (const page of pages) {
    const join = (p: string) => (page.path === '/' ? p : p === '/' ? page.path : `${page.path}${p}`);
    page.routes({ get: (p) => void routes.push({ method: 'GET', path: join(p), page }), post: (p) => void routes.push({ method: 'POST', path: join(p), page }) });
  }
  return routes;
}

/** Refused inside the scope by a rule of the page, not the scope: a branch cadre edits only draft trends (branch A's is open). */
const RULED_OUT: ReadonlySet<string> = new Set(['cadreA GET /waves/:id/edit']);
/** The query a list needs (the good-news reports are per month). */
const LIST_QUERY: Readonly<Record<string, string>> = { '/exports/good-news.xlsx': '?month=2026-11', '/exports/good-news.csv': '?month=2026-11' };

/** Inside branch A's scope: the district admin, the staff of cluster one, branch A's cadre. */
const INSIDE: readonly Who[] = ['admin', 'staffOne', 'cadreA'];
const OUTSIDE: readonly Who[] = ['staffTwo', 'cadreB'];

describe('admin web: the scope matrix over every route (each role × own / other branch)', () => {
  const w = useAdminWorld({ pages: 'wired' });
  let routes: Route[];
  /** For each route that names an object: the path with branch A's object, and the form a post sends. */
  let fixtures: Map<string, { path: string; form?: Record<string, string>; headers?: Record<string, string> }>;
  /** Ids of branch A's objects: none may show up in a list seen from outside the scope. */
  let idsOfA: string[];
  let snapshot: () => Promise<unknown>;

  beforeAll(async () => {
    const db = w.db;
    const pendingOfA = await aMember(db, { branchId: w.s.branchA, fullName: 'Trần Thị Phạm Vi', status: 'pending' });
    const identityOfA = await anIdentityFor(db, { channel: 'zalo', platformUserId: `zalo-matrix-${pendingOfA}` }, pendingOfA);
    const memberOfA = await aMember(db, { branchId: w.s.branchA, fullName: 'Trần Văn Phạm Vi' });
    const proofOfA = await aProof(db, { waveId: w.s.novemberWave, memberId: memberOfA, link: 'https://www.facebook.com/anlac/posts/pham-vi' });
    const contentOfA = await submitGoodNews(db, memberOfA, { kind: 'link', link: 'https://www.facebook.com/anlac/posts/tin-tot-pham-vi', description: 'Tin tốt của An Lạc' });
    const taskOfA = await aTask(db, { unitId: w.s.branchA, deadline: new Date('2026-12-20T00:00:00Z'), title: 'Nhiệm vụ của An Lạc' });
    const { thread } = await openThread(db, { identityId: identityOfA, memberId: pendingOfA, branchId: w.s.branchA }, new Date(w.clock.now().getTime() - 3_600_000));
    await recordMemberMessage(db, thread.id, 'Cho em hỏi ạ', [], w.clock.now());
    await w.c.cadreA.get('/admin/broadcasts');
    expect((await w.c.cadreA.post('/admin/broadcasts', { text: 'Chi đoàn An Lạc họp.', audience_mode: 'everyone', when: 'later', send_at: '2026-12-05T19:00' })).status).toBe(303);
    const broadcastOfA = (await db.selectFrom('broadcasts').select('id').executeTakeFirstOrThrow()).id;
    for (const who of WHO) await w.c[who].get('/admin');

    const trend = w.s.trendOfA;
    const waveForm = { title: 'Đổi tên', description: 'x', action: 'publicPost', hashtags: 'a', first_day: '2026-12-01', last_day: '2026-12-15' };
    fixtures = new Map<string, { path: string; form?: Record<string, string>; headers?: Record<string, string> }>([
      ['GET /waves/:id', { path: `/waves/${trend}` }],
      ['GET /waves/:id/edit', { path: `/waves/${trend}/edit` }],
      ['POST /waves/:id', { path: `/waves/${trend}`, form: waveForm }],
      ['POST /waves/:id/open', { path: `/waves/${trend}/open`, form: {} }],
      ['POST /waves/:id/close', { path: `/waves/${trend}/close`, form: {} }],
      ['POST /proofs/:id/review', { path: `/proofs/${proofOfA}/review`, form: { decision: 'approve' } }],
      ['GET /members/:id', { path: `/members/${pendingOfA}` }],
      ['POST /members/:id/verify', { path: `/members/${pendingOfA}/verify`, form: {} }],
      ['POST /members/:id/decline', { path: `/members/${pendingOfA}/decline`, form: {} }],
      ['GET /members/:id/erase', { path: `/members/${pendingOfA}/erase` }],
      ['POST /members/:id/erase', { path: `/members/${pendingOfA}/erase`, form: { confirm: 'yes' } }],
      ['GET /content/:id', { path: `/content/${contentOfA}` }],
      ['POST /content/:id', { path: `/content/${contentOfA}`, form: { kind: 'goodNews', body: 'Đã sửa' } }],
      ['POST /content/:id/approve', { path: `/content/${contentOfA}/approve`, form: {} }],
      ['POST /content/:id/reject', { path: `/content/${contentOfA}/reject`, form: {} }],
      ['GET /tasks/:id', { path: `/tasks/${taskOfA}` }],
      ['GET /inbox/:id', { path: `/inbox/${thread.id}` }],
      // An htmx fragment (the thread's messages, polled): a plain request is sent to the thread's page.
      ['GET /inbox/:id/messages', { path: `/inbox/${thread.id}/messages`, headers: { 'hx-request': 'true' } }],
      ['POST /inbox/:id/reply', { path: `/inbox/${thread.id}/reply`, form: { text: 'Chào bạn' } }],
      ['POST /inbox/:id/close', { path: `/inbox/${thread.id}/close`, form: {} }],
      ['GET /broadcasts/:id/figures', { path: `/broadcasts/${broadcastOfA}/figures` }],
      ['POST /broadcasts/:id/cancel', { path: `/broadcasts/${broadcastOfA}/cancel`, form: {} }],
      ['GET /exports/waves/:file', { path: `/exports/waves/${trend}.xlsx` }],
      ['GET /exports/waves/:id/participants.csv', { path: `/exports/waves/${trend}/participants.csv` }],
    ]);
    idsOfA = [trend, proofOfA, pendingOfA, memberOfA, contentOfA, taskOfA, thread.id, broadcastOfA];
    snapshot = async () => ({
      wave: await db.selectFrom('waves').select(['title', 'status']).where('id', '=', trend).executeTakeFirstOrThrow(),
      proof: await db.selectFrom('proofs').select(['review_state']).where('id', '=', proofOfA).executeTakeFirstOrThrow(),
      member: await db.selectFrom('members').select(['status', 'registration_declined_at', 'full_name']).where('id', '=', pendingOfA).executeTakeFirstOrThrow(),
      content: await db.selectFrom('content_items').select(['approval', 'body']).where('id', '=', contentOfA).executeTakeFirstOrThrow(),
      thread: await db.selectFrom('handover_threads').select(['closed_at']).where('id', '=', thread.id).executeTakeFirstOrThrow(),
      broadcast: await db.selectFrom('broadcasts').select(['status']).where('id', '=', broadcastOfA).executeTakeFirstOrThrow(),
      deliveries: (await db.selectFrom('deliveries').select('id').where('identity_id', '=', identityOfA).execute()).length,
    });
    routes = routesOf(w.wired.pages);
  });

  const named = (r: Route) => /\/:[a-z]+/.test(r.path);
  /** Whether the role may use the route at all (erasure is the district admin's alone). */
  const may = (route: Route, role: StaffRole) => route.page.roles.includes(role) && !(/\/erase$/.test(route.path) && role !== 'districtAdmin');

  it('When the routes are listed, then every route that names an object has a fixture here', () => {
    const missing = routes.filter(named).map((r) => `${r.method} ${r.path}`).filter((key) => !fixtures.has(key));
    expect(missing).toEqual([]);
    expect(routes.filter(named).length).toBe(fixtures.size);
  });

  it('When someone outside branch A asks for any of its objects, by any route, then 404 (403 where the page is not theirs), never its data, and nothing changes', async () => {
    const before = await snapshot();
    const answers: string[] = [];
    for (const route of routes.filter(named)) {
      const fixture = fixtures.get(`${route.method} ${route.path}`)!;
      for (const who of OUTSIDE) {
        const c = w.c[who];
        const res = route.method === 'GET' ? await c.get(`/admin${fixture.path}`, fixture.headers) : await c.post(`/admin${fixture.path}`, fixture.form ?? {});
        // A role that may not use the route at all may learn that first (403) or find nothing (404).
        const expected = may(route, ROLES[who]) ? [404] : [403, 404];
        answers.push(`${who} ${route.method} ${route.path} ${res.status}`);
        expect([`${who} ${route.method} ${route.path}`, expected.includes(res.status) ? 'refused' : res.status]).toEqual([`${who} ${route.method} ${route.path}`, 'refused']);
        for (const id of idsOfA) expect([route.path, res.body.includes(id) && !fixture.path.includes(id)]).toEqual([route.path, false]);
        expect(res.body).not.toContain('Trần Thị Phạm Vi');
      }
    }
    expect(answers.length).toBe(fixtures.size * OUTSIDE.length);
    expect(await snapshot()).toEqual(before);
  });

  it('When someone inside branch A opens its objects, then each page opens (403 only where the role may not use it)', async () => {
    for (const route of routes.filter((r) => named(r) && r.method === 'GET')) {
      const fixture = fixtures.get(`${route.method} ${route.path}`)!;
      for (const who of INSIDE) {
        const res = await w.c[who].get(`/admin${fixture.path}`, fixture.headers);
        const expected = may(route, ROLES[who]) && !RULED_OUT.has(`${who} GET ${route.path}`) ? 200 : 403;
        expect(`${who} GET ${route.path} ${res.status}`).toBe(`${who} GET ${route.path} ${expected}`);
      }
    }
  });

  it('When someone outside branch A opens any list, then none of branch A\'s objects is in it', async () => {
    for (const route of routes.filter((r) => !named(r) && r.method === 'GET')) {
      for (const who of OUTSIDE) {
        const res = await w.c[who].get(`/admin${route.path === '/' ? '' : route.path}${LIST_QUERY[route.path] ?? ''}`);
        expect([who, route.path, [200, 403].includes(res.status)]).toEqual([who, route.path, true]);
        for (const id of idsOfA) expect([who, route.path, id, res.body.includes(id)]).toEqual([who, route.path, id, false]);
      }
    }
  });
});
