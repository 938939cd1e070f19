import { createServer, type RequestListener, type Server } from 'node:http';
import type { Worker } from 'bullmq';
import { DEVELOPMENT_SESSION_SECRET, type Config, type Role } from '../config/config';
import { ensureDatabase } from '../db/ensure-database';
import { deliveryPolicySettingsOf } from '../domain/deliveries/delivery-policy-settings';
import { migrateToLatest } from '../db/migrate';
import { allQueues, OUTBOUND_BATCH_QUEUE_NAMES, OUTBOUND_QUEUE_NAMES } from '../jobs/queues';
import { setQueueDepthSource } from '../metrics/metrics';
import { ensureSchedulers } from '../jobs/schedules';
import { createIntakeGate, startLoadGovernor, type LoadGovernor } from '../jobs/load-governor';
import { startWorkers } from '../jobs/workers';
import type { Logger } from '../logging/logger';
import { buildBroadcasts } from './broadcasts';
import { buildScheduleContext } from './schedules';
import { buildChannels, type Channels } from './channels';
import { buildConversations, type Conversations } from './conversations';
import { buildDeps, runsApi, runsWorkers, type Deps } from './deps';
import { closeRedis, describeRedisUrl, waitForRedis } from './redis';
import { runShutdown, type ShutdownOutcome, type ShutdownStep } from './shutdown';
import { StartupError, describeError, describePostgresUrl } from './startup-error';

// Sends (single and batch) are never slowed below this many at once (a batch worker's concurrency is lower: never slowed).
const OUTBOUND_QUEUE_SET: ReadonlySet<string> = new Set([...Object.values(OUTBOUND_QUEUE_NAMES), ...Object.values(OUTBOUND_BATCH_QUEUE_NAMES)]);
const OUTBOUND_GOVERNOR_FLOOR = 8;

/** Everything must be closed within this; then the process reports what is still open and exits 1. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Jobs still running this long into shutdown are asked to stop (processors that honour the signal do). */
const CANCEL_JOBS_AFTER_MS = 7_000;
const REDIS_STARTUP_TIMEOUT_MS = 10_000;
const IDLE_CONNECTION_SWEEP_MS = 100;
/** How often the server looks for connections past their header or request deadline (node's default is 30 s). */
const TIMEOUT_CHECK_MS = 1_000;

export interface Runtime {
  readonly role: Role;
  /** The bound HTTP port; undefined when this role serves no HTTP. */
  readonly port: number | undefined;
  /** Marks not-ready, drains and closes everything once; later calls return the same outcome. */
  shutdown(reason: string): Promise<ShutdownOutcome>;
}

export interface RuntimeOptions {
  readonly shutdownTimeoutMs?: number;
}

async function prepareDatabase(deps: Deps): Promise<void> {
  const where = describePostgresUrl(deps.config.databaseUrl);
  try {
    if (await ensureDatabase(deps.config.databaseUrl)) deps.logger.info({ database: where }, 'database created');
  } catch (error) {
    throw new StartupError(`Cannot reach PostgreSQL at ${where}: ${describeError(error)}. Is it running, and is DATABASE_URL right?`, error);
  }
  try {
    const applied = await migrateToLatest(deps.db);
    deps.logger.info({ applied: applied.map((r) => r.migrationName) }, applied.length > 0 ? 'migrations applied' : 'database schema up to date');
  } catch (error) {
    throw new StartupError(`Migrating ${where} failed: ${describeError(error)}`, error);
  }
}

/**
 * An HTTP server with every slow-client limit set here rather than left to node's defaults
 * (headers 60 s, request 300 s, checked every 30 s): a client that trickles its headers or body a
 * byte at a time (slow-loris) is answered 408 and disconnected once its deadline passes, so a
 * few hundred such clients cost sockets, never the server.
 */
