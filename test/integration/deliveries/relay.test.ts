import { sql } from 'kysely';
import { UNKNOWN_OUTCOME } from '../../../src/domain/deliveries/deliveries.repository';
import { JOB_OPTIONS, OUTBOX_RELAY_DEFAULTS, OUTBOX_RELAY_JOB_NAME, TURNS_JOB_NAME, outboundBatchJobId, outboundJobId, type OutboxRelayResult } from '../../../src/jobs/queues';
import { createBroadcastOutbox } from '../../../src/jobs/broadcast-outbox';
import { ensureSchedulers, OUTBOX_RELAY_SCHEDULER_ID } from '../../../src/jobs/schedules';
import { FakeSender } from '../../helpers/fake-sender';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OutboundHarness, age, createDeliveries, createIdentity, deliveryRow, statuses, until } from './harness';

const MINUTE_MS = 60_000;

describe('the outbox relay', () => {
  const logs = captureLogs();
  let t: TestDatabase;
  let h: OutboundHarness;

  beforeAll(async () => {
    t = await createTestDatabase();
  });

  afterAll(async () => {
    await t.drop();
  });

  beforeEach(() => {
    h = new OutboundHarness(t.db, logs.logger);
  });

  afterEach(async () => {
    await h.close();
    await t.db.deleteFrom('deliveries').execute();
    await t.db.deleteFrom('channel_identities').execute();
  });

  async function runRelay(): Promise<OutboxRelayResult> {
    const job = await h.queues.outboxRelay.add(OUTBOX_RELAY_JOB_NAME, { ...OUTBOX_RELAY_DEFAULTS });
    await until('the relay job', async () => (await h.queues.outboxRelay.getJobState(job.id!)) === 'completed');
    return (await h.queues.outboxRelay.getJob(job.id!))!.returnvalue;
  }

  async function setStatus(ids: readonly number[], status: 'sending' | 'queued'): Promise<void> {
    await t.db
      .updateTable('deliveries')
      .set({ status, attempts: status === 'sending' ? 1 : 0 })
      .where(sql<boolean>`id = any(${[...ids]}::bigint[])`)
      .execute();
  }

  it('When a queued row lost its job, then the relay enqueues it again; rows with a live job get no second one; stale sends fail as unknown_outcome and are never resent', async () => {
    const zaloUser = await createIdentity(t.db, 'zalo');
    // Phase 1: a job that completes while its row is deferred (as when the policy holds a message
    // back), so the job is kept as completed when the row is queued again later.
    const [flushed] = await createDeliveries(t.db, zaloUser, 1, { status: 'deferred' });
    const first = new FakeSender('zalo');
    h.start({ zalo: first });
    await h.outbox.enqueue([flushed!]);
    await until('the job of the deferred row to complete', async () => (await h.queues.outboundZalo.getJobState(outboundJobId(flushed!))) === 'completed');
    await h.stopWorkers();
    expect(first.calls).toHaveLength(0);

    // Phase 2: no sending worker. Build each case.
    const [lost] = await createDeliveries(t.db, zaloUser, 1);
    await h.outbox.enqueue([lost!]);
    expect(await h.queues.outboundZalo.remove(outboundJobId(lost!))).toBe(1);
    const [waiting] = await createDeliveries(t.db, zaloUser, 1);
    await h.outbox.enqueue([waiting!]);
    await setStatus([flushed!], 'queued');
    const [fresh] = await createDeliveries(t.db, zaloUser, 1);
    const [staleSend, liveSend] = await createDeliveries(t.db, zaloUser, 2);
    await setStatus([staleSend!, liveSend!], 'sending');
    await age(t.db, [lost!, waiting!, flushed!], MINUTE_MS);
    await age(t.db, [staleSend!], 10 * MINUTE_MS);
    await age(t.db, [liveSend!], MINUTE_MS);
    h.start({});

    const result = await runRelay();

    expect(result).toEqual({ requeued: 2, unknownOutcome: 1, pausedChannels: [], retriggeredConversations: 0 });
    expect(await h.queues.outboundZalo.getJobState(outboundJobId(lost!))).toBe('waiting');
    expect(await h.queues.outboundZalo.getJobState(outboundJobId(flushed!))).toBe('waiting');
    expect(await h.queues.outboundZalo.getJobState(outboundJobId(fresh!))).toBe('unknown');
    expect(await h.queues.outboundZalo.getJobCounts('waiting')).toEqual({ waiting: 3 });
    expect(await deliveryRow(t.db, staleSend!)).toMatchObject({ status: 'failed', error_code: UNKNOWN_OUTCOME });
    expect((await deliveryRow(t.db, liveSend!)).status).toBe('sending');
    const warned = logs.lines().find((l) => l.msg === 'outbox relay: sends interrupted mid-flight failed as unknown_outcome (not resent)');
    expect(warned).toMatchObject({ count: 1, deliveryIds: [staleSend] });

    // Phase 3: a sending worker. Each queued row goes once; neither 'sending' row is sent.
    await h.stopWorkers();
    const zalo = new FakeSender('zalo');
    h.start({ zalo });
    await until('the queued rows to be sent', async () => (await statuses(t.db, [lost!, waiting!, flushed!])).every((s) => s === 'sent'));
    await h.idle('zalo');
    expect(zalo.calls).toHaveLength(3);
    const sentTexts = zalo.calls.map((c) => c.message.text);
    expect(new Set(sentTexts).size).toBe(3);
    expect((await deliveryRow(t.db, fresh!)).status).toBe('queued');
    expect(await statuses(t.db, [staleSend!, liveSend!])).toEqual(['failed', 'sending']);

    // The relay run again finds nothing to do: no row is resent.
    expect(await runRelay()).toEqual({ requeued: 0, unknownOutcome: 0, pausedChannels: [], retriggeredConversations: 0 });
    await h.idle('zalo');
    expect(zalo.calls).toHaveLength(3);
  });

  it('When a channel is paused, then the relay leaves its rows alone and reports it', async () => {
    const [id] = await createDeliveries(t.db, await createIdentity(t.db, 'messenger'), 1);
    await age(t.db, [id!], MINUTE_MS);
    await h.queues.outboundMessenger.pause();
    h.start({});

    expect(await runRelay()).toEqual({ requeued: 0, unknownOutcome: 0, pausedChannels: ['messenger'], retriggeredConversations: 0 });
    expect(await h.queues.outboundMessenger.getJobState(outboundJobId(id!))).toBe('unknown');

    await h.queues.outboundMessenger.resume();
    expect(await runRelay()).toEqual({ requeued: 1, unknownOutcome: 0, pausedChannels: [], retriggeredConversations: 0 });
  });

  it('When schedulers are ensured twice, then one relay scheduler runs every 30 s with its full template', async () => {
    await ensureSchedulers(h.queues, 'Asia/Ho_Chi_Minh');
    await ensureSchedulers(h.queues, 'Asia/Ho_Chi_Minh');

    const schedulers = await h.queues.outboxRelay.getJobSchedulers();
    expect(schedulers.map((s) => s.id ?? s.key)).toEqual([OUTBOX_RELAY_SCHEDULER_ID]);
    const scheduler = await h.queues.outboxRelay.getJobScheduler(OUTBOX_RELAY_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ every: 30_000 });
    expect(scheduler?.template?.data).toEqual(OUTBOX_RELAY_DEFAULTS);
    expect(scheduler?.template?.opts).toMatchObject(JOB_OPTIONS['outbox-relay']);
    expect(OUTBOX_RELAY_DEFAULTS).toEqual({ queuedStaleAfterMs: 30_000, sendingStaleAfterMs: 5 * MINUTE_MS });
  });

  it('When an inbound event stays pending without its turn trigger, then the relay triggers its conversation again', async () => {
    h.start({});
    await t.db
      .insertInto('inbound_events')
      .values({ channel: 'zalo', event_key: 'lost-trigger-1', conversation_key: 'zalo:4400000000000000777', kind: 'message', platform_ts: Date.now(), payload: JSON.stringify({}) })
      .execute();
    await sql`update inbound_events set received_at = now() - interval '5 minutes' where event_key = 'lost-trigger-1'`.execute(t.db);
    const result = await runRelay();
    expect(result.retriggeredConversations).toBe(1);
    // A turns job drains every conversation with an event ready (turn batches), this one included.
    const jobs = await h.queues.turns.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.map((j) => j.name)).toContain(TURNS_JOB_NAME);
    await t.db.deleteFrom('inbound_events').execute();
  });
  it('When a broadcast’s rows wait in a batch job, or its feed has not reached them yet, then the relay gives them no job of their own; once the batch is gone, it does', async () => {
    const { rows } = await sql<{ id: string }>`
      insert into broadcasts (purpose, text, audience, status, fed_through_id) values ('waveLaunch', 'Tin đợt mới', '{}'::jsonb, 'sending', 0) returning id`.execute(t.db);
    const broadcastId = rows[0]!.id;
    const ids: number[] = [];
    for (let i = 0; i < 6; i += 1) ids.push(...(await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1, { purpose: 'waveLaunch', broadcastId })));
    const fed = ids.slice(0, 3);
    await createBroadcastOutbox({ db: t.db, queues: h.queues, logger: logs.logger }).enqueue(fed);
    await t.db.updateTable('broadcasts').set({ fed_through_id: fed[fed.length - 1]! }).where('id', '=', broadcastId).execute();
    await age(t.db, ids, 2 * MINUTE_MS);
    h.start({});

    expect((await runRelay()).requeued).toBe(0);
    for (const id of ids) expect(await h.queues.outboundZalo.getJobState(outboundJobId(id))).toBe('unknown');

    // The batch lost (Redis without its data): its rows get their jobs back; the unfed rows still wait for the feed.
    expect(await h.queues.outboundZaloBatch.remove(outboundBatchJobId(fed[0]!))).toBe(1);
    expect((await runRelay()).requeued).toBe(fed.length);
    for (const id of fed) expect(await h.queues.outboundZalo.getJobState(outboundJobId(id))).toBe('waiting');
    for (const id of ids.slice(3)) expect(await h.queues.outboundZalo.getJobState(outboundJobId(id))).toBe('unknown');
  });
});
