import { Router } from 'express';
import type { Db } from '../../db/database';
import type { BroadcastsPort } from '../../domain/broadcasts/broadcast.types';
import { AppError } from '../../errors/app-error';
import { apiErrorHandler, bearerAuth } from './api-auth';
import { ApiOperations } from './api-operation';
import { openApiDocument } from './api-openapi';
import { addBroadcastOperations } from './broadcasts.api';
import { addExportOperations } from './exports.api';
import { addMemberOperations } from './members.api';
import { addReportOperations } from './reports.api';
import { addWaveOperations } from './waves.api';

export const API_BASE_PATH = '/api/v1';

export interface ApiDeps {
  readonly db: Db;
  /** APP_TIMEZONE: which year's plan a new wave belongs to. */
  readonly timezone: string;
  /** Undefined until the broadcasts service is wired: those routes then answer 503. */
  readonly broadcasts: BroadcastsPort | undefined;
  readonly now?: () => Date;
}

/** Every /api/v1 operation, in the order the document lists them. */
export function apiOperations(deps: ApiDeps): ApiOperations {
  const now = deps.now ?? (() => new Date());
  const api = new ApiOperations();
  addWaveOperations(api, { db: deps.db, timezone: deps.timezone, now });
  addMemberOperations(api, { db: deps.db });
  addReportOperations(api, { db: deps.db });
  addBroadcastOperations(api, { db: deps.db, broadcasts: deps.broadcasts, now });
  addExportOperations(api, { db: deps.db, timeZone: deps.timezone, now });
  return api;
}

/**
 * /api/v1 for staff tools and the admin web: the OpenAPI document is public; everything else needs
 * a bearer token and is limited to the token owner's scope.
 */
export function createApiRouter(deps: ApiDeps): Router {
  const api = apiOperations(deps);
  const document = openApiDocument(api.operations, API_BASE_PATH);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use(bearerAuth({ db: deps.db, now: deps.now ?? (() => new Date()) }));
  router.use(api.router);
  router.use((req) => {
    throw new AppError('NOT_FOUND', `Không có ${req.method} ${API_BASE_PATH}${req.path}.`);
  });
  router.use(apiErrorHandler());
  return router;
}
