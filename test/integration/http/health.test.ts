import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { createDb, type Db } from '../../../src/db/database';
import { createHttpApp } from '../../../src/http/app';
import { createHealthRouter, type ReadinessCheck } from '../../../src/http/health.routes';
import { readinessChecks } from '../../../src/main/deps';
import { closeRedis, createRedis } from '../../../src/main/redis';
import { captureLogs } from '../../helpers/logs';
import { closedPort, TEST_REDIS_URL } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { serve, type RunningServer } from './http-server';

/** A port that accepts connections and never says a word: a hung dependency. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('health routes', () => {
  const logs = captureLogs();
  let t: TestDatabase;
  let redis: Redis;
  let deadRedis: Redis;
  let deadDb: Db;
  let hungDb: Db;
  let hung: Awaited<ReturnType<typeof silentServer>>;
  const servers: RunningServer[] = [];

  async function serveWith(checks: Record<string, ReadinessCheck>, isDraining = () => false): Promise<string> {
    const health = createHealthRouter({ checks, isDraining, logger: logs.logger });
    const running = await serve(createHttpApp({ logger: logs.logger, routers: [{ path: '/', router: health }] }));
    servers.push(running);
    return running.url;
  }

  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
    redis = createRedis(TEST_REDIS_URL, 'producer', logs.logger);
    deadRedis = createRedis(`redis://127.0.0.1:${await closedPort()}`, 'producer', logs.logger);
    deadDb = createDb(`postgres://postgres@127.0.0.1:${await closedPort()}/nowhere`);
    hung = await silentServer();
    hungDb = createDb(`postgres://postgres@127.0.0.1:${hung.port}/nowhere`);
    await redis.ping().catch(() => new Promise((resolve) => redis.once('ready', resolve)));
  });

  afterAll(async () => {
    deadRedis.disconnect();
    await closeRedis(redis);
    await Promise.all(servers.map((s) => s.close()));
    // Hanging up on the pending connection ends pg's connect attempt (and its 5 s timer) now.
    await hung.close();
    await Promise.all([deadDb.destroy(), hungDb.destroy()]);
    await t.drop();
  });

  it('When the process lives, then /healthz answers 200 ok without asking any dependency', async () => {
    const url = await serveWith({ postgres: () => Promise.reject(new Error('down')) });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('When PostgreSQL and Redis both answer, then /readyz answers 200 with both ok', async () => {
    const url = await serveWith(readinessChecks({ db: t.db, redis }));
    const res = await fetch(`${url}/readyz`);
    expect(await res.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
    expect(res.status).toBe(200);
  });

  it('When Redis is unreachable, then /readyz answers 503 naming redis', async () => {
    const url = await serveWith(readinessChecks({ db: t.db, redis: deadRedis }));
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'down' } });
    expect(logs.lines()).toContainEqual(expect.objectContaining({ msg: 'readiness check down', check: 'redis' }));
  });

  it('When PostgreSQL is unreachable, then /readyz answers 503 naming postgres', async () => {
    const url = await serveWith(readinessChecks({ db: deadDb, redis }));
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { postgres: 'down', redis: 'ok' } });
  });

  it('When PostgreSQL accepts but never answers, then /readyz gives up after about a second with 503', async () => {
    const url = await serveWith(readinessChecks({ db: hungDb, redis }));
    const started = Date.now();
    const res = await fetch(`${url}/readyz`);
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { postgres: 'down', redis: 'ok' } });
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(4_000);
  });

  it('When the process is draining, then /readyz answers 503 even though everything answers', async () => {
    const url = await serveWith(readinessChecks({ db: t.db, redis }), () => true);
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'draining' });
  });
});
