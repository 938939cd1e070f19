import { sql, type Kysely } from 'kysely';

/**
 * The tallies of migration 0630, written as deltas (RELIABILITY.md "Scale", "Tallies in bulk").
 *
 * 0630's triggers ran per row, and each change folded its key's rows into a new one (delete what
 * no one else holds, insert the sum). Inside one transaction every fold left a dead row and index
 * entry that every later fold of the key stepped over again (they are not dead to the transaction
 * that made them, so nothing prunes them), and the delete by ctid was sometimes planned as a scan
 * of the whole table: one statement inserting 8,000 members into one branch took 14 s, 4,000 took
 * 2.3 s, and a million-member seed did not finish.
 *
 * Now a change only ever inserts: once per statement and key (statement-level triggers reading the
 * transition tables), the sum of what the statement did to the key. Writers never delete, update
 * or lock a tally row, so they never wait on one another, and a bulk statement costs one row per
 * key it touches. Readers already add a key's rows up (a key always had a few). tally_compact()
 * folds each key's rows into one now and then, outside the writes (the housekeeping queue's
 * tally-compaction job, every minute), skipping rows another compaction holds.
 *
 * A member being deleted still takes its participations out of wave_branch_tallies before the
 * delete (0630's row trigger members_tally_leave, now insert-only through the *_add functions):
 * an AFTER trigger would run after the cascade has deleted them. 0630's row functions
 * (proofs_tally, participations_tally, members_tally) stay, unused, so that `down` can put their
 * triggers back.
 */
const NIL = '00000000-0000-0000-0000-000000000000';
const B = (column: string) => `coalesce(${column}, '${NIL}'::uuid)`;
const VISIBLE = (r: string) => `${r}.erased_at is null and coalesce(${r}.image_state, 'stored') = 'stored'`;
const SENT = (r: string) => `${r}.state in ('proofSubmitted', 'approved')`;
const COUNTED = (m: string) => `${m}.status = 'verified' and ${m}.role in ('cadre', 'member')`;

interface Tally {
  readonly fn: string;
  readonly table: string;
  readonly keys: readonly string[];
  readonly types: readonly string[];
  readonly n: string;
}
const TALLIES: readonly Tally[] = [
  { fn: 'proof_tally_add', table: 'proof_tallies', keys: ['wave_id', 'branch_id', 'review_state'], types: ['uuid', 'uuid', 'text'], n: 'proofs' },
  { fn: 'wave_branch_participants_add', table: 'wave_branch_participants', keys: ['wave_id', 'branch_id'], types: ['uuid', 'uuid'], n: 'participants' },
  { fn: 'wave_branch_tally_add', table: 'wave_branch_tallies', keys: ['wave_id', 'branch_id', 'role'], types: ['uuid', 'uuid', 'text'], n: 'took_part' },
  { fn: 'branch_member_tally_add', table: 'branch_member_tallies', keys: ['branch_id', 'role'], types: ['uuid', 'text'], n: 'members' },
];
const TABLES = ['proofs', 'participations', 'members'] as const;
const EVENTS = [
  { op: 'insert', refs: 'new table as new_rows' },
  { op: 'update', refs: 'old table as old_rows new table as new_rows' },
  { op: 'delete', refs: 'old table as old_rows' },
] as const;

/** The rows of a statement's transition tables, each with the sign it adds with. */
function changed(op: 'insert' | 'update' | 'delete'): string {
  if (op === 'insert') return `(select r, 1 as d from new_rows r)`;
  if (op === 'delete') return `(select r, -1 as d from old_rows r)`;
  return `(select r, -1 as d from old_rows r union all select r, 1 from new_rows r)`;
}

