import { sql } from 'kysely';
import pg from 'pg';
import { seedBroadcastAudience } from '../../../scripts/bench/broadcast-seed';
import { createBroadcastsService, type BroadcastsService } from '../../../src/domain/broadcasts/broadcasts.service';
import { createBroadcastOutbox } from '../../../src/jobs/broadcast-outbox';
import { createBullMqBroadcastJobs } from '../../../src/jobs/broadcasts.processor';
import { outboundBatchJobId, outboundJobId, type Queues } from '../../../src/jobs/queues';
import { resumeChannel } from '../../../src/jobs/outbound.processor';
import { OUTBOUND_BATCH_WORKER_OPTIONS, startWorkers } from '../../../src/jobs/workers';
import { windowFor } from '../../../src/jobs/send-budget';
import type { Outbox } from '../../../src/domain/deliveries/outbox';
import { FakeSender, failure, ok } from '../../helpers/fake-sender';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OPEN_POLICY, OutboundHarness, countByStatus, createDeliveries, createIdentity, deliveryRow, sleep, statuses, until } from './harness';

/**
 * A broadcast's sends in batches (outbound-batch.processor.ts): each row keeps the single path's
 * rules, and what would put a single job back stays confined to its row (or, for a 429, makes the
 * whole channel wait).
 */
