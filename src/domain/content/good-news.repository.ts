import type { Db, Tx } from '../../db/database';

export interface NewGoodNews {
  readonly memberId: string;
  readonly title: string;
  readonly body: string;
  readonly linkUrl: string | null;
}

/** A member's good news, waiting for staff review (approval 'pending'). */
export async function insertGoodNews(db: Db | Tx, item: NewGoodNews): Promise<string> {
  const row = await db
    .insertInto('content_items')
    .values({ kind: 'goodNews', title: item.title, body: item.body, link_url: item.linkUrl, approval: 'pending', submitted_by_member_id: item.memberId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
