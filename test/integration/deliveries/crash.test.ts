import { OUTBOUND_BATCH_WORKER_OPTIONS, OUTBOUND_WORKER_OPTIONS } from '../../../src/jobs/workers';
import { createBroadcastOutbox } from '../../../src/jobs/broadcast-outbox';
import { windowFor } from '../../../src/jobs/send-budget';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { UNKNOWN_OUTCOME } from '../../../src/domain/deliveries/deliveries.repository';
import { OUTBOX_RELAY_JOB_NAME, type OutboxRelayResult } from '../../../src/jobs/queues';
import { captureLogs } from '../../helpers/logs';
import { TEST_REDIS_URL } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OutboundHarness, countByStatus, createDeliveries, createIdentity, until } from './harness';

const CHILD = resolve(__dirname, 'outbound-worker.child.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const N = 500;
const KILL_AFTER_SENDS = 150;

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function startWorkerProcess(settings: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', TSX, CHILD], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', REDIS_URL: TEST_REDIS_URL, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const ready = new Promise<void>((done, fail) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('ready\n')) done();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    void exited.then(({ code, signal }) => fail(new Error(`worker process exited (${code ?? signal}) before it was ready: ${output}`)));
  });
  return { child, ready, exited, output: () => output };
}

describe('a worker process SIGKILLed in the middle of sending', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let h: OutboundHarness;
  let recorder: Redis;
  const children: WorkerProcess[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    h = new OutboundHarness(t.db, logs.logger);
    recorder = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    recorder.disconnect();
    await h.close();
    await t.drop();
  });

  it(`When ${N} deliveries are being sent and the worker is killed, then after another worker and the relay each is sent exactly once or failed as unknown_outcome, and none twice`, async () => {
    const identities = await Promise.all(Array.from({ length: 50 }, () => createIdentity(t.db, 'zalo')));
    const ids = (await Promise.all(identities.map((identity) => createDeliveries(t.db, identity, N / identities.length)))).flat();
    const sendsKey = `${h.prefix}:fake-sends`;
    const settings = { DATABASE_URL: t.url, QUEUE_PREFIX: h.prefix, SENDS_KEY: sendsKey, SEND_DELAY_MS: '30' };
    await h.outbox.enqueue(ids);

    const first = startWorkerProcess(settings);
    children.push(first);
    await first.ready;
    await until(`${KILL_AFTER_SENDS} sends`, async () => (await recorder.llen(sendsKey)) >= KILL_AFTER_SENDS, 30_000, 5);
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    const atKill = await countByStatus(t.db);

    // No worker is alive, so every row still 'sending' was claimed by the killed one. In production
    // the relay waits 5 minutes to be sure no send is still in flight; here we know, and run it
    // now (its members' later messages wait behind those rows until it has closed them).
    h.start({});
    const relayJob = await h.queues.outboxRelay.add(OUTBOX_RELAY_JOB_NAME, { queuedStaleAfterMs: 30_000, sendingStaleAfterMs: 0 });
    await until('the relay', async () => (await h.queues.outboxRelay.getJobState(relayJob.id!)) === 'completed', 20_000);
    const relay = (await h.queues.outboxRelay.getJob(relayJob.id!))!.returnvalue as OutboxRelayResult;
    await h.stopWorkers();

    const second = startWorkerProcess(settings);
    children.push(second);
    await second.ready;
    // The second worker's own jobs, then the killed worker's stalled ones (lock 15 s): all finish.
    await until('no queued or sending rows', async () => {
      const counts = await countByStatus(t.db);
      return counts.queued === undefined && counts.sending === undefined;
    }, 60_000, 100);
    await h.idle('zalo', 60_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toMatchObject({ code: 0 });

    const recorded = await recorder.lrange(sendsKey, 0, -1);
    const sends = new Map<string, number>();
    for (const text of recorded) sends.set(text, (sends.get(text) ?? 0) + 1);
    const { rows } = await sql<{ id: number; identity_id: string; status: string; error_code: string | null; text: string }>`
      select id, identity_id, status, error_code, payload->>'text' as text from deliveries order by id`.execute(t.db);
    // Each member got their messages in order, across both processes.
    const byText = new Map(rows.map((r) => [r.text, r]));
    const lastSentTo = new Map<string, number>();
    const outOfOrder: string[] = [];
    for (const text of recorded) {
      const row = byText.get(text)!;
      if ((lastSentTo.get(row.identity_id) ?? 0) > row.id) outOfOrder.push(`${row.id} after ${lastSentTo.get(row.identity_id)}`);
      lastSentTo.set(row.identity_id, row.id);
    }
    const duplicates = [...sends].filter(([, n]) => n > 1);
    const sent = rows.filter((r) => r.status === 'sent');
    const unknown = rows.filter((r) => r.status === 'failed' && r.error_code === UNKNOWN_OUTCOME);
    const unknownReached = unknown.filter((r) => sends.has(r.text)).length;
    console.log(
      `SIGKILL after ${KILL_AFTER_SENDS}+ sends of ${N} (rows at kill: ${JSON.stringify(atKill)}): ` +
        `sent ${sent.length}, unknown_outcome ${unknown.length} (${unknownReached} of them had reached the fake platform), ` +
        `duplicates ${duplicates.length}, platform sends ${[...sends.values()].reduce((a, b) => a + b, 0)}`,
    );

    expect(duplicates).toEqual([]);
    expect(outOfOrder).toEqual([]);
    expect(sent.length + unknown.length).toBe(N);
    expect(sent.every((r) => sends.get(r.text) === 1)).toBe(true);
    expect(unknown.length).toBe(relay.unknownOutcome);
    // At most one unknown outcome per send in flight when the worker died: its concurrency.
    expect(unknown.length).toBeLessThanOrEqual(OUTBOUND_WORKER_OPTIONS.concurrency);
    expect(sent.length).toBeGreaterThanOrEqual(N - OUTBOUND_WORKER_OPTIONS.concurrency);
  }, 120_000);
  it('When a broadcast is being sent in batches and the worker is killed mid-batch, then the rows in flight end unknown_outcome and are never resent, and every other recipient gets the message exactly once', async () => {
    const BATCH_N = 600;
    const LIMIT = 200;
    await t.db.deleteFrom('deliveries').execute();
    const ids: number[] = [];
    for (let i = 0; i < BATCH_N; i += 1) ids.push(...(await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1, { purpose: 'waveLaunch', message: { text: `Tin đợt mới số ${i}` } })));
    const sendsKey = `${h.prefix}:fake-batch-sends`;
    // Slow sends (300 ms), so that a chunk is in flight most of the time.
    const settings = { DATABASE_URL: t.url, QUEUE_PREFIX: h.prefix, SENDS_KEY: sendsKey, SEND_DELAY_MS: '300', SENDS_PER_SECOND: String(LIMIT) };
    await createBroadcastOutbox({ db: t.db, queues: h.queues, logger: logs.logger }).enqueue(ids);
    expect(await h.queues.outboundZaloBatch.getJobCounts('waiting')).toEqual({ waiting: BATCH_N / 100 });

    const first = startWorkerProcess(settings);
    children.push(first);
    await first.ready;
    // Killed while a chunk is in flight (claimed, its sends under way), not between two chunks.
    await until(`${KILL_AFTER_SENDS} sends and a chunk in flight`, async () => (await recorder.llen(sendsKey)) >= KILL_AFTER_SENDS && ((await countByStatus(t.db)).sending ?? 0) > 0, 30_000, 2);
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    const atKill = await countByStatus(t.db);
    expect(atKill.sending).toBeGreaterThan(0);

    h.start({});
    const relayJob = await h.queues.outboxRelay.add(OUTBOX_RELAY_JOB_NAME, { queuedStaleAfterMs: 30_000, sendingStaleAfterMs: 0 });
    await until('the relay', async () => (await h.queues.outboxRelay.getJobState(relayJob.id!)) === 'completed', 20_000);
    const relay = (await h.queues.outboxRelay.getJob(relayJob.id!))!.returnvalue as OutboxRelayResult;
    await h.stopWorkers();
    expect(relay.unknownOutcome).toBe(atKill.sending);

    // The killed worker's batches stall (lock 15 s) and run again in the second worker: they claim only what is still queued.
    const second = startWorkerProcess(settings);
    children.push(second);
    await second.ready;
    await until('no queued or sending rows', async () => {
      const counts = await countByStatus(t.db);
      return counts.queued === undefined && counts.sending === undefined;
    }, 60_000, 100);
    second.child.kill('SIGTERM');
    expect(await second.exited).toMatchObject({ code: 0 });

    const recorded = await recorder.lrange(sendsKey, 0, -1);
    const sends = new Map<string, number>();
    for (const text of recorded) sends.set(text, (sends.get(text) ?? 0) + 1);
    const { rows } = await sql<{ status: string; error_code: string | null; text: string }>`
      select status, error_code, payload->>'text' as text from deliveries order by id`.execute(t.db);
    const duplicates = [...sends].filter(([, n]) => n > 1);
    const sent = rows.filter((r) => r.status === 'sent');
    const unknown = rows.filter((r) => r.status === 'failed' && r.error_code === UNKNOWN_OUTCOME);
    console.log(
      `batches: SIGKILL after ${KILL_AFTER_SENDS}+ sends of ${BATCH_N} (rows at kill: ${JSON.stringify(atKill)}): sent ${sent.length}, ` +
        `unknown_outcome ${unknown.length} (${unknown.filter((r) => sends.has(r.text)).length} had reached the fake platform), duplicates ${duplicates.length}`,
    );

    expect(duplicates).toEqual([]);
    expect(sent.length + unknown.length).toBe(BATCH_N);
    expect(sent.every((r) => sends.get(r.text) === 1)).toBe(true);
    expect(unknown.length).toBe(relay.unknownOutcome);
    // A batch holds one chunk claimed at a time, at most one budget window's tokens.
    expect(unknown.length).toBeLessThanOrEqual(OUTBOUND_BATCH_WORKER_OPTIONS.concurrency * windowFor(LIMIT).max);
  }, 120_000);
});
