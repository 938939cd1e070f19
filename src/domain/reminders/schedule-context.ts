import type { Db } from '../../db/database';
import type { BroadcastsPort } from '../broadcasts/broadcast.types';
import type { Outbox } from '../deliveries/outbox';

/** What every scheduled step needs: the database, where direct messages go, and broadcasts. */
export interface ScheduleContext {
  readonly db: Db;
  /** Direct messages (one person each) are handed to it after their transaction commits. */
  readonly outbox: Outbox;
  /** Messages to many (subscribers, a wave's audience) are broadcasts, idempotent by scheduleKey. */
  readonly broadcasts: BroadcastsPort;
  /** APP_TIMEZONE: local days, weeks and hours are counted in it. */
  readonly timeZone: string;
}

/** The unit tree's branches under `unitId` (itself when it is a branch). */
export function branchesUnder(unitId: string, branchIds: readonly string[], parents: ReadonlyMap<string, string | null>): string[] {
  return branchIds.filter((branchId) => {
    for (let at: string | null | undefined = branchId, hops = 0; at != null && hops < 16; at = parents.get(at), hops += 1) {
      if (at === unitId) return true;
    }
    return false;
  });
}
