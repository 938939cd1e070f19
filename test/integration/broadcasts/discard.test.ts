import type { Job } from 'bullmq';
import pg from 'pg';
import { seedBroadcastAudience } from '../../../scripts/bench/broadcast-seed';
import { createBroadcastsService } from '../../../src/domain/broadcasts/broadcasts.service';
import { createBroadcastOutbox } from '../../../src/jobs/broadcast-outbox';
import { createBroadcastsProcessor, createBullMqBroadcastJobs } from '../../../src/jobs/broadcasts.processor';
import { BROADCAST_JOB_NAMES, OUTBOUND_JOB_NAME, outboundJobId, type BroadcastJob } from '../../../src/jobs/queues';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OPEN_POLICY, OutboundHarness } from '../deliveries/harness';

/** After a cancel, the discard job drops the send jobs its broadcast still had waiting (broadcasts.processor.ts). */
describe('broadcasts: the discard after a cancel', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let h: OutboundHarness;

  beforeAll(async () => {
    t = await createTestDatabase();
    h = new OutboundHarness(t.db, logs.logger);
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it('When a broadcast is cancelled with some of its sends fed, then its waiting batches and the jobs of its fed rows are removed, and rows never fed are not asked about', async () => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    const seeded = await seedBroadcastAudience(client, 40).finally(() => client.end());
    const jobs = createBullMqBroadcastJobs(h.queues);
    // 10 fed ahead: the first batches are enqueued, the other 30 rows wait in the database. No worker runs.
    const service = createBroadcastsService({ db: t.db, outbox: createBroadcastOutbox({ db: t.db, queues: h.queues, logger: logs.logger }), jobs, policy: OPEN_POLICY, feedAhead: 10 });
    const { id } = await service.create({ purpose: 'waveLaunch', text: 'Đợt mới', audience: { clusters: [seeded.clusterId] }, createdByStaffId: null }, null);
    expect(await service.fanOut(id)).toMatchObject({ kind: 'done', recipients: 40 });
    const rows = await t.db.selectFrom('deliveries').select('id').where('broadcast_id', '=', id).orderBy('id').execute();
    const fed = rows.slice(0, 10).map((r) => Number(r.id));
    const unfed = rows.slice(10).map((r) => Number(r.id));
    const batches = async () => (await h.queues.outboundZaloBatch.getJobs(['waiting', 'prioritized'])).length + (await h.queues.outboundMessengerBatch.getJobs(['waiting', 'prioritized'])).length;
    const batchesBefore = await batches();
    expect(batchesBefore).toBeGreaterThan(0);
    // A fed row that a batch handed to the single path (as it does for a retry) has a job of its own;
    // so may an unfed one (a deferred row that the member's message flushed).
    const handedOver = fed[3]!;
    const flushed = unfed[5]!;
    const queueOf = async (deliveryId: number) => {
      const row = await t.db.selectFrom('deliveries as d').innerJoin('channel_identities as i', 'i.id', 'd.identity_id').select('i.channel').where('d.id', '=', deliveryId).executeTakeFirstOrThrow();
      return row.channel === 'zalo' ? h.queues.outboundZalo : h.queues.outboundMessenger;
    };
    for (const deliveryId of [handedOver, flushed]) await (await queueOf(deliveryId)).add(OUTBOUND_JOB_NAME, { deliveryId }, { jobId: outboundJobId(deliveryId), delay: 60_000 });

    expect(await service.cancel(id, null)).toBe(true);
    const processor = createBroadcastsProcessor({ db: t.db, logger: logs.logger, queues: h.queues, service });
    const discard = { name: BROADCAST_JOB_NAMES.discard, data: { broadcastId: id } } as unknown as Job<BroadcastJob>;
    // Its batches and the fed row's job.
    expect(await processor(discard)).toEqual({ outcome: 'discarded', count: batchesBefore + 1 });
    expect(await batches()).toBe(0);
    expect(await (await queueOf(handedOver)).getJob(outboundJobId(handedOver))).toBeUndefined();
    // Not looked for: it runs, finds its row cancelled, and sends nothing.
    expect(await (await queueOf(flushed)).getJob(outboundJobId(flushed))).toBeDefined();
  });
});
