import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { TaskAction } from '../../db/types';

export interface OpenTask {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly postUrl: string;
  readonly actions: readonly TaskAction[];
  readonly deadline: Date;
}

/**
 * The open tasks a collaborator of `branchId` may do at `now`: still open, deadline ahead, and
 * meant for everyone (no unit) or for the branch or a unit above it. Soonest deadline first.
 */
function tasksFor(db: Db | Tx, branchId: string | null, now: Date) {
  return db
    .withRecursive('above(id, parent_id)', (qb) =>
      qb
        .selectFrom('units')
        .select(['id', 'parent_id'])
        .where('id', '=', branchId ?? sql<string>`null::uuid`)
        .unionAll((u) => u.selectFrom('units as up').innerJoin('above', 'above.parent_id', 'up.id').select(['up.id', 'up.parent_id'])),
    )
    .selectFrom('tasks as t')
    .where('t.status', '=', 'open')
    .where('t.deadline', '>', now)
    .where((eb) => eb.or([eb('t.unit_id', 'is', null), eb('t.unit_id', 'in', eb.selectFrom('above').select('above.id'))]));
}

function notDoneBy(memberId: string) {
  return sql<boolean>`not exists (select 1 from task_completions c where c.task_id = t.id and c.member_id = ${memberId})`;
}

/** The tasks this member has still to do, soonest deadline first. */
export async function listTasksToDo(db: Db | Tx, memberId: string, branchId: string | null, now: Date, limit: number): Promise<OpenTask[]> {
  const rows = await tasksFor(db, branchId, now)
    .select(['t.id', 't.title', 't.description', 't.post_url', 't.actions', 't.deadline'])
    .where(notDoneBy(memberId))
    .orderBy('t.deadline')
    .orderBy('t.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, description: r.description, postUrl: r.post_url, actions: r.actions, deadline: r.deadline }));
}

export async function countTasksToDo(db: Db | Tx, memberId: string, branchId: string | null, now: Date): Promise<number> {
  const row = await tasksFor(db, branchId, now)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(notDoneBy(memberId))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the task is one this member may still mark done at `now`. */
export async function isTaskOpenFor(db: Db | Tx, taskId: string, branchId: string | null, now: Date): Promise<boolean> {
  const row = await tasksFor(db, branchId, now).select('t.id').where('t.id', '=', taskId).executeTakeFirst();
  return row !== undefined;
}

/** Records the completion once: false when the member had already marked it done. */
export async function insertTaskCompletion(db: Db | Tx, taskId: string, memberId: string, linkUrl: string | null, at: Date): Promise<boolean> {
  const rows = await db
    .insertInto('task_completions')
    .values({ task_id: taskId, member_id: memberId, link_url: linkUrl, completed_at: at })
    .onConflict((oc) => oc.columns(['task_id', 'member_id']).doNothing())
    .returning('task_id')
    .execute();
  return rows.length > 0;
}

export interface NewTask {
  readonly title: string;
  readonly description: string;
  readonly postUrl: string;
  readonly actions: readonly TaskAction[];
  readonly unitId: string | null;
  readonly deadline: Date;
}

/** Inserts the task unless an open one with the same title and post is already there; the new id, or undefined. */
export async function insertTaskIfAbsent(db: Db | Tx, task: NewTask): Promise<string | undefined> {
  const existing = await db.selectFrom('tasks').select('id').where('title', '=', task.title).where('post_url', '=', task.postUrl).where('status', '=', 'open').executeTakeFirst();
  if (existing) return undefined;
  const row = await db
    .insertInto('tasks')
    .values({ title: task.title, description: task.description, post_url: task.postUrl, actions: [...task.actions], unit_id: task.unitId, deadline: task.deadline })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
