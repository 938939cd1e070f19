import { sql } from 'kysely';
import { withTransaction, type Db, type Tx } from '../../db/database';
import type { DeliveryPurpose } from '../../db/types';
import { insertDeliveries } from '../deliveries/deliveries.repository';
import type { Outbox } from '../deliveries/outbox';
import type { OutboundMessage } from '../shared/outbound-message';
import { recordRun, setRunMessages } from './schedule-runs.repository';

/**
 * Messages to one person each (a cadre's nudge, a branch digest to its cadres): delivery rows
 * inserted directly, not a broadcast. The delivery policy decides at send time whether each goes
 * now, later or not at all; here only the purpose is chosen.
 */
export interface DirectMessage {
  readonly memberId: string;
  readonly purpose: DeliveryPurpose;
  /** Unique per message: inserting the same key again keeps the first row. */
  readonly idempotencyKey: string;
  readonly message: OutboundMessage;
  /** What it is about, for collapsing deferred ones to the newest per kind. */
  readonly topic: string;
  readonly expiresAt?: Date;
}

/**
 * Per member, the identity to write to: a reachable one first, Zalo before Messenger (cadres work
 * in Zalo, DESIGN.md), then the one used last. Members with no identity are left out.
 */
export async function preferredIdentities(db: Db | Tx, memberIds: readonly string[]): Promise<Map<string, string>> {
  if (memberIds.length === 0) return new Map();
  const { rows } = await sql<{ member_id: string; id: string }>`
    select distinct on (member_id) member_id, id
    from channel_identities
    where member_id = any(${[...new Set(memberIds)]}::uuid[])
    order by member_id, (reachability = 'reachable') desc, (channel = 'zalo') desc, last_inbound_at desc nulls last, created_at desc`.execute(db);
  return new Map(rows.map((r) => [r.member_id, r.id]));
}

export interface InsertedMessages {
  readonly deliveryIds: readonly number[];
  /** Members who have no chat identity (never wrote to the bot): nothing was inserted for them. */
  readonly withoutIdentity: readonly string[];
}

/** Inserts the messages as deliveries; run it in the caller's transaction, and enqueue the ids after it commits. */
export async function insertDirectMessages(tx: Db | Tx, messages: readonly DirectMessage[]): Promise<InsertedMessages> {
  const identities = await preferredIdentities(
    tx,
    messages.map((m) => m.memberId),
  );
  const withoutIdentity: string[] = [];
  const rows = [];
  for (const m of messages) {
    const identityId = identities.get(m.memberId);
    if (identityId === undefined) {
      withoutIdentity.push(m.memberId);
      continue;
    }
    rows.push({ identityId, purpose: m.purpose, idempotencyKey: m.idempotencyKey, message: m.message, topic: m.topic, expiresAt: m.expiresAt ?? null });
  }
  const inserted = await insertDeliveries(tx, rows);
  return { deliveryIds: inserted.map((d) => d.id), withoutIdentity };
}

export type StepOutcome = { readonly ran: false } | { readonly ran: true; readonly deliveryIds: readonly number[]; readonly withoutIdentity: readonly string[] };

/**
 * Runs a step that sends direct messages exactly once: the ledger row and the deliveries are
 * written in one transaction, so a step fired twice (a restart, two workers) inserts nothing the
 * second time. The deliveries are handed to the outbox after the commit; if that fails, the outbox
 * relay enqueues them within a minute (outbox.ts).
 */
export async function runStepOnce(
  db: Db,
  outbox: Outbox,
  step: { key: string; ranAt: Date },
  compose: (tx: Tx) => Promise<readonly DirectMessage[]>,
): Promise<StepOutcome> {
  const outcome = await withTransaction(db, async (tx): Promise<StepOutcome> => {
    if (!(await recordRun(tx, { key: step.key, ranAt: step.ranAt }))) return { ran: false };
    const inserted = await insertDirectMessages(tx, await compose(tx));
    await setRunMessages(tx, step.key, inserted.deliveryIds.length);
    return { ran: true, ...inserted };
  });
  if (outcome.ran && outcome.deliveryIds.length > 0) await outbox.enqueue(outcome.deliveryIds);
  return outcome;
}
