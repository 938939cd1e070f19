import { sql, type Kysely } from 'kysely';

/** Units (the district, its clusters and branches), members, their consents and channel identities, staff. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('units')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('parent_id', 'uuid', (c) => c.references('units.id').onDelete('restrict'))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('district', 'cluster', 'branch')`))
    .addColumn('kind', 'text', (c) => c.check(sql`kind in ('ward', 'school', 'enterprise', 'agency', 'other')`))
    .addColumn('code', 'text', (c) => c.notNull().unique().check(sql`code ~ '^[a-z0-9][a-z0-9-]{0,62}$'`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(btrim(name)) between 1 and 200`))
    .addColumn('is_example', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A branch has a kind and nothing else does; only the district has no parent.
    .addCheckConstraint('units_kind_only_for_branches', sql`(level = 'branch') = (kind is not null)`)
    .addCheckConstraint('units_root_is_district', sql`(level = 'district') = (parent_id is null)`)
    .execute();
  await db.schema.createIndex('units_parent_idx').on('units').column('parent_id').execute();
  await db.schema.createIndex('units_parent_name_key').on('units').columns(['parent_id', 'name']).unique().execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('full_name', 'text', (c) => c.check(sql`length(btrim(full_name)) between 1 and 120`))
    .addColumn('phone', 'text', (c) => c.check(sql`phone ~ '^\\+84[35789][0-9]{8}$'`))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('cadre', 'member', 'youth')`))
    .addColumn('branch_id', 'uuid', (c) => c.references('units.id').onDelete('restrict'))
    .addColumn('is_collaborator', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_theory_club', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'verified', 'left', 'erased')`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('roster', 'chat', 'admin')`))
    .addColumn('verified_by', 'text', (c) => c.check(sql`verified_by in ('roster', 'cadre', 'staff')`))
    .addColumn('verified_at', 'timestamptz')
    // What a member typed when no branch matched ("không thấy đơn vị"), for staff to place them.
    .addColumn('unmatched_branch_note', 'text', (c) => c.check(sql`length(unmatched_branch_note) <= 500`))
    .addColumn('erased_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('members_verified_has_time', sql`(status = 'verified') <= (verified_at is not null)`)
    .addCheckConstraint('members_erased_has_no_personal_data', sql`status <> 'erased' or (full_name is null and phone is null and erased_at is not null)`)
    .addCheckConstraint('members_active_has_name', sql`status = 'erased' or full_name is not null`)
    .execute();
  await db.schema.createIndex('members_phone_key').on('members').column('phone').unique().where('phone', 'is not', null).execute();
  // The participation report counts members by branch, role and status.
  await db.schema.createIndex('members_branch_role_status_idx').on('members').columns(['branch_id', 'role', 'status']).execute();

  await db.schema
    .createTable('channel_identities')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('zalo', 'messenger', 'simulator')`))
    // Platform ids stay text end to end: Zalo ids exceed 2^53.
    .addColumn('platform_user_id', 'text', (c) => c.notNull().check(sql`length(platform_user_id) between 1 and 128`))
    .addColumn('member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('display_name', 'text')
    .addColumn('profile_fetched_at', 'timestamptz')
    // The window clock of the delivery policy: the member's last inbound action.
    .addColumn('last_inbound_at', 'timestamptz')
    // Set when the platform says the messaging window is closed, whatever our clock says.
    .addColumn('window_closed_at', 'timestamptz')
    .addColumn('follow_state', 'text', (c) => c.notNull().defaultTo('unknown').check(sql`follow_state in ('following', 'unfollowed', 'unknown')`))
    .addColumn('reachability', 'text', (c) => c.notNull().defaultTo('reachable').check(sql`reachability in ('reachable', 'unreachable')`))
    .addColumn('unreachable_reason', 'text')
    .addColumn('unreachable_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('channel_identities_channel_user_key', ['channel', 'platform_user_id'])
    .addCheckConstraint('channel_identities_unreachable_has_reason', sql`(reachability = 'unreachable') = (unreachable_reason is not null)`)
    .execute();
  await db.schema.createIndex('channel_identities_member_idx').on('channel_identities').column('member_id').execute();

  await db.schema
    .createTable('consents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Consent is asked before anything personal is stored, so it may precede the member row.
    .addColumn('identity_id', 'uuid', (c) => c.references('channel_identities.id').onDelete('set null'))
    .addColumn('member_id', 'uuid', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('registration', 'proofImages', 'subscriptions')`))
    .addColumn('granted', 'boolean', (c) => c.notNull())
    .addColumn('notice_version', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('consents_has_subject', sql`identity_id is not null or member_id is not null`)
    .execute();
  await db.schema.createIndex('consents_member_idx').on('consents').columns(['member_id', 'purpose', 'recorded_at']).execute();
  await db.schema.createIndex('consents_identity_idx').on('consents').columns(['identity_id', 'purpose', 'recorded_at']).execute();

  await db.schema
    .createTable('staff_users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('username', 'text', (c) => c.notNull().check(sql`username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'`))
    .addColumn('display_name', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('districtAdmin', 'districtStaff', 'branchCadre')`))
    .addColumn('branch_id', 'uuid', (c) => c.references('units.id').onDelete('restrict'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_login_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('staff_users_username_key', ['username'])
    .addCheckConstraint('staff_users_cadre_has_branch', sql`(role = 'branchCadre') = (branch_id is not null)`)
    .execute();

  // The clusters (khu vực phụ trách) a districtStaff user looks after.
  await db.schema
    .createTable('staff_user_clusters')
    .addColumn('staff_user_id', 'uuid', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
    .addColumn('cluster_id', 'uuid', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('staff_user_clusters_pkey', ['staff_user_id', 'cluster_id'])
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('staff_user_id', 'uuid', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
    // Only a hash is kept: the token itself is shown once, when it is made.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['api_tokens', 'staff_user_clusters', 'staff_users', 'consents', 'channel_identities', 'members', 'units']) {
    await db.schema.dropTable(table).execute();
  }
}
