import { CompiledQuery, PostgresDialect, Transaction, type ConnectionProvider, type DatabaseConnection } from 'kysely';
import type { Database } from '../db/types';
import type { Tx } from '../db/database';

const SAVEPOINT = 'vx_turn';

// The Transaction below only executes queries; these are never used to connect.
const UNUSED_DIALECT = new PostgresDialect({ pool: () => Promise.reject(new Error('a turn transaction has no pool of its own')) });

/**
 * The savepoints of a batch's turns (turn-pipeline.ts), taken lazily: a turn gets a view of the
 * batch's transaction that takes the turn's savepoint just before the turn's first statement, so
 * that a turn without SQL of its own (most dialog steps: their state and replies are written by
 * the batch) costs no round trip, and one with SQL pays one ('release' of the previous savepoint
 * and the new one go together).
 */
export class TurnSavepoints {
  private open = false;

  constructor(private readonly tx: Tx) {}

  /** A view of the batch's transaction for one turn, and whether (and how) to undo that turn. */
  begin(): { readonly tx: Tx; rollback(): Promise<void> } {
    let taken: Promise<unknown> | undefined;
    const take = (conn: DatabaseConnection) => {
      taken ??= conn.executeQuery(CompiledQuery.raw(this.open ? `release savepoint ${SAVEPOINT}; savepoint ${SAVEPOINT}` : `savepoint ${SAVEPOINT}`, [])).then(() => {
        this.open = true;
      });
      return taken;
    };
    const executor = this.tx.getExecutor();
    const provider: ConnectionProvider = {
      provideConnection: (consumer) =>
        executor.provideConnection((conn) =>
          consumer({
            executeQuery: async (query) => {
              await take(conn);
              return conn.executeQuery(query);
            },
            streamQuery: (query, chunkSize) =>
              (async function* stream() {
                await take(conn);
                yield* conn.streamQuery(query, chunkSize);
              })(),
          }),
        ),
    };
    const view = new Transaction<Database>({ config: { dialect: UNUSED_DIALECT }, dialect: UNUSED_DIALECT, driver: UNUSED_DIALECT.createDriver(), executor: executor.withConnectionProvider(provider) });
    const tx = this.tx;
    return {
      tx: view,
      async rollback() {
        // No statement of the turn ran: there is nothing to undo.
        if (!taken) return;
        await taken.catch(() => undefined);
        await tx.executeQuery(CompiledQuery.raw(`rollback to savepoint ${SAVEPOINT}`, []));
      },
    };
  }
}
