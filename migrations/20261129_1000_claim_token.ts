import type { Kysely } from 'kysely';

/**
 * deliveries.claim_token: the random token of the claim call that last moved the row to 'sending'
 * (deliveries.repository.ts, "Claim tokens"). A retry of that same call, after a connection lost
 * the answer of a claim PostgreSQL had committed, takes back the rows 'sending' under its token
 * instead of passing them by (RELIABILITY.md, Faults). Nullable, no default: adding it rewrites
 * nothing, and rows claimed before it keep null, which no call's token equals. No index: every
 * statement that reads it also names the rows by id (the primary key).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('claim_token', 'uuid').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('claim_token').execute();
}
