import type { WebhookIntake } from '../bot/inbound-intake';
import { ADMIN_BASE_PATH, createAdminRouter } from '../admin/admin-router';
import { adminPages } from '../admin/admin-pages';
import { queuesTool } from '../admin/tools/queues.tool';
import { createMediaUrlSigner } from '../domain/media/media-url';
import { createApiRouter, API_BASE_PATH } from '../http/api/api-router';
import type { MountedRouter } from '../http/app';
import { createHealthRouter } from '../http/health.routes';
import { createMediaRouter } from '../http/media.routes';
import { createMetricsRouter } from '../http/metrics.routes';
import { createSiteRouter } from '../http/site.routes';
import { createWebhookRouter } from '../http/webhooks.routes';
import { createBullMqOutbox } from '../jobs/outbox.bullmq';
import { allQueues } from '../jobs/queues';
import { buildBroadcasts } from './broadcasts';
import type { Channels } from './channels';
import { readinessChecks, type Deps } from './deps';

/*
 * The HTTP role's routers, in a module of their own: runtime.ts loads it only in a process that
 * serves the API, so that a worker does not load express's routes, the admin web, the API, the
 * report exports (exceljs), password hashing (argon2) and bull-board, none of which it uses
 * (about 40 MB of a worker's idle memory).
 */

/**
 * Every router the HTTP role serves, in mounting order: the webhooks read their own raw bodies;
 * the simulator (when on) stands in for the platforms; the health probes and the home page.
 */
export function httpRouters(deps: Deps, channels: Channels, intake: WebhookIntake, isDraining: () => boolean): MountedRouter[] {
  const webhooks = createWebhookRouter({
    webhooks: channels.webhooks,
    intake,
    logger: deps.logger,
    verifyMessengerSubscription: (query) => channels.verifyMessengerSubscription(query as Record<string, unknown>),
  });
  // The API and the admin web ask the same BroadcastsPort (forecast, create, figures, cancel).
  const broadcasts = buildBroadcasts({ config: deps.config, db: deps.db, queues: deps.queues, logger: deps.logger });
  const now = () => new Date();
  // Relative image URLs for the admin web: same origin, so its CSP (img-src 'self') lets them show.
  const adminMedia = createMediaUrlSigner({ publicBaseUrl: '', sessionSecret: deps.config.sessionSecret });
  return [
    { path: '/webhooks', router: webhooks, ownsBody: true },
    ...(channels.simulator?.routers ?? []),
    { path: API_BASE_PATH, router: createApiRouter({ db: deps.db, timezone: deps.config.timezone, broadcasts }) },
    {
      path: ADMIN_BASE_PATH,
      router: createAdminRouter({
        db: deps.db,
        pages: adminPages({
          db: deps.db,
          timeZone: deps.config.timezone,
          now,
          basePath: ADMIN_BASE_PATH,
          broadcasts,
          mediaUrl: (sha256) => adminMedia.signedImageUrl(sha256, now()),
          outbox: createBullMqOutbox({ db: deps.db, queues: deps.queues, logger: deps.logger }),
          logger: deps.logger,
        }),
        tools: [queuesTool(allQueues(deps.queues), ADMIN_BASE_PATH)],
        secureCookies: deps.config.publicBaseUrl.startsWith('https:'),
        timeZone: deps.config.timezone,
        now,
      }),
    },
    { path: '/', router: createHealthRouter({ checks: readinessChecks(deps), isDraining, logger: deps.logger }) },
    { path: '/', router: createMetricsRouter(deps.logger) },
    {
      path: '/',
      router: createMediaRouter({ db: deps.db, logger: deps.logger, signer: createMediaUrlSigner({ publicBaseUrl: deps.config.publicBaseUrl, sessionSecret: deps.config.sessionSecret }) }),
    },
    { path: '/', router: createSiteRouter({ zaloSiteVerification: deps.config.zalo.siteVerification, simulator: channels.simulator !== undefined }) },
  ];
}
