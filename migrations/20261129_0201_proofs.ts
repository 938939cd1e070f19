import { sql, type Kysely } from 'kysely';

/**
 * Proofs as members send them: an image arrives as a platform URL that expires, so the proof is
 * recorded at once as awaiting its image and a job downloads it after the turn commits; the bytes
 * are kept once per SHA-256 in `media_images`. A reused screenshot points at the earlier proof of
 * another member for the reviewer; a confirmed hashtag is recorded on the proof.
 *
 * The bytes live in PostgreSQL (bytea) rather than a directory: they commit with the proof that
 * names them, every process (api and workers on different machines) reads them without a shared
 * disk, backups hold them, and erasure deletes them in the same transaction as the proofs. Images
 * are capped at a few megabytes (PROOF_IMAGE_MAX_BYTES), well within what bytea handles.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('media_images')
    .addColumn('sha256', 'text', (c) => c.primaryKey().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('mime', 'text', (c) => c.notNull().check(sql`mime ~ '^image/[a-z0-9.+-]+$'`))
    .addColumn('bytes', 'integer', (c) => c.notNull().check(sql`bytes > 0`))
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('media_images_bytes_match', sql`octet_length(data) = bytes`)
    .execute();

  await db.schema
    .alterTable('proofs')
    // Image proofs: 'awaiting' until the download job stores the bytes, then 'stored'. Null for links.
    .addColumn('image_state', 'text', (c) => c.check(sql`image_state in ('awaiting', 'stored')`))
    // The platform's URL of the image, kept only while it awaits download (it expires anyway).
    .addColumn('image_source_url', 'text', (c) => c.check(sql`image_source_url ~ '^https?://'`))
    // The channel identity the proof came from: where "image received" goes back to.
    .addColumn('submitted_via_identity_id', 'uuid', (c) => c.references('channel_identities.id').onDelete('set null'))
    // The same image submitted earlier by another member, for the reviewer.
    .addColumn('duplicate_of_proof_id', 'uuid', (c) => c.references('proofs.id').onDelete('set null'))
    // The member confirmed the post carries the wave's required hashtag (we cannot read posts).
    .addColumn('hashtag_confirmed', 'boolean')
    .execute();
  await sql`alter table proofs drop constraint proofs_image_has_hash`.execute(db);
  await sql`
    alter table proofs
      add constraint proofs_image_state check ((kind = 'image') = (image_state is not null)),
      add constraint proofs_image_has_hash check (coalesce(image_state = 'stored', false) = (image_sha256 is not null)),
      add constraint proofs_awaiting_has_source check (image_state <> 'awaiting' or image_source_url is not null)`.execute(db);
  await db.schema.createIndex('proofs_awaiting_image_idx').on('proofs').column('submitted_at').where(sql.ref('image_state'), '=', 'awaiting').execute();
  // The rate limit counts a member's recent proofs through their participations.
  await db.schema.createIndex('proofs_participation_submitted_idx').on('proofs').columns(['participation_id', 'submitted_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('proofs_participation_submitted_idx').execute();
  await db.schema.dropIndex('proofs_awaiting_image_idx').execute();
  await sql`
    alter table proofs
      drop constraint proofs_awaiting_has_source,
      drop constraint proofs_image_has_hash,
      drop constraint proofs_image_state`.execute(db);
  await sql`delete from proofs where kind = 'image' and image_sha256 is null`.execute(db);
  await sql`alter table proofs add constraint proofs_image_has_hash check ((kind = 'image') = (image_sha256 is not null))`.execute(db);
  for (const column of ['hashtag_confirmed', 'duplicate_of_proof_id', 'submitted_via_identity_id', 'image_source_url', 'image_state']) {
    await db.schema.alterTable('proofs').dropColumn(column).execute();
  }
  await db.schema.dropTable('media_images').execute();
}
