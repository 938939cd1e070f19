import { sql } from 'kysely';
import { closeThread, listOpenThreads, openThread, recordMemberMessage, recordStaffReplyFromPlatform, replyToThread, threadMessages } from '../../../src/domain/handover/handover.service';
import type { Outbox } from '../../../src/domain/deliveries/outbox';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const T0 = new Date('2026-05-01T02:00:00Z');
const HOUR = 3_600_000;

describe('the handover service (staff side)', () => {
  let t: TestDatabase;
  let branchA: string;
  let branchB: string;
  let staffId: string;
  const enqueued: number[][] = [];
  const outbox: Outbox = { enqueue: async (ids) => void enqueued.push([...ids]) };

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());
  beforeEach(async () => {
    await sql`truncate table units, channel_identities, staff_users, members cascade`.execute(t.db);
    enqueued.length = 0;
    const d = await t.db.insertInto('units').values({ level: 'district', code: 'q', name: 'Q' }).returning('id').executeTakeFirstOrThrow();
    const c = await t.db.insertInto('units').values({ level: 'cluster', code: 'c', name: 'C', parent_id: d.id }).returning('id').executeTakeFirstOrThrow();
    branchA = (await t.db.insertInto('units').values({ level: 'branch', kind: 'ward', code: 'a', name: 'A', parent_id: c.id }).returning('id').executeTakeFirstOrThrow()).id;
    branchB = (await t.db.insertInto('units').values({ level: 'branch', kind: 'ward', code: 'b', name: 'B', parent_id: c.id }).returning('id').executeTakeFirstOrThrow()).id;
    staffId = (await t.db.insertInto('staff_users').values({ username: 'canbo', role: 'branchCadre', branch_id: branchA, password_hash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;
  });

  async function identity(pid: string): Promise<string> {
    return (await t.db.insertInto('channel_identities').values({ channel: 'zalo', platform_user_id: pid }).returning('id').executeTakeFirstOrThrow()).id;
  }

  test('open threads are listed per branch, oldest first; expired and closed ones are not', async () => {
    const a = await openThread(t.db, { identityId: await identity('1'), memberId: null, branchId: branchA }, T0);
    const b = await openThread(t.db, { identityId: await identity('2'), memberId: null, branchId: branchB }, new Date(T0.getTime() + HOUR));
    const old = await openThread(t.db, { identityId: await identity('3'), memberId: null, branchId: branchA }, new Date(T0.getTime() - 25 * HOUR));
    await recordMemberMessage(t.db, a.thread.id, 'Xin chào', [], T0);
    expect((await listOpenThreads(t.db, new Date(T0.getTime() + 2 * HOUR))).map((x) => x.id)).toEqual([a.thread.id, b.thread.id]);
    const forA = await listOpenThreads(t.db, new Date(T0.getTime() + 2 * HOUR), branchA);
    expect(forA.map((x) => [x.id, x.messageCount])).toEqual([[a.thread.id, 1]]);
    expect(old.created).toBe(true);
    // Opening again while live returns the same thread.
    expect((await openThread(t.db, { identityId: a.thread.identityId, memberId: null, branchId: branchA }, T0)).created).toBe(false);
  });

  test('a reply is recorded and queued as a staffReply delivery to the member\'s identity, once, and enqueued after commit', async () => {
    const { thread } = await openThread(t.db, { identityId: await identity('4'), memberId: null, branchId: branchA }, T0);
    const { messageId, deliveryIds } = await replyToThread(t.db, outbox, thread.id, staffId, '  Chào bạn!  ', T0);
    const rows = await t.db.selectFrom('deliveries').select(['id', 'identity_id', 'purpose', 'payload', 'status']).execute();
    expect(rows).toEqual([{ id: deliveryIds[0], identity_id: thread.identityId, purpose: 'staffReply', payload: { text: 'Chào bạn!' }, status: 'queued' }]);
    expect(enqueued).toEqual([deliveryIds]);
    expect(await threadMessages(t.db, thread.id)).toEqual([expect.objectContaining({ id: messageId, direction: 'staff', text: 'Chào bạn!', staffUserId: staffId })]);
  });

  test('closing tells the member once; a closed or expired thread takes no reply', async () => {
    const { thread } = await openThread(t.db, { identityId: await identity('5'), memberId: null, branchId: branchA }, T0);
    expect((await closeThread(t.db, outbox, thread.id, staffId, 'Đã kết thúc', T0)).closed).toBe(true);
    expect((await closeThread(t.db, outbox, thread.id, staffId, 'Đã kết thúc', T0)).closed).toBe(false);
    expect(await t.db.selectFrom('deliveries').select('payload').execute()).toEqual([{ payload: { text: 'Đã kết thúc' } }]);
    await expect(replyToThread(t.db, outbox, thread.id, staffId, 'muộn', T0)).rejects.toMatchObject({ code: 'CONFLICT' });
    const expired = await openThread(t.db, { identityId: await identity('6'), memberId: null, branchId: null }, T0);
    await expect(replyToThread(t.db, outbox, expired.thread.id, staffId, 'muộn', new Date(T0.getTime() + 25 * HOUR))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  test('a reply typed in the platform inbox goes into the live thread, and nowhere when there is none', async () => {
    const withThread = await identity('7');
    const { thread } = await openThread(t.db, { identityId: withThread, memberId: null, branchId: null }, T0);
    expect(await recordStaffReplyFromPlatform(t.db, withThread, 'Trả lời từ OA', T0)).toBe(true);
    expect(await recordStaffReplyFromPlatform(t.db, await identity('8'), 'Không có luồng', T0)).toBe(false);
    expect((await threadMessages(t.db, thread.id)).map((m) => [m.direction, m.text, m.fromPlatformInbox])).toEqual([['staff', 'Trả lời từ OA', true]]);
  });
});