describe('broadcast sends in batches', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let h: OutboundHarness | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
  });

  afterEach(async () => {
    await h?.close();
    h = undefined;
    await t.db.deleteFrom('deliveries').execute();
  });

  afterAll(async () => {
    await t.drop();
  });

  const batchOutbox = (queues: Queues): Outbox => createBroadcastOutbox({ db: t.db, queues, logger: logs.logger });

  /** One broadcast-like delivery to each of `n` new Zalo members; returns [user, delivery id] pairs. */
  async function recipients(n: number, tag: string): Promise<{ user: string; id: number; identityId: string }[]> {
    const out = [];
    for (let i = 0; i < n; i += 1) {
      const user = `${tag}-${i}`;
      const identityId = await createIdentity(t.db, 'zalo', user);
      const [id] = await createDeliveries(t.db, identityId, 1, { purpose: 'waveLaunch', message: { text: `Tin đợt mới cho ${user}` } });
      out.push({ user, id: id!, identityId });
    }
    return out;
  }

  const callsTo = (sender: FakeSender, user: string) => sender.calls.filter((c) => c.userId === user);

  it('When one row of a batch fails with a retryable error, then it retries alone on a job of its own while the others are sent once', async () => {
    const zalo = new FakeSender('zalo', { delayMs: 5 });
    let failedOnce = false;
    zalo.fallback = (call) => {
      if (call.userId === 'retry-3' && !failedOnce) {
        failedOnce = true;
        return failure('retryable', 'http 503');
      }
      return ok(`zm-${call.n}`);
    };
    h = new OutboundHarness(t.db, logs.logger, { senders: { zalo } });
    h.start();
    const rows = await recipients(12, 'retry');
    await batchOutbox(h.queues).enqueue(rows.map((r) => r.id));

    await until('every row sent', async () => (await countByStatus(t.db)).sent === rows.length, 30_000, 50);
    for (const r of rows) expect(callsTo(zalo, r.user)).toHaveLength(r.user === 'retry-3' ? 2 : 1);
    const retried = rows.find((r) => r.user === 'retry-3')!;
    // It went again on the single path (its own job, behind replies), after the first backoff.
    expect(await h.queues.outboundZalo.getJob(outboundJobId(retried.id))).toBeDefined();
    const [first, second] = callsTo(zalo, 'retry-3');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2_000);
    expect((await deliveryRow(t.db, retried.id)).attempts).toBe(2);
    for (const r of rows.filter((x) => x !== retried)) expect((await deliveryRow(t.db, r.id)).attempts).toBe(1);
  });

  it('When the platform answers 429 in the middle of a batch, then the channel waits the retry-after, the row goes again after it, and everyone gets the message once', async () => {
    const retryAfterMs = 1_500;
    const zalo = new FakeSender('zalo', { delayMs: 5 });
    let limitedAt: number | undefined;
    zalo.fallback = (call) => {
      if (call.userId === 'limited-25' && limitedAt === undefined) {
        limitedAt = Date.now();
        return failure('retryable', 'http 429', { retryAfterMs });
      }
      return ok(`zm-${call.n}`);
    };
    // 100/s: 10 tokens per 100-ms window, so the 60 rows take several chunks and the 429 lands mid-batch.
    h = new OutboundHarness(t.db, logs.logger, { senders: { zalo }, sendsPerSecond: { zalo: 100 } });
    h.start();
    const rows = await recipients(60, 'limited');
    await batchOutbox(h.queues).enqueue(rows.map((r) => r.id));

    await until('every row sent', async () => (await countByStatus(t.db)).sent === rows.length, 30_000, 50);
    expect(limitedAt).toBeDefined();
    for (const r of rows) expect(callsTo(zalo, r.user)).toHaveLength(r.user === 'limited-25' ? 2 : 1);
    // Sends already started with the 429 (the same chunk) finish; no other starts until the retry-after has passed.
    const during = zalo.calls.filter((c) => c.at > limitedAt! + 50 && c.at < limitedAt! + retryAfterMs - 50);
    expect(during).toEqual([]);
    const again = callsTo(zalo, 'limited-25')[1]!;
    expect(again.at - limitedAt!).toBeGreaterThanOrEqual(retryAfterMs - 50);
    expect(zalo.calls.filter((c) => c.at > limitedAt! + 50).length).toBeGreaterThan(0);
  });

  it('When the token is bad in the middle of a batch, then both of the channel\'s queues pause, no row is lost or failed, and after the resume each member gets the message once', async () => {
    const zalo = new FakeSender('zalo', { delayMs: 5 });
    let tokenBad = false;
    zalo.fallback = (call) => (tokenBad ? failure('badToken', '-216', { message: 'access token is invalid' }) : ok(`zm-${call.n}`));
    h = new OutboundHarness(t.db, logs.logger, { senders: { zalo }, sendsPerSecond: { zalo: 100 } });
    h.start();
    const rows = await recipients(40, 'token');
    zalo.answerNext(ok('zm-a'), ok('zm-b'), ok('zm-c'), ok('zm-d'), ok('zm-e'));
    tokenBad = true;
    await batchOutbox(h.queues).enqueue(rows.map((r) => r.id));

    await until('the batch queue to pause', () => h!.queues.outboundZaloBatch.isPaused(), 20_000, 25);
    expect(await h.queues.outboundZalo.isPaused()).toBe(true);
    await until('no row sending', async () => (await countByStatus(t.db)).sending === undefined, 20_000, 25);
    const paused = await countByStatus(t.db);
    expect(paused).toEqual({ sent: 5, queued: rows.length - 5 });
    // The batch is kept, waiting in its paused queue.
    expect(await h.queues.outboundZaloBatch.getJobState(outboundBatchJobId(rows[0]!.id))).toBe('waiting');

    tokenBad = false;
    expect(await resumeChannel(h.queues, 'zalo', logs.logger)).toBe(true);
    await until('every row sent', async () => (await countByStatus(t.db)).sent === rows.length, 20_000, 50);
    for (const r of rows) expect(zalo.successes.filter((c) => c.userId === r.user)).toHaveLength(1);
  });

  it('When a member of the batch has an older reply still queued, then their broadcast message waits for it on the single path and arrives after it', async () => {
    const zalo = new FakeSender('zalo', { delayMs: 5 });
    h = new OutboundHarness(t.db, logs.logger, { senders: { zalo } });
    const member = await createIdentity(t.db, 'zalo', 'order-member');
    const [reply] = await createDeliveries(t.db, member, 1, { purpose: 'reply', message: { text: 'Câu trả lời trước' } });
    const [broadcastRow] = await createDeliveries(t.db, member, 1, { purpose: 'waveLaunch', message: { text: 'Tin đợt mới' } });
    const others = await recipients(8, 'order');
    h.start();
    // The broadcast's batch first, while the reply's job is not even enqueued yet.
    await batchOutbox(h.queues).enqueue([broadcastRow!, ...others.map((r) => r.id)]);
    await until('the others sent', async () => (await countByStatus(t.db)).sent === others.length, 20_000, 25);
    await until('the member’s broadcast row handed to its own job, waiting its turn', async () => (await h!.queues.outboundZalo.getJobState(outboundJobId(broadcastRow!))) === 'delayed', 20_000, 25);
    expect(await statuses(t.db, [reply!, broadcastRow!])).toEqual(['queued', 'queued']);
    expect(callsTo(zalo, 'order-member')).toEqual([]);

    await h.outbox.enqueue([reply!]);
    await until('both sent', async () => (await statuses(t.db, [reply!, broadcastRow!])).every((s) => s === 'sent'), 20_000, 25);
    expect(callsTo(zalo, 'order-member').map((c) => c.message.text)).toEqual(['Câu trả lời trước', 'Tin đợt mới']);
  });
});

