import type { Response } from 'express';
import type { MountedRouter } from '../../http/app';
import type { Logger } from '../../logging/logger';
import { createSimulatorApiRouter } from './simulator.api';
import { SIMULATED_MESSENGER, SIMULATED_ZALO } from './simulator.credentials';
import { createGraphStandInRouter, MessengerPageSettings } from './simulator.platform-graph';
import { createZaloOAuthStandInRouter, createZaloStandInRouter } from './simulator.platform-zalo';
import { SimulatorStore, type SimulatorStoreLimits } from './simulator.store';
import { createWebhookPoster } from './simulator.webhooks';
import { ZaloTokenAuthority } from './simulator.zalo-tokens';

export { SIMULATED_MESSENGER, SIMULATED_ZALO } from './simulator.credentials';
export type { SimMessage, SimulatorStore } from './simulator.store';

export const SIMULATOR_PATHS = Object.freeze({
  page: '/simulator',
  zalo: '/simulator/zalo',
  zaloOAuth: '/simulator/zalo-oauth',
  graph: '/simulator/graph',
});

export interface SimulatorOptions {
  /** The app's own base URL (http://127.0.0.1:<port>): where the simulated webhooks are POSTed. */
  readonly selfBaseUrl: () => string;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly limits?: Partial<SimulatorStoreLimits>;
  /** How long a webhook POST may take before it counts as failed. */
  readonly webhookTimeoutMs?: number;
}

export interface Simulator {
  /** Mount each at its path: the page and its API, and the stand-ins for both platforms' APIs. */
  readonly routers: readonly MountedRouter[];
  readonly credentials: { readonly zalo: typeof SIMULATED_ZALO; readonly messenger: typeof SIMULATED_MESSENGER };
  /** Base URLs to give the channel clients, relative to selfBaseUrl(). */
  readonly apiBases: () => { readonly zaloApiBase: string; readonly zaloOAuthBase: string; readonly graphApiBase: string };
  readonly store: SimulatorStore;
  /** Ends the pages' open event streams, which would otherwise hold the HTTP server open on shutdown. */
  close(): Promise<void>;
}

/**
 * The demo simulator: a chat page where a person plays a Zalo or Messenger user, driving the real
 * webhooks (signed as each platform signs) and receiving what the app sends through stand-ins for
 * each platform's API. See ../../../README.md for how it is switched on.
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ component: 'simulator' });
  const store = new SimulatorStore(now, options.limits);
  const poster = createWebhookPoster({ selfBaseUrl: options.selfBaseUrl, logger, zalo: SIMULATED_ZALO, messenger: SIMULATED_MESSENGER, timeoutMs: options.webhookTimeoutMs });
  const settings = new MessengerPageSettings();
  const tokens = new ZaloTokenAuthority(SIMULATED_ZALO, now);
  const streams = new Set<Response>();
  const base = () => options.selfBaseUrl().replace(/\/+$/, '');

  const routers: MountedRouter[] = [
    { path: SIMULATOR_PATHS.zalo, router: createZaloStandInRouter({ store, poster, tokens, credentials: SIMULATED_ZALO, now, logger }) },
    { path: SIMULATOR_PATHS.zaloOAuth, router: createZaloOAuthStandInRouter({ tokens, credentials: SIMULATED_ZALO, logger }) },
    { path: SIMULATOR_PATHS.graph, router: createGraphStandInRouter({ store, poster, settings, credentials: SIMULATED_MESSENGER, logger }) },
    // After the stand-ins, whose paths lie under its own.
    { path: SIMULATOR_PATHS.page, router: createSimulatorApiRouter({ store, poster, settings, zalo: SIMULATED_ZALO, messenger: SIMULATED_MESSENGER, now, logger, streams }) },
  ];

  return {
    routers,
    credentials: { zalo: SIMULATED_ZALO, messenger: SIMULATED_MESSENGER },
    apiBases: () => ({ zaloApiBase: `${base()}${SIMULATOR_PATHS.zalo}`, zaloOAuthBase: `${base()}${SIMULATOR_PATHS.zaloOAuth}`, graphApiBase: `${base()}${SIMULATOR_PATHS.graph}` }),
    store,
    close: async () => {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
