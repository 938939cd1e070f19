import type { Db } from '../../db/database';

/** The Zalo row of `channel_tokens`, still sealed (token-crypto.ts). */
export interface ZaloTokenRow {
  readonly accessTokenEnc: string;
  readonly refreshTokenEnc: string | null;
  readonly accessExpiresAt: Date | null;
  readonly version: number;
}

export async function readZaloTokenRow(db: Db): Promise<ZaloTokenRow | undefined> {
  const row = await db
    .selectFrom('channel_tokens')
    .select(['access_token_enc', 'refresh_token_enc', 'access_expires_at', 'version'])
    .where('channel', '=', 'zalo')
    .executeTakeFirst();
  if (!row) return undefined;
  return { accessTokenEnc: row.access_token_enc, refreshTokenEnc: row.refresh_token_enc, accessExpiresAt: row.access_expires_at, version: row.version };
}

/** The first row, from settings; a row already there (another process seeded it) wins. */
export async function seedZaloTokenRow(db: Db, values: { accessTokenEnc: string; refreshTokenEnc: string | null; accessExpiresAt: Date }): Promise<void> {
  await db
    .insertInto('channel_tokens')
    .values({ channel: 'zalo', access_token_enc: values.accessTokenEnc, refresh_token_enc: values.refreshTokenEnc, access_expires_at: values.accessExpiresAt })
    .onConflict((oc) => oc.column('channel').doNothing())
    .execute();
}

/** Stores a rotated pair and bumps the version; returns the new version. */
export async function writeRotatedZaloTokens(
  db: Db,
  values: { accessTokenEnc: string; refreshTokenEnc: string | null; accessExpiresAt: Date; refreshedAt: Date },
): Promise<number> {
  const row = await db
    .updateTable('channel_tokens')
    .set((eb) => ({
      access_token_enc: values.accessTokenEnc,
      refresh_token_enc: values.refreshTokenEnc,
      access_expires_at: values.accessExpiresAt,
      refreshed_at: values.refreshedAt,
      updated_at: values.refreshedAt,
      version: eb('version', '+', 1),
    }))
    .where('channel', '=', 'zalo')
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

/**
 * Zalo refused the refresh token: it is dropped, so no process tries it again (an OA admin must
 * re-authorise). `expireAccessNow` also ends the access token when Zalo had rejected it. Applies
 * only while the row still is at `version`; false when another process rotated meanwhile.
 */
export async function markZaloRefreshRefused(db: Db, version: number, at: Date, expireAccessNow: boolean): Promise<boolean> {
  const result = await db
    .updateTable('channel_tokens')
    .set({ refresh_token_enc: null, updated_at: at, ...(expireAccessNow ? { access_expires_at: at } : {}) })
    .where('channel', '=', 'zalo')
    .where('version', '=', version)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
