import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger';
import { scrubText } from '../logging/redact';

const PROBE_PATHS = new Set(['/healthz', '/readyz']);
/** Platform deliveries: thousands a second under load; a successful one is logged at debug. */
const WEBHOOK_PREFIX = '/webhooks/';

/** Express rewrites req.url inside mounted routers; originalUrl is what the client asked for. */
function urlOf(req: IncomingMessage): string {
  return (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
}

function pathOf(req: IncomingMessage): string {
  return urlOf(req).split('?', 1)[0] ?? '';
}

function outcome(res: ServerResponse, responseTime: number): Record<string, unknown> {
  const errorCode = (res as { locals?: { errorCode?: string } }).locals?.errorCode;
  return { res: { statusCode: res.statusCode }, responseTime, ...(errorCode === undefined ? {} : { errorCode }) };
}

/**
 * One access-log line per request on our logger. Only the method, the scrubbed URL and the
 * status are logged: no headers (authorization, cookies and webhook signatures live there) and
 * no bodies. Probes are logged only when they fail, or the orchestrator's polling floods the log;
 * webhook deliveries that succeed are logged at debug.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    // requestContext() has already chosen the id; the log context adds it to every line as reqId.
    genReqId: (req) => req.id,
    // Our serializer sees the raw request; pino's standard ones would copy every header.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, url: scrubText(urlOf(req)) }),
    },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
      if (err || res.statusCode >= 500) return 'error';
      if (PROBE_PATHS.has(pathOf(req))) return res.statusCode >= 400 ? 'warn' : 'silent';
      if (res.statusCode >= 400) return 'warn';
      // A line per webhook would cost the process more than recording the event (issue 3's bench);
      // refused and failed ones still log above, and the events themselves are in inbound_events.
      return req.method === 'POST' && pathOf(req).startsWith(WEBHOOK_PREFIX) ? 'debug' : 'info';
    },
    // Plain objects only: the logger scrubs every object it is given, and a live ServerResponse
    // (socket, parser, server) is both huge to walk and unreadable once copied.
    customSuccessObject: (_req: IncomingMessage, res: ServerResponse, value: { responseTime: number }) => outcome(res, value.responseTime),
    customErrorObject: (_req: IncomingMessage, res: ServerResponse, err: Error, value: { responseTime: number }) => ({
      ...outcome(res, value.responseTime),
      err,
    }),
  }) as unknown as RequestHandler;
}
