/**
 * Redis being away (stopped, restarting, the connection cut) as opposed to a command failing, as
 * the producers' connection reports it (main/redis.ts: no offline queue, one retry, so a command
 * fails at once instead of hanging). With redis-server stopped under a producer and started again
 * (ioredis 6, BullMQ 6.7), `Queue.addBulk` threw:
 * - a command under way as the connection dropped: MaxRetriesPerRequestError ("Reached the max
 *   retries per request limit (which is 1)…");
 * - every command while the connection reconnects, until Redis answers again: "Stream isn't
 *   writeable and enableOfflineQueue options is false", at once and without a code.
 * Socket errors carry their errno (ECONNREFUSED…). "Connection is closed." is not an outage: the
 * connection was closed on purpose (shutdown) and will not come back.
 */
import { CONNECTION_ERRNOS, withPatience, type OutageKind, type PatienceOptions } from '../errors/patience';

const CLIENT_AWAY_MESSAGES: readonly RegExp[] = [/stream isn't writeable/i, /^Reached the max retries per request limit/];

export function isRedisUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && CONNECTION_ERRNOS.has(code)) return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && CLIENT_AWAY_MESSAGES.some((m) => m.test(message));
}

/**
 * Tries while Redis is away: a try costs nothing then (the producer rejects the command without a
 * round trip), and ioredis reconnects on its own backoff (up to 2 s), so they are frequent: the
 * work goes through within half a second of the connection being back.
 */
const REDIS_RETRY_FIRST_MS = 100;
const REDIS_RETRY_MAX_MS = 500;

const REDIS: OutageKind = { isOutage: isRedisUnavailable, firstRetryMs: REDIS_RETRY_FIRST_MS, maxRetryMs: REDIS_RETRY_MAX_MS };

/**
 * Runs `work` until it succeeds, trying again while Redis is away for up to `patienceMs`; any other
 * error is thrown at once. `work` must be safe to run again (adding a job whose id exists is a no-op).
 */
export function withRedisPatience<T>(work: () => Promise<T>, options: Omit<PatienceOptions, 'otherErrorDelaysMs'>): Promise<T> {
  return withPatience(REDIS, work, options);
}
