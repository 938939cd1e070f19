import type { Db } from '../../../src/db/database';
import { submitGoodNews } from '../../../src/domain/content/good-news.service';
import { preferredIdentityOfMember } from '../../../src/domain/identities/member-contact.repository';
import { countPendingRegistrations, decideRegistration, nextPendingRegistration } from '../../../src/domain/members/member-verification.service';
import { completeTask, listTasksToDo } from '../../../src/domain/tasks/collaborator-tasks.service';
import { registerBranchTrend } from '../../../src/domain/waves/branch-trend.service';
import { aDistrict, aMember, aTask, aUnit } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(() => database.drop());

const NOW = new Date('2026-12-01T03:00:00Z');
const TZ = 'Asia/Ho_Chi_Minh';

describe('decideRegistration', () => {
  test('verifies once; a second cadre, the member themself or another branch decide nothing', async () => {
    const district = await aDistrict(db);
    const branchId = await aUnit(db, district);
    const cadre = { memberId: await aMember(db, { branchId, role: 'cadre' }), branchId };
    const rival = { memberId: await aMember(db, { branchId, role: 'cadre' }), branchId };
    const pending = await aMember(db, { branchId, status: 'pending' });
    const elsewhere = await aUnit(db, district);
    const outsider = { memberId: await aMember(db, { branchId: elsewhere, role: 'cadre' }), branchId: elsewhere };

    expect(await decideRegistration(db, outsider, pending, 'verify', NOW)).toBe('alreadyDecided');
    expect(await decideRegistration(db, { memberId: pending, branchId }, pending, 'verify', NOW)).toBe('alreadyDecided');
    expect(await decideRegistration(db, cadre, pending, 'verify', NOW)).toBe('verified');
    expect(await decideRegistration(db, rival, pending, 'decline', NOW)).toBe('alreadyDecided');
    const row = await db.selectFrom('members').select(['status', 'verified_by', 'verified_at', 'registration_declined_at']).where('id', '=', pending).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'verified', verified_by: 'cadre', verified_at: NOW, registration_declined_at: null });
    const trail = await db.selectFrom('audit_log').select(['actor_kind', 'actor_id', 'action', 'unit_id']).where('subject_id', '=', pending).execute();
    expect(trail).toEqual([{ actor_kind: 'member', actor_id: cadre.memberId, action: 'registration.verified', unit_id: branchId }]);
  });

  test('a declined registration leaves the queue but stays, pending, for staff', async () => {
    const branchId = await aUnit(db, await aDistrict(db));
    const cadre = { memberId: await aMember(db, { branchId, role: 'cadre' }), branchId };
    const declined = await aMember(db, { branchId, status: 'pending', createdAt: new Date('2026-11-01T00:00:00Z') });
    const waiting = await aMember(db, { branchId, status: 'pending', createdAt: new Date('2026-11-02T00:00:00Z') });
    expect(await countPendingRegistrations(db, branchId)).toBe(2);
    expect((await nextPendingRegistration(db, branchId, []))?.memberId).toBe(declined);
    expect(await decideRegistration(db, cadre, declined, 'decline', NOW)).toBe('declined');
    expect(await countPendingRegistrations(db, branchId)).toBe(1);
    expect((await nextPendingRegistration(db, branchId, []))?.memberId).toBe(waiting);
    expect(await nextPendingRegistration(db, branchId, [waiting])).toBeUndefined();
    const row = await db.selectFrom('members').select(['status', 'full_name', 'registration_declined_by_member_id']).where('id', '=', declined).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(row.full_name).not.toBeNull();
    expect(row.registration_declined_by_member_id).toBe(cadre.memberId);
  });
});

describe('registerBranchTrend', () => {
  test('a draft wave owned by the branch, whole local days, attached to the plan above it, counted for the year', async () => {
    const district = await aDistrict(db);
    const cluster = await aUnit(db, district, { level: 'cluster' });
    const branchId = await aUnit(db, cluster);
    const plan = await db.insertInto('plans').values({ owner_unit_id: district, year: 2026, title: 'Kế hoạch 2026' }).returning('id').executeTakeFirstOrThrow();
    const cadre = { memberId: await aMember(db, { branchId, role: 'cadre' }), branchId };
    const draft = { title: 'Sống xanh', description: 'Đăng ảnh trồng cây', hashtag: '#SongXanh', first: { year: 2026, month: 12, day: 5 }, last: { year: 2026, month: 12, day: 20 } };
    const saved = await registerBranchTrend(db, cadre, draft, TZ, NOW);
    expect(saved.trendsThisYear).toBe(1);
    const wave = await db.selectFrom('waves').selectAll().where('id', '=', saved.waveId).executeTakeFirstOrThrow();
    expect(wave).toMatchObject({
      plan_id: plan.id,
      owner_unit_id: branchId,
      status: 'draft',
      hashtags: ['#SongXanh'],
      created_by_member_id: cadre.memberId,
      starts_at: new Date('2026-12-04T17:00:00Z'),
      ends_at: new Date('2026-12-20T17:00:00Z'),
    });
    const again = await registerBranchTrend(db, cadre, { ...draft, title: 'Sống xanh 2' }, TZ, NOW);
    expect(again.trendsThisYear).toBe(2);
    const nextYear = await registerBranchTrend(db, cadre, { ...draft, first: { year: 2027, month: 1, day: 2 }, last: { year: 2027, month: 1, day: 9 } }, TZ, NOW);
    expect(nextYear.trendsThisYear).toBe(1);
    expect((await db.selectFrom('waves').select('plan_id').where('id', '=', nextYear.waveId).executeTakeFirstOrThrow()).plan_id).toBeNull();
  });
});

