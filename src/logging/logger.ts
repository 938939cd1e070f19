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
    // Errors are serialised (class, message, stack, cause) before scrubbing, so the default `err`
    // serializer must not run again on the plain object that comes out.
    serializers: { err: (value: unknown) => value },
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
  let logger: Logger;
  if (destination) logger = pino(pinoOptions, destination);
  else if (options.pretty) {
    logger = pino({ ...pinoOptions, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  } else logger = pino(pinoOptions);
  return scrubChildBindings(logger);
}

/**
 * pino serialises a child's bindings once, without the log formatter, so they are scrubbed on the
 * way in. Children are created from their parent's prototype, so every descendant inherits this.
 * The scrub walks the bindings as they will be logged: a binding with a serializer is serialized
 * first (pino-http binds every request's live IncomingMessage as `req`; walking that, with its
 * socket and parser, on every request cost a tenth of the webhook path's CPU, and its copies as
 * much again in garbage collection, to log a method and a URL).
 */
function scrubChildBindings(logger: Logger): Logger {
  const originalChild = Object.getPrototypeOf(logger).child as Logger['child'];
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return originalChild.call(this, scrubValue(serializeBindings(this, bindings)) as typeof bindings, childOptions);
  } as Logger['child'];
  return logger;
}

type Serializers = Readonly<Record<string, ((value: unknown) => unknown) | undefined>>;

/** The bindings with each value that has a serializer replaced by its serialized form (a copy; the caller's object is left alone). */
function serializeBindings(logger: Logger, bindings: pino.Bindings): pino.Bindings {
  const serializers = (logger as unknown as Record<symbol, Serializers | undefined>)[pino.symbols.serializersSym] ?? {};
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(bindings)) {
    const serialize = serializers[key];
    if (serialize === undefined) continue;
    out ??= { ...bindings };
    out[key] = serialize(bindings[key]);
  }
  return out ?? bindings;
}
