import { createDb, type Db } from '../../../src/db/database';
import { createBullMqOutbox } from '../../../src/jobs/outbox.bullmq';
import { createBroadcastOutbox } from '../../../src/jobs/broadcast-outbox';
import { FakeSender, ok } from '../../helpers/fake-sender';
import { captureLogs } from '../../helpers/logs';
import { startCuttableProxy, type CuttableProxy } from '../../helpers/cuttable-proxy';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '../../helpers/test-database';
import { OutboundHarness, createDeliveries, createIdentity, deliveryRow, sleep, statuses, until } from './harness';

/**
 * PostgreSQL away for a few seconds (a restart, a failover) around a send: the outbound job
 * reaches the database through a proxy the test cuts. What the platform was sent must be recorded
 * once the database is back, not left 'sending' for the relay to fail as unknown_outcome; and a
 * job that could not claim its row meanwhile sends it once the database is back. Before this,
 * a record gave up after about a second (0, 250, 1,000 ms).
 */
const OUTAGE_MS = 4_000;
const FAST_RETRIES = { backoff: { type: 'fixed', delay: 50 } } as const;

describe('outbound sends through a database outage', () => {
  const logs = captureLogs();
  let t: TestDatabase;
  let proxy: CuttableProxy;
  let db: Db;
  let h: OutboundHarness | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
    const server = new URL(TEST_SERVER_URL);
    proxy = await startCuttableProxy({ host: server.hostname, port: Number(server.port || 5432) });
    db = createDb(`postgres://${server.username || 'postgres'}@127.0.0.1:${proxy.port}/${t.name}`, { maxConnections: 8, applicationName: 'vung-xanh-outage-test' });
  });

  afterAll(async () => {
    await db.destroy();
    await proxy.close();
    await t.drop();
  });

  afterEach(async () => {
    await proxy.restore();
    await h?.close();
    h = undefined;
    await t.db.deleteFrom('deliveries').execute();
    await t.db.deleteFrom('channel_identities').execute();
  });

  /** Cuts the database now and restores it OUTAGE_MS later (not awaited: the job goes on meanwhile). */
  function outage(): Promise<void> {
    const back = proxy.cut().then(() => sleep(OUTAGE_MS)).then(() => proxy.restore());
    return back;
  }

  it('When the database goes away right as the platform accepts a reply, then the send is recorded once it is back: sent once, never unknown_outcome', async () => {
    let back: Promise<void> | undefined;
    const zalo = new FakeSender('zalo').answerNext(() => {
      back = outage();
      return ok('zm-outage-1');
    });
    h = new OutboundHarness(db, logs.logger, { jobOptions: FAST_RETRIES });
    h.start({ zalo });
    const identity = await createIdentity(t.db, 'zalo');
    const [id] = await createDeliveries(t.db, identity, 1);

    await h.outbox.enqueue([id!]);
    await until('the send', () => zalo.calls.length > 0);
    await sleep(OUTAGE_MS / 2);
    expect((await deliveryRow(t.db, id!)).status).toBe('sending');
    await back;
    await until(`delivery ${id} recorded`, async () => (await deliveryRow(t.db, id!)).status !== 'sending', 20_000);

    expect(await deliveryRow(t.db, id!)).toMatchObject({ status: 'sent', platform_message_id: 'zm-outage-1', attempts: 1, error_code: null });
    expect(zalo.calls).toHaveLength(1);
  });

  it("When the database goes away after the first of a turn's three replies, then all three are recorded sent, each sent once and in order", async () => {
    let back: Promise<void> | undefined;
    const messenger = new FakeSender('messenger').answerNext((call) => {
      back = outage();
      return ok(`mm-outage-${call.n}`);
    });
    h = new OutboundHarness(db, logs.logger, { jobOptions: FAST_RETRIES });
    h.start({ messenger });
    const identity = await createIdentity(t.db, 'messenger');
    const ids = await createDeliveries(t.db, identity, 3);

    await h.outbox.enqueueUnits('messenger', [ids]);
    await until('the first send', () => messenger.calls.length > 0);
    await back;
    await until('the unit recorded', async () => (await statuses(t.db, ids)).every((s) => s === 'sent'), 20_000);

    expect(messenger.calls.map((c) => c.message.text)).toEqual(await Promise.all(ids.map(async (id) => (await t.db.selectFrom('deliveries').select('payload').where('id', '=', id).executeTakeFirstOrThrow()).payload.text)));
    expect((await deliveryRow(t.db, ids[0]!)).platform_message_id).toBe('mm-outage-1');
  });

  it('When the database is away as send jobs start, then they wait for it and each message goes once it is back', async () => {
    const zalo = new FakeSender('zalo');
    h = new OutboundHarness(db, logs.logger, { jobOptions: FAST_RETRIES });
    const identities = await Promise.all([1, 2, 3, 4].map(() => createIdentity(t.db, 'zalo')));
    const ids = (await Promise.all(identities.map((identity) => createDeliveries(t.db, identity, 2)))).flat();
    const back = outage();
    // Enqueued on the direct connection (the webhook's side of the app may reach the database when this worker cannot).
    await createBullMqOutbox({ db: t.db, queues: h.queues, logger: logs.logger }).enqueue(ids);
    h.start({ zalo });
    await sleep(OUTAGE_MS / 2);
    expect(zalo.calls).toHaveLength(0);
    await back;
    await until('every message sent', async () => (await statuses(t.db, ids)).every((s) => s === 'sent'), 20_000);

    expect(zalo.calls).toHaveLength(ids.length);
    // They waited inside their first attempt: none failed and went to its backoff (which can run
    // for minutes after an outage: 3 s doubling).
    expect(logs.lines().filter((l) => l.queue === 'outbound-zalo' && /^job failed/.test(String(l.msg)))).toEqual([]);
    expect(await h.queues.outboundZalo.getJobCounts('failed')).toEqual({ failed: 0 });
  });

  it("When the database goes away while a broadcast's batch is at the platform, then the batch's sends are recorded once it is back: each member once, none unknown_outcome", async () => {
    let back: Promise<void> | undefined;
    const zalo = new FakeSender('zalo', { delayMs: 20 });
    zalo.fallback = (call) => {
      back ??= outage();
      return ok(`zm-batch-${call.n}`);
    };
    h = new OutboundHarness(db, logs.logger, { jobOptions: FAST_RETRIES });
    h.start({ zalo });
    const ids: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const identity = await createIdentity(t.db, 'zalo', `outage-batch-${i}`);
      ids.push(...(await createDeliveries(t.db, identity, 1, { purpose: 'waveLaunch', message: { text: `Phát động đợt mới ${i}` } })));
    }
    await createBroadcastOutbox({ db: t.db, queues: h.queues, logger: logs.logger }).enqueue(ids);
    await until('the first send', () => zalo.calls.length > 0);
    await back;
    await until('every row recorded', async () => (await statuses(t.db, ids)).every((st) => st !== 'sending' && st !== 'queued'), 30_000);

    expect(await statuses(t.db, ids)).toEqual(ids.map(() => 'sent'));
    expect(new Set(zalo.calls.map((c) => c.userId)).size).toBe(ids.length);
    expect(zalo.calls).toHaveLength(ids.length);
  });
});