describe('a broadcast cancelled while its batches are being sent', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let h: OutboundHarness;
  let service: BroadcastsService;
  const RECIPIENTS = 1_000;

  beforeAll(async () => {
    t = await createTestDatabase();
  });

  afterAll(async () => {
    await h?.close();
    await t.drop();
  });

  it('When staff cancel mid-way, then no message starts after the cancel but those in flight, the waiting batches are removed, and sent + cancelled is every recipient', async () => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    const seeded = await seedBroadcastAudience(client, RECIPIENTS).finally(() => client.end());
    // 100/s per channel and 20 ms a send: about 5 s to send all, time enough to cancel in the middle.
    const zalo = new FakeSender('zalo', { delayMs: 20 });
    const messenger = new FakeSender('messenger', { delayMs: 20 });
    h = new OutboundHarness(t.db, logs.logger, { sendsPerSecond: { zalo: 100, messenger: 100 } });
    service = createBroadcastsService({ db: t.db, outbox: createBroadcastOutbox({ db: t.db, queues: h.queues, logger: logs.logger }), jobs: createBullMqBroadcastJobs(h.queues), policy: OPEN_POLICY });
    h.workers = startWorkers({
      db: t.db,
      logger: logs.logger,
      connection: h.workerRedis,
      prefix: h.prefix,
      outbound: { queues: h.queues, senders: { zalo, messenger }, sendsPerSecond: { zalo: 100, messenger: 100 }, policy: OPEN_POLICY },
      broadcasts: { service, queues: h.queues },
    });

    const { id } = await service.create({ purpose: 'waveLaunch', text: 'Đợt mới bắt đầu, mời bạn tham gia nhé!', audience: { clusters: [seeded.clusterId] }, createdByStaffId: null }, null);
    await until('a few hundred sent', async () => ((await countByStatus(t.db)).sent ?? 0) >= 200, 30_000, 20);
    expect(await service.cancel(id, null)).toBe(true);
    const cancelledAt = Date.now();

    await until('nothing queued or sending', async () => {
      const counts = await countByStatus(t.db);
      return counts.queued === undefined && counts.sending === undefined;
    }, 20_000, 50);
    await sleep(1_000);
    const calls = [...zalo.calls, ...messenger.calls];
    const late = calls.filter((c) => c.at > cancelledAt + 50);
    const counts = await countByStatus(t.db);
    const batchesLeft = await Promise.all([h.queues.outboundZaloBatch, h.queues.outboundMessengerBatch].map((q) => q.getJobCounts('waiting', 'prioritized', 'delayed')));
    console.log(`cancelled with ${calls.length - late.length} sent; ${late.length} started after the cancel; rows ${JSON.stringify(counts)}`);

    // Those already claimed when the cancel landed (at most a window's tokens per batch slot) finish; nothing else starts.
    expect(late.length).toBeLessThanOrEqual(2 * OUTBOUND_BATCH_WORKER_OPTIONS.concurrency * windowFor(100).max);
    expect(counts.sent! + counts.cancelled!).toBe(RECIPIENTS);
    expect(counts.sent).toBe(calls.length);
    expect(counts.cancelled).toBeGreaterThan(0);
    expect(batchesLeft.map((c) => Object.values(c).reduce((a, b) => a + b, 0))).toEqual([0, 0]);
    const figures = (await service.figures(id, null))!;
    expect(figures).toMatchObject({ status: 'cancelled', sent: counts.sent, cancelled: counts.cancelled, queued: 0 });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from deliveries where broadcast_id = ${id}::uuid`.execute(t.db);
    expect(rows[0]!.n).toBe(RECIPIENTS);
  }, 60_000);
});
