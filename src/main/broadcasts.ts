import type { Config } from '../config/config';
import type { Db } from '../db/database';
import { createBroadcastsService, type BroadcastsService } from '../domain/broadcasts/broadcasts.service';
import type { DeliveryPolicySettings } from '../domain/deliveries/delivery-policy';
import { deliveryPolicySettingsOf } from '../domain/deliveries/delivery-policy-settings';
import { createBullMqBroadcastJobs } from '../jobs/broadcasts.processor';
import { createBroadcastOutbox } from '../jobs/broadcast-outbox';
import type { Queues } from '../jobs/queues';
import type { Logger } from '../logging/logger';

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
