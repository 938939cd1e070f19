import { sql } from 'kysely';
import { recordReceipt } from '../../../src/domain/deliveries/deliveries.repository';
import { outboundJobId, type OutboundResult } from '../../../src/jobs/queues';
import { REPLY_MODES, resumeChannel } from '../../../src/jobs/outbound.processor';
import { FakeSender, failure, ok } from '../../helpers/fake-sender';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OutboundHarness, createDeliveries, createIdentity, deliveryRow, sleep, statuses, until } from './harness';

const FAST_RETRIES = { backoff: { type: 'fixed', delay: 50 } } as const;

describe('outbound deliveries', () => {
  const logs = captureLogs();
  let t: TestDatabase;
  let h: OutboundHarness | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
  });

  afterAll(async () => {
    await t.drop();
  });

  afterEach(async () => {
    await h?.close();
    h = undefined;
    await t.db.deleteFrom('deliveries').execute();
    await t.db.deleteFrom('channel_identities').execute();
  });

  function harness(options: ConstructorParameters<typeof OutboundHarness>[2] = {}): OutboundHarness {
    h = new OutboundHarness(t.db, logs.logger, { jobOptions: FAST_RETRIES, ...options });
    return h;
  }

  async function sentStatus(id: number) {
    await until(`delivery ${id} to leave the queue`, async () => !['queued', 'sending'].includes((await deliveryRow(t.db, id)).status));
    return deliveryRow(t.db, id);
  }

  it('When a queued delivery is enqueued, then it is sent once in the reply mode and recorded with its platform ids', async () => {
    const zalo = new FakeSender('zalo').answerNext(ok('zm-1', 'zm-2'));
    const hh = harness();
    hh.start({ zalo });
    const identity = await createIdentity(t.db, 'zalo', '5435287219031111111');
    const [id] = await createDeliveries(t.db, identity, 1);

    await hh.outbox.enqueue([id!]);
    const row = await sentStatus(id!);
    await hh.idle('zalo');

    expect(row).toMatchObject({ status: 'sent', attempts: 1, platform_message_id: 'zm-1,zm-2', error_code: null });
    expect(row.sent_at).toBeInstanceOf(Date);
    expect(zalo.calls).toHaveLength(1);
    expect(zalo.calls[0]).toMatchObject({ userId: '5435287219031111111', mode: REPLY_MODES.zalo, message: { text: expect.stringMatching(/^Chào bạn/) } });
  });

  it('When a reply row names a send mode, then that mode goes to the sender', async () => {
    const messenger = new FakeSender('messenger');
    const hh = harness();
    hh.start({ messenger });
    const identity = await createIdentity(t.db, 'messenger');
    const mode = { channel: 'messenger', messagingType: 'UPDATE' } as const;
    const [id] = await createDeliveries(t.db, identity, 1, { purpose: 'reply', sendMode: mode });

    await hh.outbox.enqueue([id!]);
    expect(await sentStatus(id!)).toMatchObject({ status: 'sent', platform_message_id: 'messenger-m1' });
    expect(messenger.calls[0]?.mode).toEqual(mode);
  });

  it('When the same delivery is enqueued twice, and a stray duplicate job runs too, then it is sent once', async () => {
    const zalo = new FakeSender('zalo', { delayMs: 100 });
    const hh = harness();
    const identity = await createIdentity(t.db, 'zalo');
    const [id] = await createDeliveries(t.db, identity, 1);

    await Promise.all([hh.outbox.enqueue([id!]), hh.outbox.enqueue([id!])]);
    await hh.outbox.enqueue([id!]);
    expect(await hh.queues.outboundZalo.getJobCounts('waiting')).toEqual({ waiting: 1 });
    // A second job under another id (as a bug or a manual replay would add): the claim stops it.
    await hh.queues.outboundZalo.add('send', { deliveryId: id! }, { jobId: 'stray-duplicate' });
    hh.start({ zalo });

    await sentStatus(id!);
    await hh.idle('zalo');
    expect(zalo.calls).toHaveLength(1);
    const jobs = await Promise.all([outboundJobId(id!), 'stray-duplicate'].map((jobId) => hh.queues.outboundZalo.getJob(jobId)));
    expect(jobs.map((j) => (j?.returnvalue as OutboundResult).outcome).sort()).toEqual(['notQueued', 'sent']);
    expect(await deliveryRow(t.db, id!)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('When several messages to one member are queued at once, then they go out one at a time in their order, even when one needs a retry, while other members are not held up', async () => {
    const zalo = new FakeSender('zalo', { delayMs: 15 });
    const hh = harness();
    const member = await createIdentity(t.db, 'zalo', 'member-a');
    const other = await createIdentity(t.db, 'zalo', 'member-b');
    const ids = await createDeliveries(t.db, member, 12);
    const [otherId] = await createDeliveries(t.db, other, 1);
    const rows = await t.db.selectFrom('deliveries').select(['id', sql<string>`payload->>'text'`.as('text')]).execute();
    const idOf = new Map(rows.map((r) => [r.text, r.id]));
    let failedThird = false;
    zalo.fallback = (call) => {
      if (idOf.get(call.message.text!) === ids[2] && !failedThird) {
        failedThird = true;
        return failure('retryable', 'http 502');
      }
      return ok(`zalo-m${call.n}`);
    };
    hh.start({ zalo });

    await hh.outbox.enqueue([...ids, otherId!]);
    await until('all sent', async () => (await statuses(t.db, [...ids, otherId!])).every((s) => s === 'sent'));

    const memberSends = zalo.successes.filter((c) => c.userId === 'member-a');
    expect(memberSends.map((c) => idOf.get(c.message.text!))).toEqual(ids);
    // One at a time: each call to the member started after the previous one had answered.
    const starts = zalo.calls.filter((c) => c.userId === 'member-a').map((c) => c.at);
    expect(starts).toHaveLength(13);
    expect(starts.every((at, i) => i === 0 || at - starts[i - 1]! >= 15)).toBe(true);
    expect(failedThird).toBe(true);
    // The other member's message did not wait for the first member's twelve.
    const otherCall = zalo.calls.find((c) => c.userId === 'member-b')!;
    expect(otherCall.at).toBeLessThan(memberSends.at(-1)!.at);
  });

  it('When a member\'s replies go as units (a turn\'s replies each), then each unit is one job and one claim, sent in order, a later unit waits for an earlier one, and a retryable failure inside a unit resumes at the failed message', async () => {
    const zalo = new FakeSender('zalo', { delayMs: 5 });
    const hh = harness();
    const member = await createIdentity(t.db, 'zalo', 'member-units');
    const other = await createIdentity(t.db, 'zalo', 'member-units-other');
    const first = await createDeliveries(t.db, member, 3);
    const second = await createDeliveries(t.db, member, 2);
    const otherUnit = await createDeliveries(t.db, other, 2);
    const rows = await t.db.selectFrom('deliveries').select(['id', sql<string>`payload->>'text'`.as('text')]).execute();
    const idOf = new Map(rows.map((r) => [r.text, r.id]));
    let failedOnce = false;
    zalo.fallback = (call) => {
      if (idOf.get(call.message.text!) === first[1] && !failedOnce) {
        failedOnce = true;
        return failure('retryable', 'http 502');
      }
      return ok(`zalo-m${call.n}`);
    };
    hh.start({ zalo });

    // The later unit is enqueued first: it must still wait for the earlier one.
    await hh.outbox.enqueueUnits('zalo', [second, otherUnit]);
    await hh.outbox.enqueueUnits('zalo', [first]);
    const all = [...first, ...second, ...otherUnit];
    await until('all sent', async () => (await statuses(t.db, all)).every((s) => s === 'sent'));
    await hh.idle('zalo');

    const memberSends = zalo.successes.filter((c) => c.userId === 'member-units').map((c) => idOf.get(c.message.text!));
    expect(memberSends).toEqual([...first, ...second]);
    expect(zalo.successes.filter((c) => c.userId === 'member-units-other').map((c) => idOf.get(c.message.text!))).toEqual(otherUnit);
    // One job per unit, none for the rows after a unit's first.
    for (const unit of [first, second, otherUnit]) {
      expect(await hh.queues.outboundZalo.getJob(outboundJobId(unit[0]!))).toBeDefined();
      for (const id of unit.slice(1)) expect(await hh.queues.outboundZalo.getJob(outboundJobId(id))).toBeUndefined();
    }
    // Claimed once each, except the message that failed once and was retried; nothing sent twice.
    const attempts = await t.db.selectFrom('deliveries').select(['id', 'attempts']).where('id', 'in', all).orderBy('id').execute();
    expect(attempts.map((r) => r.attempts)).toEqual(all.map((id) => (id === first[1] ? 2 : 1)));
    expect(zalo.successes).toHaveLength(all.length);
  });

  it('When the platform fails retryably once, then the retry sends it: one successful send, attempts 2', async () => {
    const zalo = new FakeSender('zalo').answerNext(failure('retryable', 'http 503'));
    const hh = harness();
    hh.start({ zalo });
    const [id] = await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1);

    await hh.outbox.enqueue([id!]);
    const row = await sentStatus(id!);

    expect(row).toMatchObject({ status: 'sent', attempts: 2, error_code: null, platform_message_id: 'zalo-m2' });
    expect(zalo.calls).toHaveLength(2);
    expect(zalo.successes).toHaveLength(1);
    const job = await hh.queues.outboundZalo.getJob(outboundJobId(id!));
    expect(job?.attemptsMade).toBe(2);
  });

  it('When a multi-part message fails after its first part, then the retry skips that part and the row keeps every part id', async () => {
    const messenger = new FakeSender('messenger').answerNext(failure('retryable', 'timeout', { sentMessageIds: ['mid.part1'] }), ok('mid.part2', 'mid.part3'));
    const hh = harness();
    hh.start({ messenger });
    const [id] = await createDeliveries(t.db, await createIdentity(t.db, 'messenger'), 1);

    await hh.outbox.enqueue([id!]);
    const row = await sentStatus(id!);

    expect(row).toMatchObject({ status: 'sent', attempts: 2, platform_message_id: 'mid.part1,mid.part2,mid.part3' });
    expect(messenger.calls.map((c) => c.options)).toEqual([{ ref: String(id) }, { ref: String(id), skipParts: 1 }]);
  });

  it('When the platform answers 429 with a retry-after, then the whole channel waits about that long, no attempt is used, and then it sends', async () => {
    const retryAfterMs = 1_500;
    const messenger = new FakeSender('messenger').answerNext(failure('retryable', 'http 429', { retryAfterMs }));
    const hh = harness();
    hh.start({ messenger });
    const identity = await createIdentity(t.db, 'messenger');
    const [first] = await createDeliveries(t.db, identity, 1);
    const later = await createDeliveries(t.db, identity, 3);

    await hh.outbox.enqueue([first!]);
    await until('the 429', () => messenger.calls.length === 1);
    const limitedAt = messenger.calls[0]!.at;
    await hh.outbox.enqueue(later);
    await until('all four sent', async () => (await statuses(t.db, [first!, ...later])).every((s) => s === 'sent'));

    const afterLimit = messenger.calls.slice(1);
    expect(afterLimit).toHaveLength(4);
    // Nothing of the channel went out while it waited (a little slack for timer granularity).
    expect(Math.min(...afterLimit.map((c) => c.at)) - limitedAt).toBeGreaterThanOrEqual(retryAfterMs - 100);
    expect(Math.min(...afterLimit.map((c) => c.at)) - limitedAt).toBeLessThan(retryAfterMs + 3_000);
    const job = await hh.queues.outboundMessenger.getJob(outboundJobId(first!));
    expect(job?.attemptsMade).toBe(1);
    expect(await deliveryRow(t.db, first!)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('When the platform says the window is closed, then the delivery is deferred and the identity window closed', async () => {
    const messenger = new FakeSender('messenger').answerNext(failure('windowClosed', '10/2018278', { message: 'outside the allowed window' }));
    const hh = harness();
    hh.start({ messenger });
    const identity = await createIdentity(t.db, 'messenger');
    const [id] = await createDeliveries(t.db, identity, 1, { purpose: 'waveLaunch', sendMode: { channel: 'messenger', messagingType: 'UPDATE' } });

    await hh.outbox.enqueue([id!]);
    const row = await sentStatus(id!);

    expect(row).toMatchObject({ status: 'deferred', attempts: 1, error_code: '10/2018278', sent_at: null });
    const who = await t.db.selectFrom('channel_identities').select(['window_closed_at', 'reachability']).where('id', '=', identity).executeTakeFirstOrThrow();
    expect(who.window_closed_at).toBeInstanceOf(Date);
    expect(who.reachability).toBe('reachable');
    expect(messenger.calls).toHaveLength(1);
  });

  it('When the recipient is unreachable, then the delivery fails, the identity is marked, and the next one is skipped without a call', async () => {
    const zalo = new FakeSender('zalo').answerNext(failure('unreachable', '-213', { message: 'user has not followed the OA' }));
    const hh = harness();
    hh.start({ zalo });
    const identity = await createIdentity(t.db, 'zalo');
    const [id] = await createDeliveries(t.db, identity, 1);

    await hh.outbox.enqueue([id!]);
    expect(await sentStatus(id!)).toMatchObject({ status: 'failed', error_code: '-213' });
    const who = await t.db.selectFrom('channel_identities').select(['reachability', 'unreachable_reason', 'unreachable_at']).where('id', '=', identity).executeTakeFirstOrThrow();
    expect(who).toMatchObject({ reachability: 'unreachable', unreachable_reason: '-213: user has not followed the OA' });
    expect(who.unreachable_at).toBeInstanceOf(Date);

    const [next] = await createDeliveries(t.db, identity, 1);
    await hh.outbox.enqueue([next!]);
    expect(await sentStatus(next!)).toMatchObject({ status: 'skipped', error_code: 'unreachable' });
    expect(zalo.calls).toHaveLength(1);
  });

  it('When the platform calls our message malformed, then it fails at once and is not retried', async () => {
    const zalo = new FakeSender('zalo').answerNext(failure('badRequest', '-201', { message: 'invalid parameters' }));
    const hh = harness();
    hh.start({ zalo });
    const [id] = await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1);

    await hh.outbox.enqueue([id!]);
    expect(await sentStatus(id!)).toMatchObject({ status: 'failed', error_code: '-201', error_message: 'invalid parameters', attempts: 1 });
    await hh.idle('zalo');
    expect(zalo.calls).toHaveLength(1);
  });

  it('When a token is bad, then that channel pauses with one alert and keeps its deliveries queued, the other channel keeps sending, and resuming sends each once', async () => {
    const zalo = new FakeSender('zalo');
    zalo.fallback = failure('badToken', '-216', { message: 'access token is invalid' });
    const messenger = new FakeSender('messenger', { delayMs: 20 });
    const hh = harness();
    hh.start({ zalo, messenger });
    const zaloIds = await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 5);
    const messengerIds = await createDeliveries(t.db, await createIdentity(t.db, 'messenger'), 5);

    await hh.outbox.enqueue([...zaloIds, ...messengerIds]);
    await until('the zalo queue to pause', () => hh.queues.outboundZalo.isPaused());
    await until('messenger to send everything', async () => (await statuses(t.db, messengerIds)).every((s) => s === 'sent'));
    await until('zalo rows back to queued', async () => (await statuses(t.db, zaloIds)).every((s) => s === 'queued'));
    const callsWhilePaused = zalo.calls.length;
    await sleep(500);

    expect(zalo.calls.length).toBe(callsWhilePaused);
    expect(callsWhilePaused).toBeLessThanOrEqual(zaloIds.length);
    expect(await hh.queues.outboundMessenger.isPaused()).toBe(false);
    // A paused queue keeps its jobs (the first waiting, the others delayed behind it: same member).
    expect(await hh.queues.outboundZalo.getJobCounts('active', 'completed', 'failed')).toEqual({ active: 0, completed: 0, failed: 0 });
    expect(await hh.queues.outboundZalo.getJobCountByTypes('waiting', 'delayed')).toBe(zaloIds.length);
    const alerts = logs.lines().filter((l) => l.alert === 'channel_bad_token');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'error', channel: 'zalo', code: '-216' });
    expect(messenger.calls).toHaveLength(messengerIds.length);

    zalo.fallback = (call) => ok(`zalo-m${call.n}`);
    expect(await resumeChannel(hh.queues, 'zalo', logs.logger)).toBe(true);
    await until('zalo to send everything', async () => (await statuses(t.db, zaloIds)).every((s) => s === 'sent'));
    await hh.idle('zalo');
    expect(zalo.successes).toHaveLength(zaloIds.length);
    expect(new Set(zalo.successes.map((c) => c.message.text)).size).toBe(zaloIds.length);
    expect(await resumeChannel(hh.queues, 'zalo', logs.logger)).toBe(false);
  });

  it('When every attempt fails retryably, then after the last one the row is failed with the last error', async () => {
    const zalo = new FakeSender('zalo');
    zalo.fallback = (call) => failure('retryable', 'http 503', { message: `upstream unavailable (call ${call.n})` });
    const hh = harness({ jobOptions: { ...FAST_RETRIES, attempts: 3 } });
    hh.start({ zalo });
    const [id] = await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1);

    await hh.outbox.enqueue([id!]);
    const row = await sentStatus(id!);
    await until('the job to fail', async () => (await hh.queues.outboundZalo.getJobState(outboundJobId(id!))) === 'failed');

    expect(row).toMatchObject({ status: 'failed', attempts: 3, error_code: 'http 503', error_message: 'upstream unavailable (call 3)' });
    expect(zalo.calls).toHaveLength(3);
    const job = await hh.queues.outboundZalo.getJob(outboundJobId(id!));
    expect(job?.failedReason).toMatch(/gave up after 3 attempts/);
  });

  it('When the content expired while queued, then it is not sent', async () => {
    const zalo = new FakeSender('zalo');
    const hh = harness();
    hh.start({ zalo });
    const [id] = await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1, { expiresAt: new Date(Date.now() - 1_000) });

    await hh.outbox.enqueue([id!]);
    expect(await sentStatus(id!)).toMatchObject({ status: 'expired' });
    expect(zalo.calls).toHaveLength(0);
  });

  it('When a channel has no sender, then it has no worker, a warning says so once, and its deliveries stay queued', async () => {
    const messenger = new FakeSender('messenger');
    const hh = harness();
    const before = logs.lines().length;
    hh.start({ messenger });
    const [id] = await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1);

    await hh.outbox.enqueue([id!]);
    await sleep(300);

    expect(hh.workers.map((w) => w.name).sort()).toEqual(['housekeeping', 'outbound-messenger', 'outbound-messenger-batch', 'outbox-relay']);
    expect((await deliveryRow(t.db, id!)).status).toBe('queued');
    const warnings = logs.lines().slice(before).filter((l) => l.level === 'warn' && l.channel === 'zalo');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/no zalo sender/);
  });

  it('When receipts arrive, then sent deliveries become delivered and read, by message id or up to a watermark, never backwards', async () => {
    const identity = await createIdentity(t.db, 'messenger');
    const ids = await createDeliveries(t.db, identity, 3);
    await t.db
      .updateTable('deliveries')
      .set({ status: 'sent', sent_at: sql<Date>`now() - interval '1 minute'`, platform_message_id: sql<string>`'mid.' || id || ',mid.' || id || 'b'` })
      .execute();
    const at = new Date();

    expect(await recordReceipt(t.db, { identityId: identity, kind: 'delivered', messageIds: [`mid.${ids[0]}b`], at })).toBe(1);
    expect(await statuses(t.db, ids)).toEqual(['delivered', 'sent', 'sent']);
    expect(await recordReceipt(t.db, { identityId: identity, kind: 'read', messageIds: [], watermark: at, at })).toBe(3);
    expect(await statuses(t.db, ids)).toEqual(['read', 'read', 'read']);
    expect(await recordReceipt(t.db, { identityId: identity, kind: 'delivered', messageIds: [`mid.${ids[1]}`], at })).toBe(0);
    const other = await createIdentity(t.db, 'messenger');
    expect(await recordReceipt(t.db, { identityId: other, kind: 'read', messageIds: [`mid.${ids[2]}`], watermark: at, at })).toBe(0);
  });
});