export function createHttpServer(limits: Config['http'], handler?: RequestListener): Server {
  const server = createServer({ connectionsCheckingInterval: TIMEOUT_CHECK_MS }, handler);
  server.requestTimeout = limits.requestTimeoutMs;
  // Node cuts a request at whichever comes first; headers cannot be given longer than the whole request.
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  return server;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(new StartupError(error.code === 'EADDRINUSE' ? `Port ${port} is already in use (PORT).` : `Cannot listen on port ${port}: ${error.message}`, error));
    server.once('error', onError);
    server.listen(port, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Stops accepting, lets in-flight requests finish, and closes keep-alive connections as they go idle. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_CONNECTION_SWEEP_MS);
    server.close((error) => {
      clearInterval(sweep);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

async function closeWorker(worker: Worker): Promise<void> {
  const cancel = setTimeout(() => worker.cancelAllJobs('shutting down'), CANCEL_JOBS_AFTER_MS);
  try {
    await worker.close();
  } finally {
    clearTimeout(cancel);
  }
}

/** In order: what takes new work, then what work writes to, then the connections under both. */
function shutdownPhases(
  deps: Deps,
  server: Server | undefined,
  workers: readonly Worker[],
  channels: Channels | undefined,
  conversations: Conversations | undefined,
): ShutdownStep[][] {
  const intake: ShutdownStep[] = workers.map((w) => ({ name: `worker ${w.name}`, close: () => closeWorker(w) }));
  if (server) intake.unshift({ name: 'http server', close: () => closeServer(server) });
  // The pages' open event streams would hold the server open until the deadline.
  if (channels?.simulator) intake.unshift({ name: 'simulator streams', close: () => channels.simulator!.close() });
  const queues: ShutdownStep[] = allQueues(deps.queues).map((q) => ({ name: `queue ${q.name}`, close: () => q.close() }));
  const intakeTurns = deps.intakeTurns;
  if (intakeTurns) queues.push({ name: 'queue turns (webhook intake)', close: () => intakeTurns.turns.close() });
  const connections: ShutdownStep[] = [
    { name: 'redis (producer)', close: () => closeRedis(deps.redis) },
    ...(deps.intakeRedis ? [{ name: 'redis (webhook intake)', close: () => closeRedis(deps.intakeRedis!) }] : []),
    { name: 'postgres pool', close: () => deps.db.destroy() },
  ];
  const intakeDb = deps.intakeDb;
  if (intakeDb) connections.push({ name: 'postgres pool (webhook intake)', close: () => intakeDb.destroy() });
  const workerRedis = deps.workerRedis;
  if (workerRedis) connections.push({ name: 'redis (worker)', close: () => closeRedis(workerRedis) });
  const clients: ShutdownStep[] = [];
  if (conversations) clients.push({ name: 'profile fetches', close: () => conversations.profiles.drain() });
  if (conversations) clients.push({ name: 'image downloads', close: () => conversations.imageDownloader.close() });
  if (channels) clients.push({ name: 'channel clients', close: () => channels.close() });
  return [intake, [...queues, ...clients], connections];
}

/**
 * Starts what `role` asks for: database created and migrated (safe when several processes start
 * at once: the migrator holds an advisory lock), Redis reached, then the workers and their
 * schedules, then the HTTP server. Throws StartupError (after closing what it opened) when a
 * dependency cannot be reached.
 */
export async function startRuntime(config: Config, role: Role, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const startedAt = Date.now();
  const timeoutMs = options.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;
  logger.info({ role, pid: process.pid, node: process.version }, 'starting');
  if (config.sessionSecret === DEVELOPMENT_SESSION_SECRET) {
    logger.warn('SESSION_SECRET is not set: using the development secret. Set it (and NODE_ENV=production) before going live.');
  }
  const deps = buildDeps(config, role, logger);
  let draining = false;
  let server: Server | undefined;
  let workers: Worker[] = [];

  let channels: Channels | undefined;
  let conversations: Conversations | undefined;
  let governor: LoadGovernor | undefined;

  try {
    await prepareDatabase(deps);
    await waitForRedis(deps.redis, REDIS_STARTUP_TIMEOUT_MS).catch((error: unknown) => {
      throw new StartupError(`Cannot reach Redis at ${describeRedisUrl(config.redisUrl)}: ${describeError(error)}. Is it running, and is REDIS_URL right?`, error);
    });
    // The port is taken first: the simulator's stand-ins live on it, and the channel clients are
    // built pointing there. Until the app is ready the server answers 503.
    let selfPort = config.port;
    if (runsApi(role)) {
      const candidate = createHttpServer(config.http, (_req, res) => {
        res.writeHead(503, { 'content-type': 'application/json', connection: 'close' }).end('{"error":{"code":"DEPENDENCY_UNAVAILABLE","message":"starting"}}');
      });
      selfPort = await listen(candidate, config.port);
      server = candidate;
      server.on('error', (err) => logger.error({ err }, 'http server error'));
    }
    channels = buildChannels({ config, db: deps.db, redis: deps.redis, logger, selfBaseUrl: () => `http://127.0.0.1:${selfPort}` });
    if (channels.simulated.length > 0) logger.info({ channels: channels.simulated }, 'simulator on: these channels are stood in by /simulator');
    conversations = buildConversations({ config, db: deps.db, intakeDb: deps.intakeDb, intakeTurns: deps.intakeTurns, logger, queues: deps.queues, channels });
    if (runsWorkers(role) && deps.workerRedis) {
      await ensureSchedulers(deps.queues, config.timezone, config.schedules);
      // One process for HTTP and workers: batches of turns wait while webhooks are being recorded.
      // Sends do not: they mostly wait on the platform, and gated one job at a time they starved
      // behind the turns' batches (a bench run left 9,578 reply sets queued in ROLE=all).
      const gate = runsApi(role) ? createIntakeGate(() => conversations!.intake.pending()) : undefined;
      const broadcasts = buildBroadcasts({ config, db: deps.db, queues: deps.queues, logger });
      workers = startWorkers({
        db: deps.db,
        logger,
        connection: deps.workerRedis,
        prefix: config.queuePrefix,
        turns: { pipeline: gate ? { ...conversations.pipeline, beforeBatch: gate.wait } : conversations.pipeline, queues: deps.queues },
        proofImages: conversations.proofImages,
        broadcasts: { service: broadcasts, queues: deps.queues },
        schedules: { context: buildScheduleContext({ config, db: deps.db, queues: deps.queues, logger, broadcasts }) },
        outbound: {
          queues: deps.queues,
          senders: channels.senders,
          sendsPerSecond: { zalo: config.zalo.sendsPerSecond, messenger: config.messenger.sendsPerSecond },
          policy: deliveryPolicySettingsOf(config),
        },
      });
      // Sends wait on the platform far more than they use the CPU: a few keep going when it is busy.
      if (runsApi(role)) {
        const lagGovernor = startLoadGovernor(workers, { logger, floorOf: (w) => (OUTBOUND_QUEUE_SET.has(w.name) ? OUTBOUND_GOVERNOR_FLOOR : 1) });
        governor = { stop: () => (lagGovernor.stop(), gate?.stop()) };
      }
    }
    // Queue depths live in Redis: whichever process is scraped reads them then.
    setQueueDepthSource(() =>
      Promise.all(allQueues(deps.queues).map(async (q) => ({ queue: q.name, counts: await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized') }))),
    );
    if (!server && config.metricsPort !== undefined) {
      // A worker has no HTTP server; its own counters (jobs, sends) are served here when asked for.
      const [{ createHttpApp }, { createMetricsRouter }] = await Promise.all([import('../http/app.js'), import('../http/metrics.routes.js')]);
      const metricsServer = createHttpServer(config.http, createHttpApp({ logger, routers: [{ path: '/', router: createMetricsRouter(logger) }] }));
      await listen(metricsServer, config.metricsPort);
      server = metricsServer;
      logger.info({ port: config.metricsPort }, 'metrics on their own port');
    } else if (server) {
      const isDraining = () => draining;
      // Loaded here, not at the top: a worker never serves these (http-routers.ts).
      const [{ createHttpApp }, { httpRouters }] = await Promise.all([import('../http/app.js'), import('./http-routers.js')]);
      const app = createHttpApp({ logger, routers: httpRouters(deps, channels, conversations.intake, isDraining), isDraining, trustProxy: config.trustProxy });
      server.removeAllListeners('request');
      server.on('request', app);
      logger.info({ port: selfPort, headersTimeoutMs: server.headersTimeout, requestTimeoutMs: server.requestTimeout, keepAliveTimeoutMs: server.keepAliveTimeout }, `listening on port ${selfPort}`);
      // In the background: the Page's profile is a nicety, never a reason not to start.
      void channels.setUpProfiles().catch((err: unknown) => logger.warn({ err }, 'messenger profile not set'));
    }
  } catch (error) {
    governor?.stop();
    await runShutdown(shutdownPhases(deps, server, workers, channels, conversations), logger, timeoutMs);
    throw error;
  }

  const address = server?.address();
  const port = typeof address === 'object' && address !== null ? address.port : undefined;
  logger.info({ role, port, workers: workers.map((w) => w.name), ms: Date.now() - startedAt }, 'started');

  let stopping: Promise<ShutdownOutcome> | undefined;
  return {
    role,
    port,
    shutdown(reason) {
      stopping ??= (async () => {
        const stopAt = Date.now();
        draining = true;
        governor?.stop();
        logger.info({ reason }, 'shutting down');
        const outcome = await runShutdown(shutdownPhases(deps, server, workers, channels, conversations), logger, timeoutMs);
        if (outcome.pending.length === 0) logger.info({ ms: Date.now() - stopAt, failed: outcome.failed }, 'stopped');
        return outcome;
      })();
      return stopping;
    },
  };
}
