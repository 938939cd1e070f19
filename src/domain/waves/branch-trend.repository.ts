import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';

export interface NewBranchTrend {
  readonly branchId: string;
  readonly createdByMemberId: string;
  readonly planId: string | null;
  readonly title: string;
  readonly description: string;
  readonly hashtag: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

/** The year's plan of the unit the branch belongs to (its nearest ancestor with a plan that year), if any. */
export async function findPlanAboveBranch(db: Db | Tx, branchId: string, year: number): Promise<string | undefined> {
  const row = await db
    .withRecursive('chain(id, parent_id, depth)', (qb) =>
      qb
        .selectFrom('units')
        .select(['id', 'parent_id', sql<number>`0`.as('depth')])
        .where('id', '=', branchId)
        .unionAll((u) => u.selectFrom('units as up').innerJoin('chain', 'chain.parent_id', 'up.id').select(['up.id', 'up.parent_id', sql<number>`chain.depth + 1`.as('depth')])),
    )
    .selectFrom('plans')
    .innerJoin('chain', 'chain.id', 'plans.owner_unit_id')
    .select('plans.id')
    .where('plans.year', '=', year)
    .orderBy('chain.depth')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** A branch's own trend: a wave the branch owns, a draft until staff open it. */
export async function insertBranchTrend(db: Db | Tx, trend: NewBranchTrend): Promise<string> {
  const row = await db
    .insertInto('waves')
    .values({
      plan_id: trend.planId,
      owner_unit_id: trend.branchId,
      title: trend.title,
      description: trend.description,
      action_kind: 'other',
      hashtags: [trend.hashtag],
      starts_at: trend.startsAt,
      ends_at: trend.endsAt,
      status: 'draft',
      created_by_member_id: trend.createdByMemberId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** How many trends the branch has starting in [from, to): the plan asks for at least one a year. */
export async function countBranchTrends(db: Db | Tx, branchId: string, from: Date, to: Date): Promise<number> {
  const row = await db
    .selectFrom('waves')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('owner_unit_id', '=', branchId)
    .where('status', '<>', 'cancelled')
    .where('starts_at', '>=', from)
    .where('starts_at', '<', to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
