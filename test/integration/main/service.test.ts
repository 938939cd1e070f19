import { migrationNames } from '../../../src/db/migrate';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import pg from 'pg';
import { HOUSEKEEPING_JOB_NAME, QUEUE_NAMES, type HousekeepingJob, type HousekeepingResult } from '../../../src/jobs/queues';
import { closedPort, deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../helpers/redis';
import { createTestDatabase, dropDatabase, testDatabaseUrl, uniqueTestDatabaseName, type TestDatabase } from '../../helpers/test-database';
import { killIfRunning, startService, type ServiceProcess } from './service-process';

const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function portOf(service: ServiceProcess): Promise<number> {
  const line = await service.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('listening on port'));
  return line.port as number;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('the service process', () => {
  const prefix = uniqueQueuePrefix();
  const started: ServiceProcess[] = [];
  const start = (settings: Record<string, string>) => {
    const service = startService({ QUEUE_PREFIX: prefix, ...settings });
    started.push(service);
    return service;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map(killIfRunning));
  });

  afterAll(async () => {
    await deleteQueuePrefix(prefix);
  });

  describe('with a database holding old inbound events', () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase();
    });
    afterAll(async () => {
      await t.drop();
    });

    it('When started, then it is ready, and on SIGTERM it finishes the housekeeping job in flight and exits 0 within 10 s', async () => {
      const old = new Date(Date.now() - 40 * DAY_MS);
      const rows = await t.db
        .insertInto('inbound_events')
        .values([1, 2, 3].map((i) => ({ channel: 'simulator' as const, event_key: `old-${i}`, conversation_key: 'simulator:u', kind: 'message', platform_ts: i, payload: '{}', status: 'processed' as const, received_at: old })))
        .returning('id')
        .execute();
      const service = start({ DATABASE_URL: t.url });
      const port = await portOf(service);

      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });

      // Hold a lock on one of the rows, so the job's DELETE waits on it until the test lets go.
      const blocker = new pg.Client({ connectionString: t.url });
      await blocker.connect();
      const queue = new Queue<HousekeepingJob, HousekeepingResult>(QUEUE_NAMES.housekeeping, { connection: { url: TEST_REDIS_URL }, prefix });
      try {
        await blocker.query('begin');
        await blocker.query('select id from inbound_events where id = $1 for update', [rows[0]!.id]);
        const job = await queue.add(HOUSEKEEPING_JOB_NAME, { inboundRetentionDays: 30 });
        await until('the job to wait on the row lock', async () => {
          const { rows: waiting } = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and query ilike 'delete from "inbound_events"%'`.execute(t.db);
          return waiting[0]!.n > 0;
        });

        const signalledAt = Date.now();
        service.child.kill('SIGTERM');
        await service.waitForLog((l) => l.msg === 'shutting down');
        await sleep(500);
        expect(service.child.exitCode).toBeNull();
        expect(await (await queue.getJob(job.id!))?.getState()).toBe('active');

        await blocker.query('rollback');
        const exit = await service.exited;

        expect(exit).toMatchObject({ code: 0, signal: null });
        expect(exit.at - signalledAt).toBeLessThan(10_000);
        const finished = await queue.getJob(job.id!);
        expect(await finished?.getState()).toBe('completed');
        expect(finished?.returnvalue).toMatchObject({ deletedInboundEvents: 3, stoppedEarly: false });
        expect(service.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['job completed', 'stopped']));
        expect(service.lines.findIndex((l) => l.msg === 'job completed')).toBeLessThan(service.lines.findIndex((l) => l.msg === 'stopped'));
      } finally {
        await blocker.end().catch(() => undefined);
        await queue.close();
      }
    });
  });

  it('When an api and a worker process start at once on a database that does not exist yet, then both come up and stop cleanly (a Ctrl-C echoed by npm included)', async () => {
    const name = uniqueTestDatabaseName();
    try {
      const api = start({ DATABASE_URL: testDatabaseUrl(name), ROLE: 'api' });
      const worker = start({ DATABASE_URL: testDatabaseUrl(name), ROLE: 'worker' });
      const [apiStarted, workerStarted] = await Promise.all([api, worker].map((s) => s.waitForLog((l) => l.msg === 'started')));
      expect(apiStarted).toMatchObject({ role: 'api', workers: [] });
      expect(workerStarted).toMatchObject({ role: 'worker' });
      expect(workerStarted?.workers).toEqual(
        expect.arrayContaining([QUEUE_NAMES.turns, QUEUE_NAMES.housekeeping, QUEUE_NAMES.outboxRelay, QUEUE_NAMES.outboundZalo, QUEUE_NAMES.outboundMessenger]),
      );
      expect(workerStarted?.port).toBeUndefined();

      const applied = [api, worker].flatMap((s) => s.lines.filter((l) => Array.isArray(l.applied)).flatMap((l) => l.applied as string[]));
      expect(applied.sort()).toEqual(migrationNames());
      const ready = await fetch(`http://127.0.0.1:${apiStarted!.port as number}/readyz`);
      expect(ready.status).toBe(200);

      // Ctrl-C under `npm start`: the terminal's SIGINT, then npm's copy of it a moment later.
      api.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 20));
      api.child.kill('SIGINT');
      worker.child.kill('SIGTERM');
      expect(await Promise.all([api.exited, worker.exited])).toMatchObject([{ code: 0 }, { code: 0 }]);
      expect(api.lines.filter((l) => l.msg === 'second signal: exiting now')).toEqual([]);
    } finally {
      await Promise.all(started.splice(0).map(killIfRunning));
      await dropDatabase(name);
    }
  });

  it('When a setting is invalid, then it prints only the settings error and exits 1', async () => {
    const service = start({ DATABASE_URL: testDatabaseUrl(uniqueTestDatabaseName()), PORT: 'eighty', ROLE: 'everything' });
    const exit = await service.exited;
    expect(exit.code).toBe(1);
    expect(service.stderr()).toMatch(/^Invalid settings \(see \.env\.example\):\n {2}- PORT: .+\n {2}- ROLE: .+\n$/);
    expect(service.lines).toEqual([]);
  });

  it('When PostgreSQL cannot be reached, then it says so plainly and exits 1', async () => {
    const port = await closedPort();
    const service = start({ DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/vungxanh` });
    const exit = await service.exited;
    expect(exit.code).toBe(1);
    expect(service.stderr()).toBe(`Cannot reach PostgreSQL at 127.0.0.1:${port}/vungxanh: connect ECONNREFUSED 127.0.0.1:${port}. Is it running, and is DATABASE_URL right?\n`);
    expect(JSON.stringify(service.lines)).not.toContain('hunter2');
  });
});
