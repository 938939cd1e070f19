import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger';

/**
 * `producer`: queues and readiness. A command fails at once while Redis is away (no offline
 * queue, one retry), so an HTTP handler or /readyz answers instead of hanging.
 * `worker`: BullMQ workers, which require `maxRetriesPerRequest: null` and wait out an outage.
 */
export type RedisPurpose = 'producer' | 'worker';

const OPTIONS: Readonly<Record<RedisPurpose, RedisOptions>> = {
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 },
  worker: { maxRetriesPerRequest: null, enableOfflineQueue: true, connectTimeout: 5_000 },
};

/** The URL without its password, for messages and logs. */
export function describeRedisUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}:${u.port || '6379'}${u.pathname.length > 1 ? u.pathname : ''}`;
}

/**
 * A Redis connection for one purpose. Connection loss and recovery are logged once per change,
 * not once per reconnect attempt (ioredis retries every two seconds through an outage).
 */
export function createRedis(url: string, purpose: RedisPurpose, logger: Logger): Redis {
  const redis = new Redis(url, {
    ...OPTIONS[purpose],
    connectionName: `vung-xanh:${purpose}`,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // disconnect() on a connection that never came up leaves a timer this long (ioredis waits for a
    // 'close' the dead socket already emitted); short, so closing never holds the process up.
    disconnectTimeout: 200,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn({ redis: describeRedisUrl(url), purpose, reason: err.message }, 'redis connection lost; retrying');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ redis: describeRedisUrl(url), purpose }, 'redis connection back');
  });
  return redis;
}

/** Resolves once the connection is ready; rejects with the last connection error after `timeoutMs`. */
export function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = 'no answer';
    const onError = (err: Error) => {
      lastError = err.message || (err as { code?: string }).code || err.name;
    };
    const done = (error?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const timer = setTimeout(() => done(new Error(lastError)), timeoutMs);
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

/** Closes politely when connected, else drops the socket (QUIT would wait for a reconnect). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
