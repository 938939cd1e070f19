import { sql, type Kysely } from 'kysely';

/**
 * The admin web (issue 6 §1, §2): sign-in sessions, and the indexes the dashboard and the login
 * rate limit read through.
 * - admin_sessions keeps only the SHA-256 of the session id: a leaked table opens no session.
 *   A session ends when idle too long (last_seen_at) or at its absolute end (expires_at).
 * - audit_log_login_failures_idx: the per-address limit counts an address's failed sign-ins of
 *   the last minutes on every attempt.
 * - channel_identities_channel_inbound_idx: "who can each channel reach now" is a range over the
 *   last inbound message per channel.
 * - waves_owner_plan_idx: the dashboard's district waves of one plan, and the branches' trends.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('admin_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_user_id', 'uuid', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('admin_sessions_staff_idx').on('admin_sessions').column('staff_user_id').execute();
  await db.schema.createIndex('admin_sessions_expires_idx').on('admin_sessions').column('expires_at').execute();
  await db.schema.createIndex('audit_log_login_failures_idx').on('audit_log').columns(['ip', 'at']).where(sql.ref('action'), '=', 'staff.loginFailed').execute();
  await db.schema.createIndex('channel_identities_channel_inbound_idx').on('channel_identities').columns(['channel', 'last_inbound_at']).where(sql.ref('member_id'), 'is not', null).execute();
  await db.schema.createIndex('waves_owner_plan_idx').on('waves').columns(['plan_id', 'owner_unit_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('waves_owner_plan_idx').execute();
  await db.schema.dropIndex('channel_identities_channel_inbound_idx').execute();
  await db.schema.dropIndex('audit_log_login_failures_idx').execute();
  await db.schema.dropTable('admin_sessions').execute();
}
