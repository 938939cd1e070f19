import { sql } from 'kysely';
import type { Db } from '../../src/db/database';

const NIL = '00000000-0000-0000-0000-000000000000';

/** Every tally as text lines (a key's rows summed, non-zero sums), as the readers see them. */
export async function talliesOf(db: Db): Promise<string[]> {
  const { rows } = await sql<{ k: string }>`
    with t as (
      select 'took ' || wave_id || ' ' || branch_id || ' ' || role as k, took_part as n from wave_branch_tallies
      union all select 'joined ' || wave_id || ' ' || branch_id, participants from wave_branch_participants
      union all select 'roster ' || branch_id || ' ' || role, members from branch_member_tallies
      union all select 'proofs ' || wave_id || ' ' || branch_id || ' ' || review_state, proofs from proof_tallies
    )
    select replace(k, ${NIL}, '-') || ' ' || sum(n) as k from t group by k having sum(n) <> 0 order by 1`.execute(db);
  return rows.map((r) => r.k);
}

/** The same lines, counted from the members, participations and proofs by the tallies' definitions. */
export async function talliesByDefinition(db: Db): Promise<string[]> {
  const { rows } = await sql<{ k: string }>`
    select 'took ' || pa.wave_id || ' ' || coalesce(m.branch_id::text, '-') || ' ' || m.role || ' ' || count(*) as k
    from participations pa join members m on m.id = pa.member_id
    where pa.state in ('proofSubmitted', 'approved') and m.status = 'verified' and m.role in ('cadre', 'member')
    group by pa.wave_id, m.branch_id, m.role
    union all
    select 'joined ' || pa.wave_id || ' ' || coalesce(m.branch_id::text, '-') || ' ' || count(*)
    from participations pa join members m on m.id = pa.member_id group by pa.wave_id, m.branch_id
    union all
    select 'roster ' || coalesce(branch_id::text, '-') || ' ' || role || ' ' || count(*)
    from members where status = 'verified' and role in ('cadre', 'member') group by branch_id, role
    union all
    select 'proofs ' || p.wave_id || ' ' || coalesce(m.branch_id::text, '-') || ' ' || p.review_state || ' ' || count(*)
    from proofs p join participations pa on pa.id = p.participation_id join members m on m.id = pa.member_id
    where p.erased_at is null and (p.image_state is null or p.image_state = 'stored')
    group by p.wave_id, m.branch_id, p.review_state
    order by 1`.execute(db);
  return rows.map((r) => r.k);
}
