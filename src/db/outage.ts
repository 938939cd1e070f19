import { CONNECTION_ERRNOS, withPatience, type OutageKind, type PatienceOptions } from '../errors/patience';

/**
 * PostgreSQL being away (stopped, restarting, failing over, the connection cut) as opposed to a
 * statement failing: the same work can succeed once the server is back, so work that must not be
 * given up lightly (recording what a platform already did) waits for it, with a deadline.
 */

/**
 * SQLSTATEs of a server going or not there yet: class 08 (connection exception), 57P01
 * admin_shutdown (a fast shutdown cuts every session), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up, shutting down, in recovery).
 */
const SERVER_AWAY_STATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03']);

/** What pg and pg-pool say, without a code, when the connection is gone or cannot be had in time. */
const CLIENT_AWAY_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error and is not queryable/,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  // Not `instanceof Error`: errors of node's own sockets may come from another realm (a vm context).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || SERVER_AWAY_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return typeof message === 'string' && CLIENT_AWAY_MESSAGES.some((m) => m.test(message));
}

export interface DatabasePatienceOptions extends Omit<PatienceOptions, 'otherErrorDelaysMs'> {
  /** Whether an error that is not an outage is tried twice more (default) or thrown at once. */
  readonly retryOtherErrors?: boolean;
}

/** Waits between tries while the database is away: doubling from the first, up to the last. */
const OUTAGE_RETRY_FIRST_MS = 250;
const OUTAGE_RETRY_MAX_MS = 2_000;
/** Any other error is tried again twice, soon (a statement that failed once may not fail again). */
const OTHER_ERROR_DELAYS_MS: readonly number[] = [250, 1_000];

const DATABASE: OutageKind = { isOutage: isDatabaseUnavailable, firstRetryMs: OUTAGE_RETRY_FIRST_MS, maxRetryMs: OUTAGE_RETRY_MAX_MS };

/**
 * Runs `work` until it succeeds: while the error says the database is away, for up to
 * `patienceMs` (a try every 250 ms at first, every 2 s once it lasts); any other error, twice
 * more (unless `retryOtherErrors` is false). Then the last error is thrown. `work` must be safe to run again after a failure (a
 * statement whose answer was lost may have committed).
 */
export function withDatabasePatience<T>(work: () => Promise<T>, options: DatabasePatienceOptions): Promise<T> {
  const { retryOtherErrors, ...patience } = options;
  return withPatience(DATABASE, work, { ...patience, otherErrorDelaysMs: retryOtherErrors === false ? [] : OTHER_ERROR_DELAYS_MS });
}
