import type { Generated } from 'kysely';
import type { DateOnly, Timestamp, UpdatedAt } from './column-types';

/** Per district wave and cadre: the nudges sent and whether the branch secretary was told. */
export interface CadreNudgesTable {
  wave_id: string;
  member_id: string;
  nudges: Generated<number>;
  last_nudged_on: DateOnly | null;
  secretary_told_on: DateOnly | null;
  updated_at: UpdatedAt;
}

/** The ledger of scheduled steps that happened, one row per step key. */
export interface ScheduleRunsTable {
  key: string;
  ran_at: Timestamp;
  broadcast_id: string | null;
  /** Direct messages the step inserted (0 for a broadcast). */
  messages: Generated<number>;
}
