/** A schedule context on a test database: the real broadcasts service, with the job system and the outbox recorded. */
import type { Db } from '../../../src/db/database';
import type { ChannelId, SubscriptionTopic } from '../../../src/db/types';
import { createBroadcastsService, type BroadcastJobs, type BroadcastsService } from '../../../src/domain/broadcasts/broadcasts.service';
import type { DeliveryPolicySettings } from '../../../src/domain/deliveries/delivery-policy';
import type { Outbox } from '../../../src/domain/deliveries/outbox';
import type { ScheduleContext } from '../../../src/domain/reminders/schedule-context';

export const TZ = 'Asia/Ho_Chi_Minh';

export const POLICY: DeliveryPolicySettings = {
  timeZone: TZ,
  quietHours: null,
  dailyCap: 10,
  messengerTags: { confirmedEventUpdate: false, accountUpdate: false, humanAgent: false },
  zaloPaidEnabled: true,
  zaloTemplates: {},
};

export class RecordingOutbox implements Outbox {
  readonly enqueued: number[] = [];
  async enqueue(ids: readonly number[]): Promise<void> {
    this.enqueued.push(...ids);
  }
}

export class RecordingJobs implements BroadcastJobs {
  readonly scheduled: string[] = [];
  async scheduleFanOut(id: string): Promise<void> {
    this.scheduled.push(id);
  }
  async afterCancel(): Promise<void> {}
}

export interface Harness {
  readonly ctx: ScheduleContext;
  readonly service: BroadcastsService;
  readonly outbox: RecordingOutbox;
  readonly jobs: RecordingJobs;
}

export function harness(db: Db): Harness {
  const outbox = new RecordingOutbox();
  const jobs = new RecordingJobs();
  const service = createBroadcastsService({ db, outbox: new RecordingOutbox(), jobs, policy: POLICY });
  return { ctx: { db, outbox, broadcasts: service, timeZone: TZ }, service, outbox, jobs };
}

export const at = (local: string) => new Date(`${local}+07:00`);

let seq = 0;

/** A chat identity of a member (or of nobody), written to an hour before `lastInboundAt`, with its topics and registration consent. */
export async function anIdentity(
  db: Db,
  memberId: string | null,
  f: { channel?: ChannelId; topics?: readonly SubscriptionTopic[]; consent?: boolean; lastInboundAt?: Date } = {},
): Promise<string> {
  seq += 1;
  const row = await db
    .insertInto('channel_identities')
    .values({ channel: f.channel ?? 'zalo', platform_user_id: `sch-${process.pid}-${seq}`, member_id: memberId, last_inbound_at: f.lastInboundAt ?? new Date(), follow_state: 'following' })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const topic of f.topics ?? []) await db.insertInto('subscriptions').values({ identity_id: row.id, topic }).execute();
  if (f.consent !== false && memberId !== null) {
    await db.insertInto('consents').values({ identity_id: row.id, member_id: memberId, purpose: 'registration', granted: true, notice_version: 't' }).execute();
  }
  return row.id;
}

/** Deliveries by idempotency key prefix, with their identity and text. */
export async function deliveriesLike(db: Db, prefix: string): Promise<{ key: string; identityId: string; purpose: string; text: string }[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['idempotency_key', 'identity_id', 'purpose', 'payload'])
    .where('idempotency_key', 'like', `${prefix}%`)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ key: r.idempotency_key, identityId: r.identity_id, purpose: r.purpose, text: String((r.payload as { text?: string }).text ?? '') }));
}
