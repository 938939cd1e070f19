import { createLogger, type Logger } from '../../src/logging/logger';

export type LogLine = Record<string, unknown> & { level: string; msg?: string };

export interface CapturedLogs {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  lines(): LogLine[];
  /** Every line written so far, as written (to look for leaked secrets). */
  text(): string;
}

/** Our real logger (scrubbing, log context and all) writing into memory. */
export function captureLogs(level = 'debug'): CapturedLogs {
  const written: string[] = [];
  const logger = createLogger({ level, pretty: false, name: 'test' }, { write: (chunk: string) => void written.push(chunk) });
  return {
    logger,
    lines: () => written.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as LogLine),
    text: () => written.join(''),
  };
}
