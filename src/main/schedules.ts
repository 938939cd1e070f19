import type { Config } from '../config/config';
import type { Db } from '../db/database';
import type { BroadcastsPort } from '../domain/broadcasts/broadcast.types';
import type { ScheduleContext } from '../domain/reminders/schedule-context';
import { createBullMqOutbox } from '../jobs/outbox.bullmq';
import type { Queues } from '../jobs/queues';
import type { Logger } from '../logging/logger';

/** What the schedules worker needs: broadcasts for messages to many, the outbox for messages to one. */
export function buildScheduleContext(w: { config: Config; db: Db; queues: Queues; logger: Logger; broadcasts: BroadcastsPort }): ScheduleContext {
  return {
    db: w.db,
    outbox: createBullMqOutbox({ db: w.db, queues: w.queues, logger: w.logger }),
    broadcasts: w.broadcasts,
    timeZone: w.config.timezone,
  };
}
