import { sql } from 'kysely';
import type { InboundMessageEvent } from '../../../src/channels/channel';
import { ZaloAdapter } from '../../../src/bot/platform-bot.adapter';
import { runTurnBatch, type DeferredReleaser, type ReplyRecorder, type TurnPipelineDeps } from '../../../src/bot/turn-pipeline';
import { VungXanhBot } from '../../../src/bot/vung-xanh.bot';
import { insertDeliveries } from '../../../src/domain/deliveries/deliveries.repository';
import { releaseDeferred, type ReleasedDeferred } from '../../../src/domain/deliveries/deferred-deliveries.repository';
import { FakeSender } from '../../helpers/fake-sender';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OutboundHarness, createDeliveries, createIdentity } from './harness';

const DAY = 86_400_000;

/**
 * Deferral and the flush after the member's next message, through a real turn (the real bot in
 * the turn pipeline's batch transaction) and the real outbound workers: the bot answers first,
 * then what waited goes, collapsed to the newest per kind, the expired dropped and counted.
 */
describe('the flush of deferred deliveries after the member writes', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let h: OutboundHarness;
  const zalo = new FakeSender('zalo');
  const flushes: string[][] = [];
  const released: ReleasedDeferred[] = [];
  let seq = 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    h = new OutboundHarness(t.db, logs.logger);
    h.start({ zalo });
  });

  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  function deps(): TurnPipelineDeps {
    const recordReplies: ReplyRecorder = async (tx, sets) => {
      const inserted = await insertDeliveries(
        tx,
        sets.flatMap((s) => s.messages.map((message, index) => ({ identityId: s.identityId, purpose: 'reply' as const, idempotencyKey: `${s.keyPrefix}:${index}`, message }))),
      );
      const map = new Map<string, number[]>();
      for (const d of inserted) {
        const prefix = d.idempotencyKey.slice(0, d.idempotencyKey.lastIndexOf(':'));
        map.set(prefix, [...(map.get(prefix) ?? []), d.id]);
      }
      return map;
    };
    const counted: DeferredReleaser = (tx, ids) => {
      flushes.push([...ids]);
      return releaseDeferred(tx, ids);
    };
    return {
      db: t.db,
      logger: logs.logger,
      bot: new VungXanhBot({ db: t.db, timeZone: 'Asia/Ho_Chi_Minh' }),
      adapters: { zalo: new ZaloAdapter() },
      recordReplies,
      recordReceipt: async () => undefined,
      releaseDeferred: counted,
      onReleased: (r) => void released.push(r),
      enqueueDeliveries: (ids) => h.outbox.enqueue(ids),
      enqueueReplySets: (channel, sets) => h.outbox.enqueueUnits(channel, sets),
      maxAttempts: 3,
      apology: { text: 'Xin lỗi' },
    };
  }

  async function writes(userId: string, text: string): Promise<void> {
    seq += 1;
    const event: InboundMessageEvent = { channel: 'zalo', eventKey: `flush-${seq}`, userId, accountId: 'oa-1', platformTs: Date.now(), kind: 'message', text, attachments: [] };
    await t.db
      .insertInto('inbound_events')
      .values({ channel: 'zalo', event_key: event.eventKey, conversation_key: `zalo:${userId}`, kind: 'message', platform_ts: event.platformTs, payload: JSON.stringify(event) })
      .execute();
  }

  async function rowsOf(ids: readonly number[]) {
    return t.db.selectFrom('deliveries').select(['id', 'status', 'error_code', 'payload']).where(sql<boolean>`id = any(${[...ids]}::bigint[])`).orderBy('id').execute();
  }

  it('When a member with nothing waiting writes, then the batch runs no flush statement', async () => {
    await createIdentity(t.db, 'zalo', 'zalo-nothing-waits');
    await writes('zalo-nothing-waits', 'xin chào');
    expect(await runTurnBatch(deps())).toMatchObject({ processed: 1 });
    expect(flushes).toEqual([]);
    await h.idle('zalo');
  });

  it('When a member with deferred deliveries writes, then the bot answers first, the newest of each kind follows, older ones of a kind are cancelled as collapsed, expired ones are dropped and counted, and another member’s wait goes on', async () => {
    const userId = 'zalo-flush-member';
    const identity = await createIdentity(t.db, 'zalo', userId, { lastInboundAt: new Date(Date.now() - 10 * DAY) });
    const other = await createIdentity(t.db, 'zalo', 'zalo-still-away', { lastInboundAt: new Date(Date.now() - 10 * DAY) });
    const deferred = (purpose: 'recurringContent' | 'waveReminder' | 'reviewResult', text: string, extra: { topic?: string; expiresAt?: Date } = {}) =>
      createDeliveries(t.db, identity, 1, { purpose, status: 'deferred', message: { text }, ...extra }).then((ids) => ids[0]!);
    const olderNews = await deferred('recurringContent', 'Tin tốt hôm qua', { topic: 'goodNews' });
    const newerNews = await deferred('recurringContent', 'Tin tốt hôm nay', { topic: 'goodNews' });
    const pastWave = await deferred('waveReminder', 'Nhắc đợt đã kết thúc', { topic: 'wave:1', expiresAt: new Date(Date.now() - 60_000) });
    const review1 = await deferred('reviewResult', 'Minh chứng thứ nhất đã được duyệt');
    const review2 = await deferred('reviewResult', 'Minh chứng thứ hai đã được duyệt');
    const [othersWait] = await createDeliveries(t.db, other, 1, { purpose: 'waveLaunch', status: 'deferred', message: { text: 'Đợt mới' } });
    zalo.calls.length = 0;

    await writes(userId, 'menu');
    expect(await runTurnBatch(deps())).toMatchObject({ processed: 1 });
    await h.idle('zalo');

    // One flush, for this member only.
    expect(flushes).toEqual([[identity]]);
    const texts = zalo.calls.filter((c) => c.userId === userId).map((c) => c.message.text ?? '');
    const waited = ['Tin tốt hôm nay', 'Minh chứng thứ nhất đã được duyệt', 'Minh chứng thứ hai đã được duyệt'];
    const firstWaited = texts.findIndex((x) => waited.includes(x));
    expect(firstWaited).toBeGreaterThan(0);
    expect(texts.slice(firstWaited).sort()).toEqual([...waited].sort());
    // Everything before the first released one is the bot's answer to "menu".
    expect(texts.slice(0, firstWaited).every((x) => !waited.includes(x))).toBe(true);

    const replies = await t.db.selectFrom('deliveries').select('id').where('identity_id', '=', identity).where('purpose', '=', 'reply').execute();
    const sentWaited = await t.db
      .selectFrom('deliveries')
      .select(['id', 'status'])
      .where('identity_id', '=', identity)
      .where('purpose', '!=', 'reply')
      .where('status', '=', 'sent')
      .execute();
    expect(sentWaited).toHaveLength(3);
    // Released under new ids, behind the replies in the member's line.
    expect(Math.min(...sentWaited.map((r) => r.id))).toBeGreaterThan(Math.max(...replies.map((r) => r.id)));
    expect(await rowsOf([olderNews, newerNews, pastWave, review1, review2])).toEqual([
      expect.objectContaining({ id: olderNews, status: 'cancelled', error_code: 'collapsed' }),
      expect.objectContaining({ id: pastWave, status: 'expired' }),
    ]);
    expect(released).toEqual([
      {
        requeued: expect.arrayContaining([
          expect.objectContaining({ was: newerNews, purpose: 'recurringContent' }),
          expect.objectContaining({ was: review1, purpose: 'reviewResult' }),
          expect.objectContaining({ was: review2, purpose: 'reviewResult' }),
        ]),
        collapsed: [{ purpose: 'recurringContent' }],
        expired: [{ purpose: 'waveReminder' }],
      },
    ]);
    expect((await rowsOf([othersWait!]))[0]).toMatchObject({ status: 'deferred' });
    // Nothing twice.
    expect(new Set(texts).size).toBe(texts.length);
  });
});
