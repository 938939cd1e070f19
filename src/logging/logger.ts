import pino, { type DestinationStream, type Logger } from 'pino';
import { currentLogContext } from './log-context';
import { scrubText, scrubValue } from './redact';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level: string;
  readonly pretty: boolean;
  readonly name?: string;
}

/**
 * The root logger. JSON by default; `LOG_PRETTY=1` pipes it through pino-pretty. Every line
 * carries the request or job id of the async context it was written in, and every object and
 * message is scrubbed of secrets and phone numbers before it is serialised.
 */
export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: { app: options.name ?? 'vung-xanh' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ ...currentLogContext() }),
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => scrubValue(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
  if (destination) return pino(pinoOptions, destination);
  if (options.pretty) {
    return pino({ ...pinoOptions, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino(pinoOptions);
}
