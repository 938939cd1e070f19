import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { TaskAction } from '../../db/types';

/** The SQL of collaborator tasks as staff see them: tasks within reach of a set of branches, and who did them. */

export interface StaffTask {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly postUrl: string;
  readonly actions: readonly TaskAction[];
  readonly unitId: string | null;
  readonly unitName: string | null;
  readonly deadline: Date;
  readonly status: 'open' | 'closed';
  readonly createdAt: Date;
  /** Completions by members of the branches asked about. */
  readonly completions: number;
}

export interface TaskCompletionRow {
  readonly memberId: string;
  readonly fullName: string | null;
  readonly branchName: string | null;
  readonly linkUrl: string | null;
  readonly completedAt: Date;
}

const ids = (list: readonly string[]) => sql`${[...list]}::uuid[]`;

/**
 * Tasks that reach the branches (null: every task): for the whole district, for one of the
 * branches, or for the cluster above one of them. Newest deadline first.
 */
export async function listTasksReaching(db: Db | Tx, branchIds: readonly string[] | null, limit: number, taskId?: string): Promise<StaffTask[]> {
  let query = db
    .selectFrom('tasks as t')
    .leftJoin('units as u', 'u.id', 't.unit_id')
    .select(['t.id', 't.title', 't.description', 't.post_url', 't.actions', 't.unit_id', 'u.name as unit_name', 't.deadline', 't.status', 't.created_at'])
    .select((eb) =>
      eb
        .selectFrom('task_completions as c')
        .innerJoin('members as m', 'm.id', 'c.member_id')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('c.task_id', '=', 't.id')
        .where(branchIds === null ? sql<boolean>`true` : sql<boolean>`m.branch_id = any(${ids(branchIds)})`)
        .as('completions'),
    );
  if (branchIds !== null) {
    query = query.where((eb) =>
      eb.or([
        eb('t.unit_id', 'is', null),
        eb('u.level', '=', 'district'),
        sql<boolean>`t.unit_id = any(${ids(branchIds)})`,
        sql<boolean>`t.unit_id in (select b.parent_id from units b where b.id = any(${ids(branchIds)}))`,
      ]),
    );
  }
  if (taskId !== undefined) query = query.where('t.id', '=', taskId);
  const rows = await query.orderBy('t.deadline', 'desc').orderBy('t.id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    postUrl: r.post_url,
    actions: r.actions,
    unitId: r.unit_id,
    unitName: r.unit_name,
    deadline: r.deadline,
    status: r.status,
    createdAt: r.created_at,
    completions: Number(r.completions ?? 0),
  }));
}

/** Who marked the task done, among members of the branches (null: everyone), latest first. */
export async function listTaskCompletions(db: Db | Tx, taskId: string, branchIds: readonly string[] | null): Promise<TaskCompletionRow[]> {
  let query = db
    .selectFrom('task_completions as c')
    .innerJoin('members as m', 'm.id', 'c.member_id')
    .leftJoin('units as b', 'b.id', 'm.branch_id')
    .select(['c.member_id', 'm.full_name', 'b.name as branch_name', 'c.link_url', 'c.completed_at'])
    .where('c.task_id', '=', taskId);
  if (branchIds !== null) query = query.where(sql<boolean>`m.branch_id = any(${ids(branchIds)})`);
  const rows = await query.orderBy('c.completed_at', 'desc').limit(2000).execute();
  return rows.map((r) => ({ memberId: r.member_id, fullName: r.full_name, branchName: r.branch_name, linkUrl: r.link_url, completedAt: r.completed_at }));
}

export interface NewStaffTask {
  readonly title: string;
  readonly description: string;
  readonly postUrl: string;
  readonly actions: readonly TaskAction[];
  readonly unitId: string | null;
  readonly deadline: Date;
  readonly staffUserId: string;
}

export async function insertStaffTask(db: Db | Tx, task: NewStaffTask): Promise<string> {
  const row = await db
    .insertInto('tasks')
    .values({ title: task.title, description: task.description, post_url: task.postUrl, actions: [...task.actions], unit_id: task.unitId, deadline: task.deadline, created_by_staff_id: task.staffUserId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
