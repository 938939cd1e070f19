import { sql } from 'kysely';
import type { Db } from '../../db/database';
import type { BroadcastStatus, DeliveryPurpose } from '../../db/types';
import type { StaffScope } from './broadcast.types';

export interface BroadcastListItem {
  readonly id: string;
  readonly purpose: DeliveryPurpose;
  readonly title: string | null;
  readonly text: string;
  readonly status: BroadcastStatus;
  readonly audience: Record<string, unknown>;
  readonly sendAt: Date | null;
  readonly createdAt: Date;
  readonly createdBy: string | null;
}

/**
 * The latest broadcasts a staff member may see, by the rule BroadcastsPort.figures applies: the
 * whole district sees all; others only broadcasts made within branches that are all theirs.
 */
export async function listBroadcastsInScope(db: Db, scope: StaffScope, limit: number): Promise<BroadcastListItem[]> {
  let query = db
    .selectFrom('broadcasts as b')
    .leftJoin('staff_users as s', 's.id', 'b.created_by_staff_id')
    .select(['b.id', 'b.purpose', 'b.title', 'b.text', 'b.status', 'b.audience', 'b.send_at', 'b.created_at', 's.username'])
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(limit);
  if (scope !== null) {
    query = query.where('b.scope_branch_ids', 'is not', null).where(sql<boolean>`b.scope_branch_ids <@ ${JSON.stringify(scope.branchIds)}::jsonb`);
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose,
    title: r.title,
    text: r.text,
    status: r.status,
    audience: r.audience as Record<string, unknown>,
    sendAt: r.send_at,
    createdAt: r.created_at,
    createdBy: r.username,
  }));
}
