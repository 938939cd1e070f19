import type { Config } from '../config/config';
import type { Db } from '../db/database';
import { createBroadcastsService, type BroadcastsService } from '../domain/broadcasts/broadcasts.service';
import type { DeliveryPolicySettings } from '../domain/deliveries/delivery-policy';
import { createBullMqBroadcastJobs } from '../jobs/broadcasts.processor';
import { createBroadcastOutbox } from '../jobs/broadcast-outbox';
import type { Queues } from '../jobs/queues';
import type { Logger } from '../logging/logger';

/** Proactive messages one member may get per local day, until the settings say otherwise. */
const DEFAULT_DAILY_CAP = 3;

/**
 * The delivery policy's settings as far as the configuration has them today: quiet hours and the
 * time zone. Messenger tags, paid Zalo sending and templates are off until they are configured
 * (the conservative choice: a message waits rather than costs or breaks a platform rule).
 */
export function deliveryPolicySettingsOf(config: Config): DeliveryPolicySettings {
  return {
    timeZone: config.timezone,
    quietHours: config.quietHours,
    dailyCap: DEFAULT_DAILY_CAP,
    messengerTags: { confirmedEventUpdate: false, accountUpdate: false, humanAgent: false },
    zaloPaidEnabled: false,
    zaloTemplates: {},
  };
}

export interface BroadcastsWiring {
  readonly config: Config;
  readonly db: Db;
  readonly queues: Queues;
  readonly logger: Logger;
  readonly policy?: DeliveryPolicySettings;
}

/** The broadcasts service (BroadcastsPort for the API and the schedules; fan-out for the worker). */
export function buildBroadcasts(w: BroadcastsWiring): BroadcastsService {
  return createBroadcastsService({
    db: w.db,
    outbox: createBroadcastOutbox({ db: w.db, queues: w.queues, logger: w.logger }),
    jobs: createBullMqBroadcastJobs(w.queues),
    policy: w.policy ?? deliveryPolicySettingsOf(w.config),
  });
}
