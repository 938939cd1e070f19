/**
 * Waiting out a dependency's outage (PostgreSQL, Redis) as opposed to giving up on a failure:
 * while the error says the dependency is away, the same work can succeed once it is back, so it
 * is tried again, more slowly as the outage lasts, until a deadline. What an outage looks like,
 * and how often to try, is each dependency's own: db/outage.ts, jobs/redis-outage.ts.
 */

/** Socket errors of a connection that could not be made or was lost (any client, any server). */
export const CONNECTION_ERRNOS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** A dependency's outage: how it shows in an error, and how often to try while it lasts. */
export interface OutageKind {
  /** True when the error says the dependency is away (not that the work itself failed). */
  readonly isOutage: (error: unknown) => boolean;
  /** Waits between tries during an outage: doubling from the first, up to the last. */
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
}

export interface PatienceOptions {
  /** How long to keep trying while the dependency is away, from the first failure (ms). */
  readonly patienceMs: number;
  /** Waits before trying again after an error that is not an outage, one per retry; none (the default): thrown at once. */
  readonly otherErrorDelaysMs?: readonly number[];
  /** Told before each wait (to log the first one, say); must not throw. */
  readonly onWait?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` until it succeeds: while `kind` says the error is an outage, for up to `patienceMs`
 * from the first failure; any other error as `otherErrorDelaysMs` says. Then the last error is
 * thrown. `work` must be safe to run again after a failure (a request whose answer was lost may
 * have been carried out).
 */
export async function withPatience<T>(kind: OutageKind, work: () => Promise<T>, options: PatienceOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const otherDelays = options.otherErrorDelaysMs ?? [];
  let firstFailureAt: number | undefined;
  let otherErrors = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      firstFailureAt ??= now();
      let delay: number;
      if (kind.isOutage(error)) {
        const left = firstFailureAt + options.patienceMs - now();
        if (left <= 0) throw error;
        delay = Math.min(left, kind.maxRetryMs, kind.firstRetryMs * 2 ** Math.min(attempt - 1, 10));
      } else {
        if (otherErrors >= otherDelays.length) throw error;
        delay = otherDelays[otherErrors]!;
        otherErrors += 1;
      }
      options.onWait?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
