/**
 * A worker process for the crash test: the real startWorkers (outbound workers and relay) over
 * the test's database and queue prefix, with a fake Zalo sender that takes SEND_DELAY_MS and
 * records every send it accepts by RPUSHing the message text to SENDS_KEY in Redis, so that the
 * test can count sends across processes, including one it SIGKILLs.
 *
 * Env: DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SENDS_KEY, SEND_DELAY_MS, SENDS_PER_SECOND (optional,
 * 1000). Prints "ready" once its
 * workers run; on SIGTERM it closes them (waiting for jobs in flight) and exits 0.
 */
import { Redis } from 'ioredis';
import { createDb } from '../../../src/db/database';
import { allQueues, createQueues } from '../../../src/jobs/queues';
import { startWorkers } from '../../../src/jobs/workers';
import { createLogger } from '../../../src/logging/logger';
import { closeRedis, createRedis } from '../../../src/main/redis';
import { FakeSender } from '../../helpers/fake-sender';
import { OPEN_POLICY } from './harness';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const logger = createLogger({ level: 'warn', pretty: false, name: 'crash-worker' });
  const db = createDb(env('DATABASE_URL'), { maxConnections: 10, applicationName: 'crash-worker' });
  const producer = createRedis(env('REDIS_URL'), 'producer', logger);
  const workerRedis = createRedis(env('REDIS_URL'), 'worker', logger);
  const recorder = new Redis(env('REDIS_URL'));
  const sendsKey = env('SENDS_KEY');
  const queues = createQueues(producer, env('QUEUE_PREFIX'), logger);
  const zalo = new FakeSender('zalo', {
    delayMs: Number(env('SEND_DELAY_MS')),
    onSend: async (call) => {
      await recorder.rpush(sendsKey, call.message.text ?? '');
    },
  });
  const workers = startWorkers({
    db,
    logger,
    connection: workerRedis,
    prefix: env('QUEUE_PREFIX'),
    outbound: { queues, senders: { zalo }, sendsPerSecond: { zalo: Number(process.env.SENDS_PER_SECOND ?? 1_000), messenger: 1_000 }, policy: OPEN_POLICY },
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  process.stdout.write('ready\n');

  process.once('SIGTERM', () => {
    void (async () => {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(allQueues(queues).map((q) => q.close()));
      await Promise.all([closeRedis(producer), closeRedis(workerRedis), closeRedis(recorder)]);
      await db.destroy();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
