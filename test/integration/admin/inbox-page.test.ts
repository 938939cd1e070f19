import type { Db } from '../../../src/db/database';
import { openThread, recordMemberMessage } from '../../../src/domain/handover/handover.service';
import { aMember } from '../../helpers/builders';
import { ADMIN_NOW, useAdminWorld } from '../../helpers/admin-world';

async function aThread(db: Db, branchId: string | null, text: string, now: Date): Promise<{ threadId: string; identityId: string }> {
  const memberId = branchId ? await aMember(db, { branchId }) : null;
  const identity = await db
    .insertInto('channel_identities')
    .values({ channel: 'messenger', platform_user_id: `psid-${Math.random().toString(36).slice(2)}`, member_id: memberId, last_inbound_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { thread } = await openThread(db, { identityId: identity.id, memberId, branchId }, now);
  await recordMemberMessage(db, thread.id, text, [], now);
  return { threadId: thread.id, identityId: identity.id };
}

/** Hộp thư in the admin web: threads in scope, a reply is exactly one staffReply delivery, closing hands the member back to the bot. */
describe('admin web: Hộp thư', () => {
  const enqueued: number[][] = [];
  const outbox = { enqueue: async (ids: readonly number[]) => void enqueued.push([...ids]) };
  const w = useAdminWorld({ outbox, visit: '/admin/inbox' });
  let threadOfA: { threadId: string; identityId: string };
  let threadWithoutBranch: { threadId: string; identityId: string };

  beforeAll(async () => {
    threadOfA = await aThread(w.db, w.s.branchA, 'Cho em hỏi cách nộp minh chứng đợt thắp nến ạ?', new Date(ADMIN_NOW.getTime() - 3_600_000));
    threadWithoutBranch = await aThread(w.db, null, 'Tôi muốn hỏi về Đoàn phường.', new Date(ADMIN_NOW.getTime() - 3_600_000));
  });

  const staffReplies = (identityId: string) => w.db.selectFrom('deliveries').select(['id', 'purpose', 'payload', 'status']).where('identity_id', '=', identityId).execute();

  it.each([
    ['admin', 200, 200],
    ['staffOne', 200, 404],
    ['staffTwo', 404, 404],
    ['cadreA', 200, 404],
    ['cadreB', 404, 404],
  ] as const)('When %s opens a thread of branch A, then %i; a thread of someone without a branch, %i', async (who, ofA, withoutBranch) => {
    const page = await w.c[who].get(`/admin/inbox/${threadOfA.threadId}`);
    expect(page.status).toBe(ofA);
    if (ofA === 200) expect(page.body).toContain('Cho em hỏi cách nộp minh chứng');
    expect((await w.c[who].get(`/admin/inbox/${threadWithoutBranch.threadId}`)).status).toBe(withoutBranch);
    const list = await w.c[who].get('/admin/inbox');
    expect([list.body.includes(`data-thread="${threadOfA.threadId}"`), list.body.includes(`data-thread="${threadWithoutBranch.threadId}"`)]).toEqual([ofA === 200, withoutBranch === 200]);
  });

  it('When another branch replies, or a reply comes without the CSRF token, then nothing is sent; the cadre\'s reply is exactly one staffReply delivery, handed to the outbox', async () => {
    expect((await w.c.cadreB.post(`/admin/inbox/${threadOfA.threadId}/reply`, { text: 'Chào bạn' })).status).toBe(404);
    expect((await w.c.staffTwo.post(`/admin/inbox/${threadOfA.threadId}/reply`, { text: 'Chào bạn' })).status).toBe(404);
    expect((await w.c.cadreA.post(`/admin/inbox/${threadOfA.threadId}/reply`, { text: 'Chào bạn' }, { csrf: false })).status).toBe(403);
    expect((await w.c.cadreA.post(`/admin/inbox/${threadOfA.threadId}/reply`, { text: '   ' })).status).toBe(400);
    expect(await staffReplies(threadOfA.identityId)).toEqual([]);

    const answer = await w.c.cadreA.post(`/admin/inbox/${threadOfA.threadId}/reply`, { text: 'Bạn gửi đường dẫn bài đăng có hashtag vào mục “Gửi minh chứng” nhé.' });
    expect(answer.status).toBe(303);
    const deliveries = await staffReplies(threadOfA.identityId);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ purpose: 'staffReply', status: 'queued', payload: { text: 'Bạn gửi đường dẫn bài đăng có hashtag vào mục “Gửi minh chứng” nhé.' } });
    expect(enqueued).toEqual([[deliveries[0]!.id]]);
    const page = await w.c.cadreA.get(`/admin/inbox/${threadOfA.threadId}`);
    expect(page.body).toContain('Bạn gửi đường dẫn bài đăng có hashtag');
    const audit = await w.db.selectFrom('audit_log').select(['action', 'unit_id', 'details']).where('subject_id', '=', threadOfA.threadId).execute();
    expect(audit.map((a) => [a.action, a.unit_id])).toEqual([['handover.replied', w.s.branchA]]);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('hashtag');
  });

  it('When the thread is closed, then the member is told once and the bot is back; a later reply is refused and sends nothing', async () => {
    expect((await w.c.cadreB.post(`/admin/inbox/${threadOfA.threadId}/close`)).status).toBe(404);
    expect((await w.c.staffOne.post(`/admin/inbox/${threadOfA.threadId}/close`)).status).toBe(303);
    const thread = await w.db.selectFrom('handover_threads').select(['closed_at', 'closed_by']).where('id', '=', threadOfA.threadId).executeTakeFirstOrThrow();
    expect(thread.closed_by).toBe('staff');
    const deliveries = await staffReplies(threadOfA.identityId);
    expect(deliveries).toHaveLength(2);
    expect(String((deliveries[1]!.payload as { text: string }).text)).toContain('Cán bộ đã kết thúc cuộc trò chuyện');

    const late = await w.c.cadreA.post(`/admin/inbox/${threadOfA.threadId}/reply`, { text: 'Bạn còn cần gì không?' });
    expect(late.status).toBe(409);
    expect(await staffReplies(threadOfA.identityId)).toHaveLength(2);
    expect((await w.c.cadreA.get('/admin/inbox')).body).not.toContain(`data-thread="${threadOfA.threadId}"`);
  });
});
