import type { Db } from '../db/database';

/**
 * What dialogs are built with. Inside a turn, SQL goes through `turnDb(deps.db)` (bot/turn-scope.ts)
 * so that it commits with the turn; `now` is the clock tests set.
 */
export interface DialogDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  /** The https address our media route serves a stored image at (a proof screenshot, by its SHA-256). */
  readonly mediaUrl: (sha256: string) => string;
}
