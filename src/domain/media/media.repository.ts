import type { Db, Tx } from '../../db/database';

/** The only SQL for `media_images`: proof images, stored once per SHA-256. */

export interface StoredImage {
  readonly sha256: string;
  readonly mime: string;
  readonly bytes: number;
  readonly data: Buffer;
}

/** Stores an image unless its hash is already stored (the same bytes: nothing to change). */
export async function storeImageOnce(db: Db | Tx, image: StoredImage): Promise<void> {
  await db
    .insertInto('media_images')
    .values({ sha256: image.sha256, mime: image.mime, bytes: image.bytes, data: image.data })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

export async function findImage(db: Db | Tx, sha256: string): Promise<StoredImage | undefined> {
  return db.selectFrom('media_images').select(['sha256', 'mime', 'bytes', 'data']).where('sha256', '=', sha256).executeTakeFirst();
}
