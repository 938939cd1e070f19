import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Worker } from 'bullmq';
import type { Logger } from '../logging/logger';

export interface LoadGovernorOptions {
  readonly logger: Logger;
  /** Event-loop delay (p99 over one interval, ms) above which the workers take fewer jobs at once. */
  readonly highMs?: number;
  /** Delay below which they take one more, back up to their configured concurrency. */
  readonly lowMs?: number;
  readonly intervalMs?: number;
  /** The least concurrency a worker is cut to (default 1): I/O-bound sends keep a few going. */
  readonly floorOf?: (worker: Worker) => number;
}

export interface LoadGovernor {
  stop(): void;
}

const DEFAULTS = { highMs: 12, lowMs: 5, intervalMs: 200 } as const;

/**
 * Keeps webhook acknowledgements fast where they share an event loop with the workers (ROLE=all).
 * Every interval it reads how late the event loop ran; above `highMs` each governed worker's
 * concurrency is halved (down to 1, or its floor), below `lowMs` it grows by one, back to what it was configured
 * with. An acknowledgement is due within seconds (a late one makes the platform deliver again);
 * turns and sends are durable work that can wait its turn, so under a burst the webhooks go first
 * and the backlog drains in the quiet that follows. Jobs already running are never interrupted.
 */
export function startLoadGovernor(workers: readonly Worker[], options: LoadGovernorOptions): LoadGovernor {
  const highMs = options.highMs ?? DEFAULTS.highMs;
  const lowMs = options.lowMs ?? DEFAULTS.lowMs;
  const configured = new Map(workers.map((w) => [w, w.concurrency]));
  const floors = new Map(workers.map((w) => [w, Math.min(w.concurrency, Math.max(1, options.floorOf?.(w) ?? 1))]));
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let throttled = false;
  let lastInfoAt = 0;
  // The first interval measures the rest of start-up (building the bot, setting profiles), not load.
  let warmingUp = true;

  const timer = setInterval(() => {
    const lagMs = delay.percentile(99) / 1e6;
    delay.reset();
    if (warmingUp) {
      warmingUp = false;
      return;
    }
    let below = true;
    for (const [worker, max] of configured) {
      if (lagMs > highMs) worker.concurrency = Math.max(floors.get(worker) ?? 1, Math.floor(worker.concurrency / 2));
      else if (lagMs < lowMs && worker.concurrency < max) worker.concurrency += 1;
      if (worker.concurrency < max) below = false;
    }
    if (!below && !throttled) {
      throttled = true;
      // Bursts come and go by the second: one info line a minute at most, the rest at debug.
      const now = Date.now();
      const level = now - lastInfoAt >= 60_000 ? 'info' : 'debug';
      if (level === 'info') lastInfoAt = now;
      options.logger[level]({ lagMs: Math.round(lagMs) }, 'busy: the workers take fewer jobs at once so that webhooks are answered first');
    } else if (below && throttled) {
      throttled = false;
      options.logger.debug('no longer busy: the workers are back to their full concurrency');
    }
  }, options.intervalMs ?? DEFAULTS.intervalMs);
  timer.unref();

  return {
    stop() {
      clearInterval(timer);
      delay.disable();
      for (const [worker, max] of configured) worker.concurrency = max;
    },
  };
}

/**
 * Where webhooks and workers share one process (ROLE=all): the workers wait before each batch of
 * turns and each send while the process is busy: the webhook intake has more than `maxPending`
 * events not yet durable, or the event loop was busier than `maxUtilization` over the last
 * `sampleMs` (webhooks waiting to be read do not show in the intake yet, but they do in the
 * loop's utilisation). They wait at most `maxWaitMs` each time, so a steady stream of webhooks
 * slows them down but never stops them. Acknowledgements go first; the backlog drains after.
 */
export interface IntakeGate {
  readonly wait: () => Promise<void>;
  stop(): void;
}

export function createIntakeGate(pending: () => number, options: { maxPending?: number; maxUtilization?: number; maxWaitMs?: number; pollMs?: number; sampleMs?: number } = {}): IntakeGate {
  const maxPending = options.maxPending ?? 16;
  const maxUtilization = options.maxUtilization ?? 0.8;
  const maxWaitMs = options.maxWaitMs ?? 250;
  const pollMs = options.pollMs ?? 5;
  let last = performance.eventLoopUtilization();
  let utilization = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    utilization = performance.eventLoopUtilization(now, last).utilization;
    last = now;
  }, options.sampleMs ?? 50);
  timer.unref();
  const busy = () => pending() > maxPending || utilization > maxUtilization;
  return {
    async wait() {
      if (!busy()) return;
      const until = Date.now() + maxWaitMs;
      while (busy() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, pollMs));
    },
    stop() {
      clearInterval(timer);
    },
  };
}
