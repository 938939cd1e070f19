import { Migrator, NO_MIGRATIONS, type MigrationResult, type MigrationProvider, type Migration } from 'kysely';
import { migrations } from '../../migrations';
import type { Db } from './database';

const provider: MigrationProvider = { getMigrations: async (): Promise<Record<string, Migration>> => migrations };

/**
 * Kysely's Migrator runs every batch in one transaction that first takes a PostgreSQL advisory
 * lock (`pg_advisory_xact_lock`), so two processes starting together apply each migration once.
 */
function migrator(db: Db): Migrator {
  return new Migrator({ db, provider });
}

export class MigrationError extends Error {
  constructor(message: string, readonly results: readonly MigrationResult[], cause: unknown) {
    super(message, { cause });
    this.name = 'MigrationError';
  }
}

function unwrap(label: string, outcome: { error?: unknown; results?: MigrationResult[] }): MigrationResult[] {
  const results = outcome.results ?? [];
  if (outcome.error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    throw new MigrationError(`${label} failed at ${failed}: ${reason}`, results, outcome.error);
  }
  return results;
}

export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  return unwrap('migration', await migrator(db).migrateToLatest());
}

export async function migrateDown(db: Db): Promise<MigrationResult[]> {
  return unwrap('migration down', await migrator(db).migrateDown());
}

/** Undoes every migration (tests and `npm run migrate -- --reset` only). */
export async function migrateToEmpty(db: Db): Promise<MigrationResult[]> {
  return unwrap('migration to empty', await migrator(db).migrateTo(NO_MIGRATIONS));
}

export function migrationNames(): string[] {
  return Object.keys(migrations).sort();
}
