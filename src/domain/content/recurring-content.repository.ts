import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { ContentKind } from '../../db/types';

/** The SQL of the recurring content: the teaching of the week, the items of the day, what was sent. */

export interface ContentPiece {
  readonly id: string;
  readonly kind: ContentKind;
  readonly title: string | null;
  readonly body: string;
  readonly linkUrl: string | null;
  readonly source: string | null;
  readonly timesSent: number;
  readonly lastSentAt: Date | null;
}

const COLUMNS = ['id', 'kind', 'title', 'body', 'link_url', 'source', 'times_sent', 'last_sent_at'] as const;

function pieceOf(r: { id: string; kind: ContentKind; title: string | null; body: string; link_url: string | null; source: string | null; times_sent: number; last_sent_at: Date | null }): ContentPiece {
  return { id: r.id, kind: r.kind, title: r.title, body: r.body, linkUrl: r.link_url, source: r.source, timesSent: r.times_sent, lastSentAt: r.last_sent_at };
}

/**
 * The approved teaching to send next: one never sent first (oldest first), and once every one has
 * been sent, the least recently sent. So the library rotates without a repeat until it is
 * exhausted, and a teaching approved later joins the rotation at once.
 */
export async function nextTeaching(db: Db | Tx): Promise<ContentPiece | undefined> {
  const row = await db
    .selectFrom('content_items')
    .select([...COLUMNS])
    .where('kind', '=', 'uncleHoTeaching')
    .where('approval', '=', 'approved')
    .where('source', 'is not', null)
    .orderBy(sql`last_sent_at asc nulls first`)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row && pieceOf(row);
}

export async function findContentPiece(db: Db | Tx, id: string): Promise<ContentPiece | undefined> {
  const row = await db.selectFrom('content_items').select([...COLUMNS]).where('id', '=', id).executeTakeFirst();
  return row && pieceOf(row);
}

/** Approved items of `kind` scheduled for the local day `day` (YYYY-MM-DD), oldest first. */
export async function itemsScheduledOn(db: Db | Tx, kind: ContentKind, day: string): Promise<ContentPiece[]> {
  const rows = await db
    .selectFrom('content_items')
    .select([...COLUMNS])
    .where('kind', '=', kind)
    .where('approval', '=', 'approved')
    .where('scheduled_on', '=', day)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(pieceOf);
}

/** Counts a send of the item at `sentAt`; sending the same occurrence again (same instant) counts nothing. */
export async function markContentSent(db: Db | Tx, id: string, sentAt: Date): Promise<void> {
  await db
    .updateTable('content_items')
    .set({ times_sent: sql<number>`times_sent + 1`, last_sent_at: sentAt, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_sent_at', 'is', null), eb('last_sent_at', '<', sentAt)]))
    .execute();
}
