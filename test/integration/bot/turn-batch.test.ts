import type { TurnContext } from 'botbuilder-core';
import { sql } from 'kysely';
import type { InboundMessageEvent } from '../../../src/channels/channel';
import { ZaloAdapter } from '../../../src/bot/platform-bot.adapter';
import { drainConversation, runTurnBatch, type ReplyRecorder, type TurnPipelineDeps } from '../../../src/bot/turn-pipeline';
import { turnDb } from '../../../src/bot/turn-scope';
import { VungXanhBot } from '../../../src/bot/vung-xanh.bot';
import { insertDeliveries } from '../../../src/domain/deliveries/deliveries.repository';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/**
 * Turns in batches (turn-pipeline.ts), on the real database and the real bot: one transaction
 * runs the next event of many conversations, each turn behind its own savepoint.
 */
describe('a batch of turns across conversations', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let seq = 0;
  /** Users whose turns fail (after their dialog wrote a row of its own). */
  const failing = new Set<string>();
  const retries: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
  });

  afterAll(async () => {
    await t.drop();
  });

  function deps(overrides: Partial<TurnPipelineDeps> = {}): TurnPipelineDeps {
    const real = new VungXanhBot({ db: t.db, timeZone: 'Asia/Ho_Chi_Minh' });
    // The real bot, behind a dialog step of the test's own that writes through the turn's
    // transaction (as dialogs do, with turnDb) and then fails for the users in `failing`.
    const bot = {
      async onTurn(context: TurnContext) {
        await sql`insert into audit_log (actor_kind, actor_id, action) values ('member', ${context.activity.from.id}, 'test.turn')`.execute(turnDb(t.db));
        if (failing.has(context.activity.from.id)) throw new Error(`dialog failed for ${context.activity.from.id}`);
        await real.onTurn(context);
      },
    } as unknown as VungXanhBot;
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
    return {
      db: t.db,
      logger: logs.logger,
      bot,
      adapters: { zalo: new ZaloAdapter() },
      recordReplies,
      recordReceipt: async () => undefined,
      enqueueDeliveries: async () => undefined,
      maxAttempts: 3,
      apology: { text: 'Xin lỗi' },
      retryLater: async (ms) => void retries.push(ms),
      backoffMs: () => 60_000,
      ...overrides,
    };
  }

  async function record(userId: string, text: string): Promise<number> {
    seq += 1;
    const event: InboundMessageEvent = { channel: 'zalo', eventKey: `batch-${seq}`, userId, accountId: 'oa-1', platformTs: 1_700_000_000_000 + seq, kind: 'message', text, attachments: [] };
    const row = await t.db
      .insertInto('inbound_events')
      .values({ channel: 'zalo', event_key: event.eventKey, conversation_key: `zalo:${userId}`, kind: 'message', platform_ts: event.platformTs, payload: JSON.stringify(event) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  const event = (id: number) => t.db.selectFrom('inbound_events').select(['status', 'attempts', 'next_attempt_at', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();
  const repliesTo = async (id: number) =>
    (await t.db.selectFrom('deliveries').select('idempotency_key').where('idempotency_key', 'like', `%:${id}:%`).orderBy('id').execute()).map((r) => r.idempotency_key);
  const turnRows = async (userId: string) => Number((await sql<{ n: string }>`select count(*) as n from audit_log where actor_id = ${userId} and action = 'test.turn'`.execute(t.db)).rows[0]!.n);

  it('When one turn of a batch fails, then it alone is rolled back (its own SQL too) and held back with its later events, while the others commit with their state and replies', async () => {
    failing.add('user-bad');
    const good1 = await record('user-good-1', 'xin chào');
    const bad1 = await record('user-bad', 'xin chào');
    const bad2 = await record('user-bad', 'menu');
    const good2 = await record('user-good-2', 'xin chào');

    const outcome = await runTurnBatch(deps());

    expect(outcome).toMatchObject({ processed: 2, failed: 1, dead: 0, conversations: 3 });
    expect((await event(good1)).status).toBe('processed');
    expect((await event(good2)).status).toBe('processed');
    expect(await repliesTo(good1)).toEqual([`reply:${good1}:0`, `reply:${good1}:1`]);
    expect(await repliesTo(good2)).toEqual([`reply:${good2}:0`, `reply:${good2}:1`]);
    const states = await t.db.selectFrom('bot_state').select('key').where('key', 'like', 'zalo/%user-good-%').execute();
    expect(states).toHaveLength(4);
    expect(await turnRows('user-good-1')).toBe(1);
    // The failed turn: its dialog's row rolled back, no reply, no state, the event counted and backing off.
    expect(await turnRows('user-bad')).toBe(0);
    expect(await repliesTo(bad1)).toEqual([]);
    expect(await t.db.selectFrom('bot_state').select('key').where('key', 'like', 'zalo/%user-bad%').execute()).toEqual([]);
    const failed = await event(bad1);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, last_error: 'dialog failed for user-bad' });
    expect(failed.next_attempt_at!.getTime()).toBeGreaterThan(Date.now());
    expect((await event(bad2)).status).toBe('received');
    expect(retries.length).toBeGreaterThan(0);

    // While it backs off, batches pass the conversation by: its later event waits.
    expect(await runTurnBatch(deps())).toMatchObject({ processed: 0, conversations: 0 });
    expect((await event(bad2)).status).toBe('received');

    // Once due (and fixed), its events run in order, one per batch.
    failing.delete('user-bad');
    await sql`update inbound_events set next_attempt_at = now() - interval '1 second' where id = ${bad1}`.execute(t.db);
    expect(await runTurnBatch(deps())).toMatchObject({ processed: 1, more: true });
    expect((await event(bad1)).status).toBe('processed');
    expect((await event(bad2)).status).toBe('received');
    expect(await runTurnBatch(deps())).toMatchObject({ processed: 1, more: false });
    expect((await event(bad2)).status).toBe('processed');
    expect(await turnRows('user-bad')).toBe(2);
  });

  it('When a turn fails for the last allowed time, then its event is dead, the member gets one apology, and the conversation moves on', async () => {
    failing.add('user-doomed');
    const first = await record('user-doomed', 'xin chào');
    const second = await record('user-doomed', 'menu');
    await sql`update inbound_events set attempts = 2, status = 'failed' where id = ${first}`.execute(t.db);

    const outcome = await runTurnBatch(deps());
    expect(outcome).toMatchObject({ processed: 0, dead: 1 });
    expect((await event(first)).status).toBe('dead');
    expect(await repliesTo(first)).toEqual([`apology:${first}:0`]);

    failing.delete('user-doomed');
    expect(await drainConversation(deps(), 'zalo:user-doomed')).toEqual({ processed: 1, dead: 0 });
    expect((await event(second)).status).toBe('processed');
  });

  it('When two batches run at once, then they share the conversations and never run one conversation twice', async () => {
    const users = Array.from({ length: 12 }, (_, i) => `user-par-${i}`);
    const ids: number[] = [];
    for (const u of users) ids.push(await record(u, 'xin chào'), await record(u, '2'));

    const outcomes = [];
    for (let round = 0; round < 10; round += 1) {
      const pair = await Promise.all([runTurnBatch(deps(), { maxConversations: 8 }), runTurnBatch(deps(), { maxConversations: 8 })]);
      outcomes.push(...pair);
      if (pair.every((o) => o.conversations === 0)) break;
    }
    const rows = await t.db.selectFrom('inbound_events').select(['id', 'status']).where('id', 'in', ids).execute();
    expect(rows.every((r) => r.status === 'processed')).toBe(true);
    expect(outcomes.reduce((n, o) => n + o.processed, 0)).toBe(ids.length);
    for (const u of users) expect(await turnRows(u)).toBe(2);
  });
});
