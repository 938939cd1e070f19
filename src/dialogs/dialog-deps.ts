import type { Db } from '../db/database';

/** Starts downloading proof images the turn recorded (a BullMQ job in production, a direct call in tests). */
export interface ProofImageStarter {
  /** Called after the turn commits (afterTurnCommit); a lost call is picked up by the sweeper. */
  downloadSoon(proofId: string): Promise<void>;
}

/**
 * What dialogs are built with. Inside a turn, SQL goes through `turnDb(deps.db)` (bot/turn-scope.ts)
 * so that it commits with the turn; `now` is the clock tests set.
 */
export interface DialogDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly proofImages: ProofImageStarter;
  /** A signed URL (valid for a while) of a stored proof image, to show it to a reviewer. */
  readonly mediaUrl: (sha256: string) => string;
}