export async function up(db: Kysely<any>): Promise<void> {
  // What is left of writing a tally by hand (members_tally_leave): one row, the change.
  for (const t of TALLIES) {
    const params = t.keys.map((k, i) => `p_${k} ${t.types[i]}`).join(', ');
    const values = t.keys.map((k) => (k === 'branch_id' ? B('p_branch_id') : `p_${k}`)).join(', ');
    await sql
      .raw(
        `create or replace function ${t.fn}(${params}, p_n integer) returns void language plpgsql as $$
        begin
          if p_n <> 0 then
            insert into ${t.table} (${t.keys.join(', ')}, ${t.n}) values (${values}, p_n);
          end if;
        end $$`,
      )
      .execute(db);
  }
  await sql`drop trigger proofs_tally_insert_delete on proofs`.execute(db);
  await sql`drop trigger proofs_tally_update on proofs`.execute(db);
  await sql`drop trigger participations_tally_insert_delete on participations`.execute(db);
  await sql`drop trigger participations_tally_update on participations`.execute(db);
  await sql`drop trigger members_tally_insert on members`.execute(db);
  await sql`drop trigger members_tally_update on members`.execute(db);

  // Every statement's rows go out with -1 (old) and in with +1 (new), summed per key: an update
  // that moves nothing counted adds nothing (a key whose sum is 0 gets no row).
  for (const op of ['insert', 'update', 'delete'] as const) {
    const rows = changed(op);
    await sql
      .raw(
        `create function proofs_tally_${op}() returns trigger language plpgsql as $$
        begin
          insert into proof_tallies (wave_id, branch_id, review_state, proofs)
          select (c.r).wave_id, ${B('(c.r).branch_id')}, (c.r).review_state, sum(c.d)
          from ${rows} c where ${VISIBLE('(c.r)')}
          group by 1, 2, 3 having sum(c.d) <> 0;
          return null;
        end $$`,
      )
      .execute(db);
    // A participation took part when it is sent and its member is a verified cadre or member, read
    // at the time of the change (a cascaded delete finds its member gone: members_tally_leave has
    // taken it out already).
    await sql
      .raw(
        `create function participations_tally_${op}() returns trigger language plpgsql as $$
        begin
          insert into wave_branch_participants (wave_id, branch_id, participants)
          select (c.r).wave_id, ${B('(c.r).branch_id')}, sum(c.d) from ${rows} c
          group by 1, 2 having sum(c.d) <> 0;
          insert into wave_branch_tallies (wave_id, branch_id, role, took_part)
          select (c.r).wave_id, ${B('(c.r).branch_id')}, m.role, sum(c.d)
          from ${rows} c join members m on m.id = (c.r).member_id
          where ${SENT('(c.r)')} and ${COUNTED('m')}
          group by 1, 2, 3 having sum(c.d) <> 0;
          return null;
        end $$`,
      )
      .execute(db);
  }
  // A member counts in the roster under their branch and role; a member whose role or counting
  // changes moves their sent participations from the old role to the new one (under the
  // participations' branch, still the old one), and a member moved to another branch takes their
  // participations and proofs along (their triggers move those counts, reading the new role).
  await sql
    .raw(
      `create function members_tally_insert() returns trigger language plpgsql as $$
      begin
        insert into branch_member_tallies (branch_id, role, members)
        select ${B('n.branch_id')}, n.role, count(*) from new_rows n where ${COUNTED('n')} group by 1, 2;
        return null;
      end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create function members_tally_update() returns trigger language plpgsql as $$
      begin
        insert into branch_member_tallies (branch_id, role, members)
        select ${B('(c.r).branch_id')}, (c.r).role, sum(c.d) from ${changed('update')} c
        where ${COUNTED('(c.r)')} group by 1, 2 having sum(c.d) <> 0;
        with moved as (
          select o.id, o.role as old_role, n.role as new_role, ${COUNTED('o')} as counted_before, ${COUNTED('n')} as counted_now
          from old_rows o join new_rows n on n.id = o.id
          where (${COUNTED('o')}, o.role) is distinct from (${COUNTED('n')}, n.role)
        )
        insert into wave_branch_tallies (wave_id, branch_id, role, took_part)
        select pa.wave_id, ${B('pa.branch_id')}, x.role, sum(x.d)
        from moved mv
        join participations pa on pa.member_id = mv.id and ${SENT('pa')}
        cross join lateral (
          select mv.old_role as role, -1 as d where mv.counted_before
          union all select mv.new_role, 1 where mv.counted_now
        ) x
        group by 1, 2, 3 having sum(x.d) <> 0;
        update participations pa set branch_id = n.branch_id
        from old_rows o join new_rows n on n.id = o.id
        where o.branch_id is distinct from n.branch_id and pa.member_id = n.id;
        update proofs p set branch_id = n.branch_id
        from old_rows o join new_rows n on n.id = o.id join participations pa on pa.member_id = n.id
        where o.branch_id is distinct from n.branch_id and p.participation_id = pa.id;
        return null;
      end $$`,
    )
    .execute(db);

  // Transition tables need a trigger per event, AFTER, FOR EACH STATEMENT, and no column list.
  for (const table of TABLES) {
    for (const e of EVENTS) {
      if (table === 'members' && e.op === 'delete') continue;
      await sql
        .raw(
          `create trigger ${table}_tally_${e.op}_rows after ${e.op} on ${table}
          referencing ${e.refs} for each statement execute function ${table}_tally_${e.op}()`,
        )
        .execute(db);
    }
  }

  // Folds keys with more than one row into one row each, at most p_keys keys per tally, and
  // answers how many rows went. Rows another compaction holds are skipped (they stay, for the next
  // run); a writer never holds one (it only inserts), so it never waits for this, nor this for it.
  const folds = TALLIES.map((t) => {
    const keys = t.keys.join(', ');
    return `
      with busy as (
        select ${keys} from ${t.table} group by ${keys} having count(*) > 1 limit p_keys
      ),
      gone as (
        delete from ${t.table} where ctid = any(array(
          select x.ctid from ${t.table} x join busy using (${keys}) for update of x skip locked))
        returning ${keys}, ${t.n}
      ),
      folded as (
        insert into ${t.table} (${keys}, ${t.n})
        select ${keys}, sum(${t.n}) from gone group by ${keys} having sum(${t.n}) <> 0
      )
      select n + count(*) into n from gone;`;
  }).join('\n');
  await sql
    .raw(
      `create function tally_compact(p_keys integer) returns integer language plpgsql as $$
      declare n integer := 0;
      begin
        ${folds}
        return n;
      end $$`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Fold every key first: 0630's functions expect a key's rows to be few.
  await sql`select tally_compact(2147483647)`.execute(db);
  await sql`drop function tally_compact(integer)`.execute(db);
  for (const table of TABLES) {
    for (const e of EVENTS) {
      if (table === 'members' && e.op === 'delete') continue;
      await sql.raw(`drop trigger ${table}_tally_${e.op}_rows on ${table}`).execute(db);
      await sql.raw(`drop function ${table}_tally_${e.op}()`).execute(db);
    }
  }
  // 0630's row triggers and its folding *_add functions, as they were.
  await sql`create trigger proofs_tally_insert_delete after insert or delete on proofs for each row execute function proofs_tally()`.execute(db);
  await sql`
    create trigger proofs_tally_update after update on proofs
    for each row when (
      old.review_state <> new.review_state or old.wave_id <> new.wave_id or old.branch_id is distinct from new.branch_id
      or (old.erased_at is null and coalesce(old.image_state, 'stored') = 'stored') <> (new.erased_at is null and coalesce(new.image_state, 'stored') = 'stored'))
    execute function proofs_tally()`.execute(db);
  await sql`
    create trigger participations_tally_insert_delete after insert or delete on participations
    for each row execute function participations_tally()`.execute(db);
  await sql`
    create trigger participations_tally_update after update on participations
    for each row when (
      (old.state in ('proofSubmitted', 'approved')) is distinct from (new.state in ('proofSubmitted', 'approved'))
      or old.wave_id <> new.wave_id or old.member_id <> new.member_id or old.branch_id is distinct from new.branch_id)
    execute function participations_tally()`.execute(db);
  await sql`create trigger members_tally_insert after insert on members for each row execute function members_tally()`.execute(db);
  await sql`
    create trigger members_tally_update after update of branch_id, role, status on members
    for each row when (old.branch_id is distinct from new.branch_id or old.role <> new.role or old.status <> new.status)
    execute function members_tally()`.execute(db);
  for (const t of TALLIES) {
    const params = t.keys.map((k, i) => `p_${k} ${t.types[i]}`).join(', ');
    const value = (k: string) => (k === 'branch_id' ? B('p_branch_id') : `p_${k}`);
    const match = t.keys.map((k) => `${k} = ${value(k)}`).join(' and ');
    await sql
      .raw(
        `create or replace function ${t.fn}(${params}, p_n integer) returns void language plpgsql as $$
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
}
