import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from '../logging/logger';
import { errorHandler, notFoundHandler } from './error-handler';
import { requestContext } from './request-context';
import { requestLogger } from './request-logger';

/** A router the composition root mounts (webhooks, admin, api, simulator, health). */
export interface MountedRouter {
  /** Where it is mounted, e.g. `/webhooks` or `/` for the health probes. */
  readonly path: string;
  readonly router: Router | RequestHandler;
  /**
   * Mounted before the JSON and form parsers: the router reads the body itself (webhooks verify
   * signatures over the exact bytes, before anything parses them).
   */
  readonly ownsBody?: boolean;
}

export interface HttpAppDeps {
  readonly logger: Logger;
  /** Mounted in order, after the body parsers and before the JSON 404. */
  readonly routers: readonly MountedRouter[];
  /** Largest JSON or form body accepted; larger ones get 413. Defaults to 1 MB. */
  readonly bodyLimit?: string;
  /** While true, every response asks the client to close its connection, so keep-alive ends. */
  readonly isDraining?: () => boolean;
  /** express's "trust proxy" (TRUST_PROXY); false when absent. */
  readonly trustProxy?: number | string | false;
}

const DEFAULT_BODY_LIMIT = '1mb';

// Webhook signatures are computed over the exact bytes the platform sent, not over re-serialised JSON.
const keepRawBody = (req: { rawBody?: Buffer }, _res: unknown, buffer: Buffer): void => {
  req.rawBody = buffer;
};

/**
 * Builds the Express app: nosniff on every answer, request id and log context, access log, body parsers, the given
 * routers, a JSON 404 and the one error handler. It does not listen; the caller owns the server.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  const limit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const isDraining = deps.isDraining ?? (() => false);

  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  // Every answer, not only the admin web's (helmet): a browser must never guess a JSON error or a
  // simulator page into something it runs.
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(requestContext());
  app.use(requestLogger(deps.logger));
  app.use((_req, res, next) => {
    if (isDraining()) res.setHeader('Connection', 'close');
    next();
  });
  for (const { path, router } of deps.routers.filter((r) => r.ownsBody)) app.use(path, router);
  app.use(express.json({ limit, verify: keepRawBody }));
  app.use(express.urlencoded({ limit, extended: false, verify: keepRawBody }));
  for (const { path, router } of deps.routers.filter((r) => !r.ownsBody)) app.use(path, router);
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
