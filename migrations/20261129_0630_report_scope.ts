import { sql, type Kysely } from 'kysely';

/**
 * Issue 6's admin queries at district and city size (RELIABILITY.md "The participation dashboard at
 * city size").
 *
 * 1. Participations and proofs carry a copy of their member's branch (`branch_id`), so that a
 *    scope ("the branches of my clusters") is an index condition instead of a join to members per
 *    row: the Minh chứng queue walked every pending proof and looked its member up to find the 20
 *    in scope. Triggers keep the copy: filled on insert, moved with the member.
 * 2. Indexes that match the queue's filters and its order (submitted_at, id) over the proofs the
 *    queue can show (not erased, not an image still downloading); a wave's participants by branch.
 * 3. Tallies, kept in the same transaction as the change by triggers, so that no page counts
 *    hundreds of thousands of rows to print one number (a city's pending queue is 600,000 proofs,
 *    its biggest wave 400,000 participations, its roster 500,000 members):
 *    - `proof_tallies`: per wave, branch and review state, the proofs the queue can show;
 *    - `wave_branch_participants`: per wave and branch, the participations (the participants page);
 *    - `wave_branch_tallies`: per wave, branch and role, the verified cadres / members who took part
 *      (a proof sent and not rejected: participation-report.repository.ts's rule);
 *    - `branch_member_tallies`: per branch and role, the verified cadres / members (the roster).
 *    Triggers rather than application code because members, participations and proofs change in
 *    many places (chat, admin, imports, erasure, image downloads) and a forgotten path would make a
 *    count drift. A change adds a row to its tally and folds the key's other rows into it, skipping
 *    any another transaction holds: no change ever waits on a tally (see the *_add functions).
 */
