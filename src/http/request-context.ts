import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithLogContext } from '../logging/log-context';

declare module 'http' {
  interface IncomingMessage {
    /** The exact bytes of the body, kept by the body parsers for webhook signature checks. */
    rawBody?: Buffer;
  }
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is reused only when it cannot smuggle anything into a log line or a header.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The caller's X-Request-Id when it is a plain token, else a fresh UUID. */
export function pickRequestId(incoming: string | undefined): string {
  return incoming !== undefined && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Gives the request its id, echoes it in the response, and runs the rest of the chain inside a
 * log context carrying it, so every line logged while serving the request has `reqId`.
 */
export function requestContext(): RequestHandler {
  return (req, res, next) => {
    const reqId = pickRequestId(req.get(REQUEST_ID_HEADER));
    req.id = reqId;
    res.setHeader(REQUEST_ID_HEADER, reqId);
    runWithLogContext({ reqId }, () => next());
  };
}
