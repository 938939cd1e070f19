import { AsyncLocalStorage } from 'node:async_hooks';

/** Ids that every log line written inside a request or a job carries. */
export interface LogContext {
  readonly reqId?: string;
  readonly jobId?: string;
  readonly queue?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}
