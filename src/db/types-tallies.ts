import type { ColumnType } from 'kysely';
/** types.ts ReviewState, spelled out here: importing it would make an import cycle. */
type ReviewState = 'pending' | 'approved' | 'rejected';

/**
 * Tallies kept by triggers in the same transaction as the rows they count (migrations 0630, 1100:
 * each statement inserts its deltas; the housekeeping job's compaction folds a key's rows): read
 * them, never write them. A key may have several rows (partial sums): add them up. Members of no
 * branch are under the nil uuid.
 */
type Tally<T> = ColumnType<T, never, never>;
/** Per wave, branch and review state: the proofs the Minh chứng queue can show. */
export interface ProofTalliesTable {
  wave_id: Tally<string>;
  branch_id: Tally<string>;
  review_state: Tally<ReviewState>;
  proofs: Tally<number>;
}
/** Per wave and branch: the participations. */
export interface WaveBranchParticipantsTable {
  wave_id: Tally<string>;
  branch_id: Tally<string>;
  participants: Tally<number>;
}
/** Per wave, branch and role: verified cadres / members who took part. */
export interface WaveBranchTalliesTable {
  wave_id: Tally<string>;
  branch_id: Tally<string>;
  role: Tally<'cadre' | 'member'>;
  took_part: Tally<number>;
}
/** Per branch and role: verified cadres / members. */
export interface BranchMemberTalliesTable {
  branch_id: Tally<string>;
  role: Tally<'cadre' | 'member'>;
  members: Tally<number>;
}