const VISIBLE = sql`erased_at is null and (image_state is null or image_state = 'stored')`;
/** The tallies' "no branch": the nil uuid, which gen_random_uuid never returns. */
const NIL = '00000000-0000-0000-0000-000000000000';
const NO_BRANCH = sql`${sql.lit(NIL)}::uuid`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('participations').addColumn('branch_id', 'uuid').execute();
  await db.schema.alterTable('proofs').addColumn('branch_id', 'uuid').execute();
  await sql`update participations pa set branch_id = m.branch_id from members m where m.id = pa.member_id and m.branch_id is not null`.execute(db);
  await sql`update proofs p set branch_id = pa.branch_id from participations pa where pa.id = p.participation_id and pa.branch_id is not null`.execute(db);

  await sql`
    create function participations_copy_branch() returns trigger language plpgsql as $$
    begin
      select m.branch_id into new.branch_id from members m where m.id = new.member_id;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger participations_copy_branch before insert or update of member_id on participations
    for each row execute function participations_copy_branch()`.execute(db);
  await sql`
    create function proofs_copy_branch() returns trigger language plpgsql as $$
    begin
      select pa.branch_id into new.branch_id from participations pa where pa.id = new.participation_id;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger proofs_copy_branch before insert or update of participation_id on proofs
    for each row execute function proofs_copy_branch()`.execute(db);

  // Tally rows are partial sums: a key may have a few rows at once, and readers add them up.
  // Members of no branch are counted under NO_BRANCH so that a key is a plain index condition.
  await sql`create table proof_tallies (wave_id uuid not null, branch_id uuid not null, review_state text not null, proofs integer not null)`.execute(db);
  await sql`create index proof_tallies_key_idx on proof_tallies (wave_id, branch_id, review_state)`.execute(db);
  await sql`create table wave_branch_participants (wave_id uuid not null, branch_id uuid not null, participants integer not null)`.execute(db);
  await sql`create index wave_branch_participants_key_idx on wave_branch_participants (wave_id, branch_id)`.execute(db);
  await sql`create table wave_branch_tallies (wave_id uuid not null, branch_id uuid not null, role text not null, took_part integer not null)`.execute(db);
  await sql`create index wave_branch_tallies_key_idx on wave_branch_tallies (wave_id, branch_id, role)`.execute(db);
  await sql`create table branch_member_tallies (branch_id uuid not null, role text not null, members integer not null)`.execute(db);
  await sql`create index branch_member_tallies_key_idx on branch_member_tallies (branch_id, role)`.execute(db);
  await sql`
    insert into proof_tallies (wave_id, branch_id, review_state, proofs)
    select wave_id, coalesce(branch_id, ${NO_BRANCH}), review_state, count(*) from proofs where ${VISIBLE} group by 1, 2, 3`.execute(db);
  await sql`
    insert into wave_branch_participants (wave_id, branch_id, participants)
    select wave_id, coalesce(branch_id, ${NO_BRANCH}), count(*) from participations group by 1, 2`.execute(db);
  await sql`
    insert into wave_branch_tallies (wave_id, branch_id, role, took_part)
    select pa.wave_id, coalesce(pa.branch_id, ${NO_BRANCH}), m.role, count(*)
    from participations pa join members m on m.id = pa.member_id
    where pa.state in ('proofSubmitted', 'approved') and m.status = 'verified' and m.role in ('cadre', 'member')
    group by 1, 2, 3`.execute(db);
  await sql`
    insert into branch_member_tallies (branch_id, role, members)
    select coalesce(branch_id, ${NO_BRANCH}), role, count(*) from members where status = 'verified' and role in ('cadre', 'member') group by 1, 2`.execute(db);

  // Adding to a tally never waits for another transaction, so a change never blocks on, or
  // deadlocks over, a busy key (a batch of 64 chat turns holds its row locks until it commits, and
  // four batches run at once): the rows of the key that no one else holds are folded, with the
  // change, into one new row; rows another transaction holds (it is folding or adding too) are
  // skipped and stay, to be folded by a later change. A key has about as many rows as
  // transactions writing it at once.
  for (const t of [
    { fn: 'proof_tally_add', table: 'proof_tallies', keys: ['wave_id', 'branch_id', 'review_state'], types: ['uuid', 'uuid', 'text'], n: 'proofs' },
    { fn: 'wave_branch_participants_add', table: 'wave_branch_participants', keys: ['wave_id', 'branch_id'], types: ['uuid', 'uuid'], n: 'participants' },
    { fn: 'wave_branch_tally_add', table: 'wave_branch_tallies', keys: ['wave_id', 'branch_id', 'role'], types: ['uuid', 'uuid', 'text'], n: 'took_part' },
    { fn: 'branch_member_tally_add', table: 'branch_member_tallies', keys: ['branch_id', 'role'], types: ['uuid', 'text'], n: 'members' },
  ]) {
    const params = t.keys.map((k, i) => `p_${k} ${t.types[i]}`).join(', ');
    const value = (k: string) => (k === 'branch_id' ? `coalesce(p_branch_id, '${NIL}'::uuid)` : `p_${k}`);
    const match = t.keys.map((k) => `${k} = ${value(k)}`).join(' and ');
    await sql
      .raw(
        `create function ${t.fn}(${params}, p_n integer) returns void language plpgsql as $$
        declare folded integer;
        begin
          with gone as (
            delete from ${t.table} where ctid = any(array(select ctid from ${t.table} where ${match} for update skip locked))
            returning ${t.n})
          select coalesce(sum(${t.n}), 0) into folded from gone;
          if folded + p_n <> 0 then
            insert into ${t.table} (${t.keys.join(', ')}, ${t.n}) values (${t.keys.map(value).join(', ')}, folded + p_n);
          end if;
        end $$`,
      )
      .execute(db);
  }

  // A proof counts while the queue can show it, under its wave, branch and review state.
  await sql`
    create function proofs_tally() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.erased_at is null and coalesce(old.image_state, 'stored') = 'stored' then
        perform proof_tally_add(old.wave_id, old.branch_id, old.review_state, -1);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.erased_at is null and coalesce(new.image_state, 'stored') = 'stored' then
        perform proof_tally_add(new.wave_id, new.branch_id, new.review_state, 1);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger proofs_tally_insert_delete after insert or delete on proofs for each row execute function proofs_tally()`.execute(db);
  await sql`
    create trigger proofs_tally_update after update on proofs
    for each row when (
      old.review_state <> new.review_state or old.wave_id <> new.wave_id or old.branch_id is distinct from new.branch_id
      or (old.erased_at is null and coalesce(old.image_state, 'stored') = 'stored') <> (new.erased_at is null and coalesce(new.image_state, 'stored') = 'stored'))
    execute function proofs_tally()`.execute(db);

  // A participation is one participant of its wave and branch; it took part when it is sent and not
  // rejected and its member is a verified cadre or member, read at the time of the change. A member
  // being deleted has already taken its participations out of wave_branch_tallies
  // (members_tally_leave), so a cascaded delete finds no member there and does nothing.
  await sql`
    create function participations_tally() returns trigger language plpgsql as $$
    declare r record;
    begin
      if tg_op = 'DELETE' or (tg_op = 'UPDATE' and (old.wave_id, old.branch_id) is distinct from (new.wave_id, new.branch_id)) then
        perform wave_branch_participants_add(old.wave_id, old.branch_id, -1);
      end if;
      if tg_op = 'INSERT' or (tg_op = 'UPDATE' and (old.wave_id, old.branch_id) is distinct from (new.wave_id, new.branch_id)) then
        perform wave_branch_participants_add(new.wave_id, new.branch_id, 1);
      end if;
      if tg_op in ('UPDATE', 'DELETE') and old.state in ('proofSubmitted', 'approved') then
        select role, status into r from members where id = old.member_id;
        if found and r.status = 'verified' and r.role in ('cadre', 'member') then
          perform wave_branch_tally_add(old.wave_id, old.branch_id, r.role, -1);
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.state in ('proofSubmitted', 'approved') then
        select role, status into r from members where id = new.member_id;
        if found and r.status = 'verified' and r.role in ('cadre', 'member') then
          perform wave_branch_tally_add(new.wave_id, new.branch_id, r.role, 1);
        end if;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger participations_tally_insert_delete after insert or delete on participations
    for each row execute function participations_tally()`.execute(db);
  // Approving a submitted proof (proofSubmitted → approved) changes nothing counted: no write.
  await sql`
    create trigger participations_tally_update after update on participations
    for each row when (
      (old.state in ('proofSubmitted', 'approved')) is distinct from (new.state in ('proofSubmitted', 'approved'))
      or old.wave_id <> new.wave_id or old.member_id <> new.member_id or old.branch_id is distinct from new.branch_id)
    execute function participations_tally()`.execute(db);
  // A member whose role or status changes moves from the old (role, counted) to the new one, in the
  // roster and in their counted participations; a member moved to another branch takes their
  // participations and proofs along (their own triggers move those counts).
  await sql`
    create function members_tally() returns trigger language plpgsql as $$
    declare counted_before boolean := tg_op = 'UPDATE' and old.status = 'verified' and old.role in ('cadre', 'member');
    declare counted_now boolean := new.status = 'verified' and new.role in ('cadre', 'member');
    begin
      if counted_before then
        perform branch_member_tally_add(old.branch_id, old.role, -1);
      end if;
      if counted_now then
        perform branch_member_tally_add(new.branch_id, new.role, 1);
      end if;
      if tg_op = 'UPDATE' and (counted_before, old.role) is distinct from (counted_now, new.role) then
        perform wave_branch_tally_add(t.wave_id, t.branch_id, t.role, t.n)
        from (
          select pa.wave_id, pa.branch_id, old.role as role, -count(*)::int as n from participations pa
          where counted_before and pa.member_id = new.id and pa.state in ('proofSubmitted', 'approved') group by pa.wave_id, pa.branch_id
          union all
          select pa.wave_id, pa.branch_id, new.role, count(*)::int from participations pa
          where counted_now and pa.member_id = new.id and pa.state in ('proofSubmitted', 'approved') group by pa.wave_id, pa.branch_id
        ) t;
      end if;
      if tg_op = 'UPDATE' and old.branch_id is distinct from new.branch_id then
        update participations set branch_id = new.branch_id where member_id = new.id;
        update proofs p set branch_id = new.branch_id from participations pa where pa.member_id = new.id and p.participation_id = pa.id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger members_tally_insert after insert on members for each row execute function members_tally()`.execute(db);
  await sql`
    create trigger members_tally_update after update of branch_id, role, status on members
    for each row when (old.branch_id is distinct from new.branch_id or old.role <> new.role or old.status <> new.status)
    execute function members_tally()`.execute(db);
  await sql`
    create function members_tally_leave() returns trigger language plpgsql as $$
    begin
      if old.status = 'verified' and old.role in ('cadre', 'member') then
        perform branch_member_tally_add(old.branch_id, old.role, -1);
        perform wave_branch_tally_add(pa.wave_id, pa.branch_id, old.role, -count(*)::int)
        from participations pa where pa.member_id = old.id and pa.state in ('proofSubmitted', 'approved') group by pa.wave_id, pa.branch_id;
      end if;
      return old;
    end $$`.execute(db);
  await sql`create trigger members_tally_leave before delete on members for each row execute function members_tally_leave()`.execute(db);

  // The Minh chứng queue: each (filter, order) it offers has an index in the order it shows.
  await sql`create index proofs_queue_state_idx on proofs (review_state, submitted_at, id) where ${VISIBLE}`.execute(db);
  await sql`create index proofs_queue_wave_idx on proofs (wave_id, review_state, submitted_at, id) where ${VISIBLE}`.execute(db);
  await sql`create index proofs_queue_branch_idx on proofs (branch_id, review_state, submitted_at, id) where ${VISIBLE}`.execute(db);
  await sql`create index proofs_queue_branch_wave_idx on proofs (branch_id, wave_id, review_state, submitted_at, id) where ${VISIBLE}`.execute(db);
  // A wave's participants page: a branch's members by name (members of no branch under the nil
  // uuid, which gen_random_uuid never returns, so that they are one more group to walk), and the
  // count in scope.
  await sql`create index members_branch_name_idx on members ((coalesce(branch_id, ${NO_BRANCH})), full_name, id)`.execute(db);
  await db.schema.createIndex('participations_wave_branch_idx').on('participations').columns(['wave_id', 'branch_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('participations_wave_branch_idx').execute();
  await db.schema.dropIndex('members_branch_name_idx').execute();
  for (const name of ['proofs_queue_branch_wave_idx', 'proofs_queue_branch_idx', 'proofs_queue_wave_idx', 'proofs_queue_state_idx']) await db.schema.dropIndex(name).execute();
  await sql`drop trigger members_tally_leave on members`.execute(db);
  await sql`drop function members_tally_leave()`.execute(db);
  await sql`drop trigger members_tally_update on members`.execute(db);
  await sql`drop trigger members_tally_insert on members`.execute(db);
  await sql`drop function members_tally()`.execute(db);
  await sql`drop trigger participations_tally_update on participations`.execute(db);
  await sql`drop trigger participations_tally_insert_delete on participations`.execute(db);
  await sql`drop function participations_tally()`.execute(db);
  await sql`drop trigger proofs_tally_update on proofs`.execute(db);
  await sql`drop trigger proofs_tally_insert_delete on proofs`.execute(db);
  await sql`drop function proofs_tally()`.execute(db);
  await sql`drop function branch_member_tally_add(uuid, text, integer)`.execute(db);
  await sql`drop function wave_branch_tally_add(uuid, uuid, text, integer)`.execute(db);
  await sql`drop function wave_branch_participants_add(uuid, uuid, integer)`.execute(db);
  await sql`drop function proof_tally_add(uuid, uuid, text, integer)`.execute(db);
  for (const table of ['branch_member_tallies', 'wave_branch_tallies', 'wave_branch_participants', 'proof_tallies']) await db.schema.dropTable(table).execute();
  await sql`drop trigger proofs_copy_branch on proofs`.execute(db);
  await sql`drop function proofs_copy_branch()`.execute(db);
  await sql`drop trigger participations_copy_branch on participations`.execute(db);
  await sql`drop function participations_copy_branch()`.execute(db);
  await db.schema.alterTable('proofs').dropColumn('branch_id').execute();
  await db.schema.alterTable('participations').dropColumn('branch_id').execute();
}
