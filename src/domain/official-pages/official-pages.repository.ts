import type { Insertable } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { OfficialPagePlatform, OfficialPagesTable } from '../../db/types';

export interface OfficialPage {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly platform: OfficialPagePlatform;
  readonly description: string;
  readonly isExample: boolean;
}

/** The pages members see, in the order staff set. */
export async function listActiveOfficialPages(db: Db | Tx): Promise<OfficialPage[]> {
  const rows = await db
    .selectFrom('official_pages')
    .select(['id', 'title', 'url', 'platform', 'description', 'is_example'])
    .where('active', '=', true)
    .orderBy('sort_order')
    .orderBy('title')
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, url: r.url, platform: r.platform, description: r.description, isExample: r.is_example }));
}

/** Inserts a seeded page unless its seed key exists (staff may have edited it since); true when inserted. */
export async function insertOfficialPageIfAbsent(db: Db | Tx, page: Insertable<OfficialPagesTable> & { seed_key: string }): Promise<boolean> {
  const row = await db.insertInto('official_pages').values(page).onConflict((oc) => oc.column('seed_key').doNothing()).returning('id').executeTakeFirst();
  return row !== undefined;
}
