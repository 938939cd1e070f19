import type { Logger } from '../logging/logger';

/** One thing to close; steps of a phase close in parallel, phases run in order. */
export interface ShutdownStep {
  readonly name: string;
  readonly close: () => Promise<void>;
}

export interface ShutdownOutcome {
  /** Steps that had not finished when the time ran out (empty on a clean stop). */
  readonly pending: readonly string[];
  /** Steps that threw; the later phases still ran. */
  readonly failed: readonly string[];
}

/**
 * Runs the phases in order within `timeoutMs`. A failing step is logged and does not stop the
 * others. When time runs out it returns at once with what is still open; the caller exits.
 */
export async function runShutdown(phases: readonly (readonly ShutdownStep[])[], logger: Logger, timeoutMs: number): Promise<ShutdownOutcome> {
  const started = new Set<string>();
  const pending = new Set<string>();
  const failed: string[] = [];
  const run = async () => {
    for (const phase of phases) {
      await Promise.all(
        phase.map(async (step) => {
          started.add(step.name);
          pending.add(step.name);
          const startedAt = Date.now();
          try {
            await step.close();
            logger.debug({ step: step.name, ms: Date.now() - startedAt }, 'closed');
          } catch (err) {
            failed.push(step.name);
            logger.error({ err, step: step.name }, 'failed to close');
          } finally {
            pending.delete(step.name);
          }
        }),
      );
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([run().then(() => 'done' as const), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    // Steps of later phases never started: they are still open too.
    const unfinished = [...pending, ...phases.flat().map((s) => s.name).filter((name) => !started.has(name))];
    logger.error({ stillOpen: unfinished, timeoutMs }, 'shutdown timed out');
    return { pending: unfinished, failed };
  }
  return { pending: [], failed };
}
