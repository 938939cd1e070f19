import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Config, Role } from '../config/config';
import { createDb, type Db } from '../db/database';
import type { ReadinessCheck } from '../http/health.routes';
import { createQueues, createTurnsQueue, type Queues } from '../jobs/queues';
import type { Logger } from '../logging/logger';
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
