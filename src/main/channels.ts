import type { Redis } from 'ioredis';
import { ZaloAdapter, MessengerAdapter, type PlatformBotAdapter } from '../bot/platform-bot.adapter';
import type { ChannelSender, ChannelWebhook, PlatformChannel } from '../channels/channel';
import { MessengerClient } from '../channels/messenger/messenger.client';
import { MessengerSender } from '../channels/messenger/messenger.sender';
import { MessengerWebhook, verifyMessengerSubscription } from '../channels/messenger/messenger.webhook';
import { createSimulator, type Simulator } from '../channels/simulator';
import { ZaloClient } from '../channels/zalo/zalo.client';
import { ZaloSender } from '../channels/zalo/zalo.sender';
import { ZaloTokenManager, type ZaloAccessTokenSource } from '../channels/zalo/zalo.token';
import { ZaloWebhook } from '../channels/zalo/zalo.webhook';
import type { Config } from '../config/config';
import type { Db } from '../db/database';
import { persistentMenuItems } from '../dialogs/menu';
import type { Logger } from '../logging/logger';

/** Everything of the channels the process wires: inbound checks, outbound senders, bot adapters. */
export interface Channels {
  readonly webhooks: Partial<Record<PlatformChannel, ChannelWebhook>>;
  readonly senders: Partial<Record<PlatformChannel, ChannelSender>>;
  readonly adapters: Partial<Record<PlatformChannel, PlatformBotAdapter>>;
  /** Which channels are stood in by the simulator (and not the real platform). */
  readonly simulated: readonly PlatformChannel[];
  readonly simulator: Simulator | undefined;
  readonly verifyMessengerSubscription: (query: Record<string, unknown>) => { ok: true; challenge: string } | { ok: false };
  /** Sets the Page's Get Started button, greeting and persistent menu (Messenger shows none until they are set). */
  setUpProfiles(): Promise<void>;
  close(): Promise<void>;
}

/** The payload of Messenger's Get Started button; the bot greets, then asks for consent (or shows the menu) on it. */
export const GET_STARTED_PAYLOAD = 'GET_STARTED';
const MESSENGER_GREETING = 'Chào bạn! Đây là kênh “Vùng Xanh” của Đoàn Thanh niên: cùng tham gia các đợt hoạt động và lan tỏa điều tốt đẹp trên mạng nhé.';

export interface ChannelsDeps {
  readonly config: Config;
  readonly db: Db;
  readonly redis: Redis;
  readonly logger: Logger;
  /** The app's own address, where the simulator's stand-ins and webhooks live. */
  readonly selfBaseUrl: () => string;
}

/** The simulator's token never expires and is never stored: switching to a real OA later finds no stale row. */
function staticToken(token: string): ZaloAccessTokenSource {
  const result = { ok: true as const, token };
  return { getAccessToken: async () => result, refreshAfterRejection: async () => result };
}

/**
 * Builds each channel that is configured, and, when the simulator is on, stands in for each one
 * that is not: its webhook checks the simulator's signatures and its client talks to the
 * simulator's stand-in of the platform API, so the simulated path is the real path.
 */
export function buildChannels(deps: ChannelsDeps): Channels {
  const { config, logger } = deps;
  const simulator = config.simulator ? createSimulator({ selfBaseUrl: deps.selfBaseUrl, logger }) : undefined;
  const simulated: PlatformChannel[] = [];
  const webhooks: Channels['webhooks'] = {};
  const senders: Channels['senders'] = {};
  const closers: (() => Promise<void>)[] = [];

  const zaloSim = !config.zalo.configured && simulator ? simulator.credentials.zalo : undefined;
  if (config.zalo.configured || zaloSim) {
    if (zaloSim) simulated.push('zalo');
    const zalo = zaloSim
      ? { appId: zaloSim.appId, oaSecretKey: zaloSim.oaSecretKey, appSecret: zaloSim.appSecret, apiBase: simulator!.apiBases().zaloApiBase }
      : { appId: config.zalo.appId!, oaSecretKey: config.zalo.oaSecretKey, appSecret: config.zalo.appSecret, apiBase: config.zalo.apiBase };
    webhooks.zalo = new ZaloWebhook({ appId: zalo.appId, oaSecretKey: zalo.oaSecretKey ?? zalo.appSecret ?? '', appSecret: zalo.appSecret });
    const tokens = zaloSim
      ? staticToken(zaloSim.accessToken)
      : new ZaloTokenManager({ db: deps.db, redis: deps.redis, config: config.zalo, secretsKey: config.secretsKey, logger, keyPrefix: config.queuePrefix });
    const client = new ZaloClient({ apiBase: zalo.apiBase, tokens, logger });
    senders.zalo = new ZaloSender(client);
    closers.push(() => client.close());
    if (tokens instanceof ZaloTokenManager) closers.push(() => tokens.close());
  }

  let messengerClient: MessengerClient | undefined;
  const messengerSim = !config.messenger.configured && simulator ? simulator.credentials.messenger : undefined;
  if (config.messenger.configured || messengerSim) {
    if (messengerSim) simulated.push('messenger');
    webhooks.messenger = new MessengerWebhook({ appSecret: messengerSim?.appSecret ?? config.messenger.appSecret });
    const client = new MessengerClient({
      graphApiBase: messengerSim ? simulator!.apiBases().graphApiBase : config.messenger.graphApiBase,
      graphApiVersion: config.messenger.graphApiVersion,
      pageAccessToken: messengerSim?.pageAccessToken ?? config.messenger.pageAccessToken,
      logger,
    });
    senders.messenger = new MessengerSender(client);
    messengerClient = client;
    closers.push(() => client.close());
  }

  const verifyToken = messengerSim?.verifyToken ?? config.messenger.verifyToken;
  return {
    webhooks,
    senders,
    adapters: { zalo: new ZaloAdapter(), messenger: new MessengerAdapter() },
    simulated,
    simulator,
    verifyMessengerSubscription: (query) => verifyMessengerSubscription(query, verifyToken),
    async setUpProfiles() {
      if (!messengerClient) return;
      const outcome = await messengerClient.setMessengerProfile({
        get_started: { payload: GET_STARTED_PAYLOAD },
        greeting: [{ locale: 'default', text: MESSENGER_GREETING }],
        // The menu shows only once Get Started is set, hence one call with both.
        persistent_menu: [
          { locale: 'default', composer_input_disabled: false, call_to_actions: persistentMenuItems().map((item) => ({ type: 'postback' as const, title: item.title, payload: item.payload })) },
        ],
      });
      if (outcome.ok) logger.info({ channel: 'messenger' }, 'Get Started button, greeting and persistent menu set on the Page');
      else logger.warn({ channel: 'messenger', code: outcome.failure.code, kind: outcome.failure.kind }, 'could not set the Get Started button; the bot still answers');
    },
    async close() {
      await simulator?.close();
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
