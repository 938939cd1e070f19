import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Config, Role } from '../config/config';
import { createDb, type Db } from '../db/database';
import type { MountedRouter } from '../http/app';
import type { WebhookIntake } from '../bot/inbound-intake';
import { createApiRouter, API_BASE_PATH } from '../http/api/api-router';
import { ADMIN_BASE_PATH, createAdminRouter } from '../admin/admin-router';
import { adminPages } from '../admin/admin-pages';
import { queuesTool } from '../admin/tools/queues.tool';
import { createHealthRouter, type ReadinessCheck } from '../http/health.routes';
import { createSiteRouter } from '../http/site.routes';
import { createMediaRouter } from '../http/media.routes';
import { createMediaUrlSigner } from '../domain/media/media-url';
import { createWebhookRouter } from '../http/webhooks.routes';
import { createMetricsRouter } from '../http/metrics.routes';
import { allQueues, createQueues, createTurnsQueue, type Queues } from '../jobs/queues';
import { createBullMqOutbox } from '../jobs/outbox.bullmq';
import type { Logger } from '../logging/logger';
import { buildBroadcasts } from './broadcasts';
import type { Channels } from './channels';
import { createRedis } from './redis';

/** Everything long-lived that the process builds once and closes once. */
export interface Deps {
  readonly config: Config;
  readonly role: Role;
  readonly logger: Logger;
  readonly db: Db;
  /**
   * The webhook intake's own small pool (HTTP roles): an acknowledgement never queues for a
   * connection behind the workers' turns and sends. The intake writes one batch at a time
   * (inbound-intake.ts), so two connections are plenty. Undefined when this role serves no HTTP.
   */
  readonly intakeDb: Db | undefined;
  /** Producers (queues) and readiness: fails fast while Redis is away. */
  readonly redis: Redis;
  /**
   * The webhook intake's own producer connection and turns queue (HTTP roles): an acknowledgement
   * never waits behind the outbox's and the relay's Redis traffic on the shared connection.
   */
  readonly intakeRedis: Redis | undefined;
  readonly intakeTurns: Pick<Queues, 'turns'> | undefined;
  /** Workers' connection (`maxRetriesPerRequest: null`); undefined when this process runs no workers. */
  readonly workerRedis: Redis | undefined;
  readonly queues: Queues;
}

export function runsApi(role: Role): boolean {
  return role === 'all' || role === 'api';
}

export function runsWorkers(role: Role): boolean {
  return role === 'all' || role === 'worker';
}

/**
 * The composition root: the only place that calls `new` on infrastructure. Nothing here waits
 * for a server; connections are made lazily or in the background, and runtime.ts checks them.
 * Later issues add channel clients, adapters and services here, one line each.
 */
export function buildDeps(config: Config, role: Role, logger: Logger): Deps {
  // Workers run many turns and sends at once, each holding a connection for a short transaction.
  const db = createDb(config.databaseUrl, { applicationName: `vung-xanh-${role}`, maxConnections: runsWorkers(role) ? 40 : 20 });
  const intakeDb = runsApi(role) ? createDb(config.databaseUrl, { applicationName: `vung-xanh-${role}-intake`, maxConnections: 2 }) : undefined;
  const redis = createRedis(config.redisUrl, 'producer', logger);
  const workerRedis = runsWorkers(role) ? createRedis(config.redisUrl, 'worker', logger) : undefined;
  const queues = createQueues(redis, config.queuePrefix, logger);
  const intakeRedis = runsApi(role) ? createRedis(config.redisUrl, 'producer', logger) : undefined;
  const intakeTurns = intakeRedis ? { turns: createTurnsQueue(intakeRedis, config.queuePrefix, logger) } : undefined;
  return { config, role, logger, db, intakeDb, redis, intakeRedis, intakeTurns, workerRedis, queues };
}

/** What /readyz asks: PostgreSQL answers `select 1` and Redis answers PING (on the fail-fast connection). */
export function readinessChecks(deps: Pick<Deps, 'db' | 'redis'>): Record<'postgres' | 'redis', ReadinessCheck> {
  return {
    postgres: () => sql`select 1`.execute(deps.db),
    redis: () => deps.redis.ping(),
  };
}

/**
 * Every router the HTTP role serves, in mounting order: the webhooks read their own raw bodies;
 * the simulator (when on) stands in for the platforms; the health probes and the home page.
 */
export function httpRouters(deps: Deps, channels: Channels, intake: WebhookIntake, isDraining: () => boolean): MountedRouter[] {
  const webhooks = createWebhookRouter({
    webhooks: channels.webhooks,
    intake,
    logger: deps.logger,
    verifyMessengerSubscription: (query) => channels.verifyMessengerSubscription(query as Record<string, unknown>),
  });
  // The API and the admin web ask the same BroadcastsPort (forecast, create, figures, cancel).
  const broadcasts = buildBroadcasts({ config: deps.config, db: deps.db, queues: deps.queues, logger: deps.logger });
  const now = () => new Date();
  return [
    { path: '/webhooks', router: webhooks, ownsBody: true },
    ...(channels.simulator?.routers ?? []),
    { path: API_BASE_PATH, router: createApiRouter({ db: deps.db, timezone: deps.config.timezone, broadcasts }) },
    {
      path: ADMIN_BASE_PATH,
      router: createAdminRouter({
        db: deps.db,
        pages: adminPages({ db: deps.db, timeZone: deps.config.timezone, now, basePath: ADMIN_BASE_PATH, broadcasts, outbox: createBullMqOutbox({ db: deps.db, queues: deps.queues, logger: deps.logger }) }),
        tools: [queuesTool(allQueues(deps.queues), ADMIN_BASE_PATH)],
        secureCookies: deps.config.publicBaseUrl.startsWith('https:'),
        timeZone: deps.config.timezone,
        now,
      }),
    },
    { path: '/', router: createHealthRouter({ checks: readinessChecks(deps), isDraining, logger: deps.logger }) },
    { path: '/', router: createMetricsRouter(deps.logger) },
    {
      path: '/',
      router: createMediaRouter({ db: deps.db, logger: deps.logger, signer: createMediaUrlSigner({ publicBaseUrl: deps.config.publicBaseUrl, sessionSecret: deps.config.sessionSecret }) }),
    },
    { path: '/', router: createSiteRouter({ zaloSiteVerification: deps.config.zalo.siteVerification, simulator: channels.simulator !== undefined }) },
  ];
}