describe('collaborator tasks', () => {
  test("a branch's collaborator gets tasks for everyone and for units above the branch; completing is idempotent", async () => {
    const district = await aDistrict(db);
    const cluster = await aUnit(db, district, { level: 'cluster' });
    const branchId = await aUnit(db, cluster);
    const sibling = await aUnit(db, cluster);
    const deadline = new Date(NOW.getTime() + 3_600_000);
    const forDistrict = await aTask(db, { unitId: district, deadline });
    const forBranch = await aTask(db, { unitId: branchId, deadline: new Date(deadline.getTime() + 1) });
    await aTask(db, { unitId: sibling, deadline });
    const memberId = await aMember(db, { branchId, isCollaborator: true });
    const who = { memberId, branchId };
    const ids = (await listTasksToDo(db, memberId, branchId, NOW, 10)).map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([forDistrict, forBranch]));
    expect(ids).toHaveLength((await db.selectFrom('tasks').select('id').where('unit_id', 'is', null).where('status', '=', 'open').where('deadline', '>', NOW).execute()).length + 2);

    const first = await completeTask(db, who, forBranch, 'https://www.facebook.com/a/posts/1', NOW);
    const second = await completeTask(db, who, forBranch, null, NOW);
    expect(first.kind).toBe('recorded');
    expect(second).toEqual({ kind: 'alreadyDone', remaining: first.remaining });
    expect(await completeTask(db, who, forBranch, null, new Date(deadline.getTime() + 10))).toMatchObject({ kind: 'closed' });
    const rows = await db.selectFrom('task_completions').select(['link_url']).where('member_id', '=', memberId).execute();
    expect(rows).toEqual([{ link_url: 'https://www.facebook.com/a/posts/1' }]);
  });

  test("a task of a sibling branch cannot be marked done", async () => {
    const district = await aDistrict(db);
    const branchId = await aUnit(db, district);
    const sibling = await aUnit(db, district);
    const task = await aTask(db, { unitId: sibling, deadline: new Date(NOW.getTime() + 3_600_000) });
    const memberId = await aMember(db, { branchId, isCollaborator: true });
    expect((await completeTask(db, { memberId, branchId }, task, null, NOW)).kind).toBe('closed');
  });
});

describe('submitGoodNews', () => {
  test('stored as pending good news of the member', async () => {
    const memberId = await aMember(db, { branchId: await aUnit(db, await aDistrict(db)) });
    const id = await submitGoodNews(db, memberId, { kind: 'link', link: 'https://tuoitre.vn/bai-viet-1.htm', description: 'Tin tốt' });
    const row = await db.selectFrom('content_items').select(['kind', 'approval', 'submitted_by_member_id', 'link_url', 'title', 'body']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ kind: 'goodNews', approval: 'pending', submitted_by_member_id: memberId, link_url: 'https://tuoitre.vn/bai-viet-1.htm', title: 'Tin tốt', body: 'Tin tốt' });
  });
});

describe('preferredIdentityOfMember', () => {
  test('one identity per member: the reachable one they wrote from last', async () => {
    const memberId = await aMember(db, { branchId: await aUnit(db, await aDistrict(db)) });
    expect(await preferredIdentityOfMember(db, memberId)).toBeUndefined();
    const identity = (channel: 'zalo' | 'messenger', lastInboundAt: Date | null, reachable = true) =>
      db
        .insertInto('channel_identities')
        .values({
          channel,
          platform_user_id: `${channel}-${Math.random().toString().slice(2)}`,
          member_id: memberId,
          last_inbound_at: lastInboundAt,
          reachability: reachable ? 'reachable' : 'unreachable',
          unreachable_reason: reachable ? null : 'blocked',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const zalo = await identity('zalo', new Date('2026-11-01T00:00:00Z'));
    const messenger = await identity('messenger', new Date('2026-11-20T00:00:00Z'));
    expect(await preferredIdentityOfMember(db, memberId)).toBe(messenger.id);
    await db.updateTable('channel_identities').set({ reachability: 'unreachable', unreachable_reason: 'blocked' }).where('id', '=', messenger.id).execute();
    expect(await preferredIdentityOfMember(db, memberId)).toBe(zalo.id);
  });
});
