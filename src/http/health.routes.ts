import { Router } from 'express';
import type { Logger } from '../logging/logger';

/** A dependency probe: resolves when the dependency answers, rejects (or hangs) when it does not. */
export type ReadinessCheck = () => Promise<unknown>;

export type CheckState = 'ok' | 'down';

export interface HealthRoutesDeps {
  /** Named probes, run in parallel on every /readyz (postgres and redis in production). */
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
  /** True once shutdown has begun: /readyz then answers 503 so traffic moves elsewhere. */
  readonly isDraining: () => boolean;
  readonly logger: Logger;
  /** How long each probe may take before it counts as down. */
  readonly timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 1_000;

function withTimeout(probe: ReadinessCheck, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    probe().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * `GET /healthz`: the process is alive (no dependency is asked, so a database outage never gets
 * the process restarted). `GET /readyz`: 200 only when every check answers in time, else 503 with
 * each check's state; 503 while draining.
 */
export function createHealthRouter(deps: HealthRoutesDeps): Router {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  // Logged on change only: an orchestrator polls every few seconds through a whole outage.
  const lastStates = new Map<string, CheckState>();
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    if (deps.isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const names = Object.keys(deps.checks);
    const outcomes = await Promise.allSettled(names.map((name) => withTimeout(deps.checks[name]!, timeoutMs)));
    const checks: Record<string, CheckState> = {};
    outcomes.forEach((outcome, i) => {
      const name = names[i]!;
      const state: CheckState = outcome.status === 'fulfilled' ? 'ok' : 'down';
      checks[name] = state;
      const before = lastStates.get(name);
      if (before !== state && (before !== undefined || state === 'down')) {
        if (outcome.status === 'rejected') deps.logger.warn({ check: name, reason: String((outcome.reason as Error).message) }, 'readiness check down');
        else deps.logger.info({ check: name }, 'readiness check recovered');
      }
      lastStates.set(name, state);
    });
    const ready = Object.values(checks).every((s) => s === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks });
  });

  return router;
}
