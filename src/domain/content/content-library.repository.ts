import type { Db, Tx } from '../../db/database';
import type { ContentKind, ReviewState } from '../../db/types';

/** The SQL of the content library as staff manage it (Nội dung): list, read, add, edit, decide. */

export interface ContentItem {
  readonly id: string;
  readonly kind: ContentKind;
  readonly title: string | null;
  readonly body: string;
  readonly linkUrl: string | null;
  readonly source: string | null;
  /** YYYY-MM-DD, the local day it is sent on. */
  readonly scheduledOn: string | null;
  readonly approval: ReviewState;
  readonly submittedByMemberId: string | null;
  readonly submitterName: string | null;
  /** The submitting member's branch (members' good news), for the scope. */
  readonly submitterBranchId: string | null;
  readonly timesSent: number;
  readonly createdAt: Date;
}

export interface ContentFields {
  readonly title: string | null;
  readonly body: string;
  readonly linkUrl: string | null;
  readonly source: string | null;
  readonly scheduledOn: string | null;
}

export interface ContentFilter {
  readonly kind: ContentKind;
  readonly approval?: ReviewState;
  /** Null: every submitter; otherwise staff-made items and members' items from these branches. */
  readonly submitterBranchIds: readonly string[] | null;
  readonly limit: number;
  readonly offset: number;
}

function base(db: Db | Tx) {
  return db
    .selectFrom('content_items as c')
    .leftJoin('members as m', 'm.id', 'c.submitted_by_member_id')
    .select(['c.id', 'c.kind', 'c.title', 'c.body', 'c.link_url', 'c.source', 'c.scheduled_on', 'c.approval', 'c.submitted_by_member_id', 'm.full_name', 'm.branch_id', 'c.times_sent', 'c.created_at']);
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;

function itemOf(r: Row): ContentItem {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    linkUrl: r.link_url,
    source: r.source,
    scheduledOn: r.scheduled_on === null ? null : String(r.scheduled_on).slice(0, 10),
    approval: r.approval,
    submittedByMemberId: r.submitted_by_member_id,
    submitterName: r.full_name,
    submitterBranchId: r.branch_id,
    timesSent: r.times_sent,
    createdAt: r.created_at,
  };
}

function filtered(db: Db | Tx, filter: Omit<ContentFilter, 'limit' | 'offset'>) {
  let query = base(db).where('c.kind', '=', filter.kind);
  if (filter.approval) query = query.where('c.approval', '=', filter.approval);
  const branches = filter.submitterBranchIds;
  if (branches !== null) {
    query = query.where((eb) =>
      eb.or([eb('c.submitted_by_member_id', 'is', null), ...(branches.length > 0 ? [eb('m.branch_id', 'in', [...branches])] : [])]),
    );
  }
  return query;
}

/** A page of the items, waiting ones first, then the newest; and how many there are in all. */
export async function listContentItems(db: Db | Tx, filter: ContentFilter): Promise<{ items: ContentItem[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(db, filter)
      .orderBy((eb) => eb.case().when('c.approval', '=', 'pending').then(0).else(1).end())
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    filtered(db, filter).clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(itemOf), total: Number(count.n) };
}

export async function findContentItem(db: Db | Tx, id: string): Promise<ContentItem | undefined> {
  const row = await base(db).where('c.id', '=', id).executeTakeFirst();
  return row && itemOf(row);
}

export async function insertContentItem(db: Db | Tx, kind: ContentKind, fields: ContentFields, staffUserId: string): Promise<string> {
  const row = await db
    .insertInto('content_items')
    .values({ kind, title: fields.title, body: fields.body, link_url: fields.linkUrl, source: fields.source, scheduled_on: fields.scheduledOn, approval: 'pending', created_by_staff_id: staffUserId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateContentItem(db: Db | Tx, id: string, fields: ContentFields, at: Date): Promise<void> {
  await db
    .updateTable('content_items')
    .set({ title: fields.title, body: fields.body, link_url: fields.linkUrl, source: fields.source, scheduled_on: fields.scheduledOn, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Sets the decision; approving a teaching requires a source in the same statement, so no race lets one through without. */
export async function setContentApproval(db: Db | Tx, id: string, approval: 'approved' | 'rejected', staffUserId: string, at: Date): Promise<boolean> {
  let query = db
    .updateTable('content_items')
    .set({ approval, approved_by_staff_id: approval === 'approved' ? staffUserId : null, approved_at: approval === 'approved' ? at : null, updated_at: at })
    .where('id', '=', id);
  if (approval === 'approved') query = query.where((eb) => eb.or([eb('kind', '<>', 'uncleHoTeaching'), eb.and([eb('source', 'is not', null), eb('source', '<>', '')])]));
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
