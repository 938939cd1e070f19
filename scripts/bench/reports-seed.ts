/**
 * Seeds a big district for the reports benchmark in SQL (generate_series, a few statements):
 * a district, `clusters` clusters, `branches` branches spread over them, `members` verified people
 * (one in ten a cadre), a plan with its targets, `waves` district waves, and proofs: the first wave
 * has `bigWave` of them, the next `waves` − 4 share the rest evenly until `proofs` are placed, the last ones none
 * yet (waves still to come). A tenth of the proofs rejected, three in ten pending, the rest approved,
 * drawn by a hash of (member, wave) so that every branch and cluster has proofs in each state (the
 * member's number alone would give a cluster only rejected proofs), and sent at a time spread over the
 * wave's 14 days.
 * Every branch reports a good news on about four days in five of the year so far.
 */
import type pg from 'pg';

export interface ReportsSeedSize {
  readonly members: number;
  readonly clusters: number;
  readonly branches: number;
  readonly waves: number;
  readonly proofs: number;
  /** Proofs of the first wave (the export measured). */
  readonly bigWave: number;
  readonly year: number;
}

export interface SeededDistrict {
  readonly districtId: string;
  readonly clusterIds: readonly string[];
  readonly branchIds: readonly string[];
  readonly waveIds: readonly string[];
  readonly proofsPerWave: readonly number[];
}

export async function seedBigDistrict(client: pg.ClientBase, size: ReportsSeedSize): Promise<SeededDistrict> {
  // The district: 160,000 proofs over 16 waves of 10,000; a city (2,000,000 with a 400,000 wave): 100,000 each.
  const perWave = Math.ceil((size.proofs - size.bigWave) / Math.max(1, size.waves - 4));
  if (size.bigWave > size.members || perWave > size.members) throw new Error('too few members for the proofs asked for');
  const proofsPerWave = Array.from({ length: size.waves }, (_, i) => (i === 0 ? size.bigWave : Math.max(0, Math.min(perWave, size.proofs - size.bigWave - (i - 1) * perWave))));

  // Row triggers off while seeding (superuser only): the branch copies and the four tallies that
  // migration 0630's triggers keep row by row are written below in bulk, and the foreign keys of
  // rows built from each other here need no checking. A city's 2,000,000 proofs took minutes more
  // through the triggers.
  await client.query(`set session_replication_role = replica`);
  const district = (await client.query<{ id: string }>(`insert into units (level, code, name) values ('district', 'quan-bench', 'Quận Đoàn Bình Tân') returning id`)).rows[0]!.id;
  const clusterIds = (
    await client.query<{ id: string }>(
      `insert into units (level, parent_id, code, name) select 'cluster', $1, 'cum-' || g, 'Cụm ' || g from generate_series(1, $2::int) g order by g returning id`,
      [district, size.clusters],
    )
  ).rows.map((r) => r.id);
  const branchIds = (
    await client.query<{ id: string }>(
      `insert into units (level, kind, parent_id, code, name)
       select 'branch', 'ward', ($1::uuid[])[1 + (g - 1) % array_length($1::uuid[], 1)], 'cs-' || lpad(g::text, 4, '0'), 'Chi đoàn cơ sở số ' || g
       from generate_series(1, $2::int) g order by g returning id`,
      [clusterIds, size.branches],
    )
  ).rows.map((r) => r.id);
  // Member g is in branch 1 + g % branches; every tenth member of a branch is a cadre.
  await client.query(
    `insert into members (full_name, phone, role, branch_id, status, source, verified_by, verified_at)
     select 'Đoàn viên ' || g, '+849' || lpad(g::text, 8, '0'), case when (g / $3::int) % 10 = 0 then 'cadre' else 'member' end,
       ($1::uuid[])[1 + g % array_length($1::uuid[], 1)], 'verified', 'roster', 'roster', now()
     from generate_series(1, $2::int) g`,
    [branchIds, size.members, size.branches],
  );
  const plan = (await client.query<{ id: string }>(`insert into plans (owner_unit_id, year, title) values ($1, $2, 'Kế hoạch bench') returning id`, [district, size.year])).rows[0]!.id;
  const waveIds = (
    await client.query<{ id: string }>(
      `insert into waves (plan_id, owner_unit_id, title, action_kind, starts_at, ends_at, status)
       select $1, $2, 'Đợt ' || k, 'publicPost', make_timestamptz($3, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh') + (k - 1) * interval '15 days',
         make_timestamptz($3, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh') + (k - 1) * interval '15 days' + interval '14 days', case when k <= $5 then 'closed' else 'open' end
       from generate_series(1, $4::int) k order by k returning id`,
      [plan, district, size.year, size.waves, size.waves - 3],
    )
  ).rows.map((r) => r.id);
  // As a bulk load should: the secondary indexes of participations and proofs go before the insert
  // and are built again after it, from their definitions in the catalogue (the migrations' own).
  // Inserting a city's 2,000,000 rows into a dozen indexes on random uuids took most of the seed.
  const { rows: secondary } = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i join pg_class t on t.oid = i.indrelid
     where t.relname in ('participations', 'proofs') and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
  );
  for (const index of secondary) await client.query(`drop index ${index.name}`);
  // Wave k takes a window of proofsPerWave[k] members, rotated by k so that the waves overlap unevenly.
  await client.query(
    `with numbered as (
       select id as member_id, branch_id, substring(full_name from '[0-9]+$')::int as g from members
     ),
     ordered as (
       select id as wave_id, starts_at, row_number() over (order by starts_at)::int as k from waves where plan_id = $1
     ),
     picked as (
       select o.wave_id, n.member_id, n.branch_id, abs(hashtext(n.g || ':' || o.k)) as h, o.starts_at from ordered o join numbered n on ((n.g + o.k * 2477) % $2::int) < ($3::int[])[o.k]
     ),
     p as (
       insert into participations (wave_id, member_id, branch_id, state, joined_at, proof_submitted_at)
       select wave_id, member_id, branch_id, case when h % 10 = 0 then 'rejected' when h % 10 <= 3 then 'proofSubmitted' else 'approved' end,
         starts_at + (h % 1209600) * interval '1 second', starts_at + (h % 1209600) * interval '1 second'
       from picked
       returning id, wave_id, branch_id, state, member_id, proof_submitted_at
     )
     insert into proofs (participation_id, wave_id, branch_id, kind, original_url, canonical_url, platform, review_state, reject_reason, reviewed_at, submitted_at)
     select p.id, p.wave_id, p.branch_id, 'link', 'https://www.facebook.com/bench/posts/' || p.member_id, 'https://facebook.com/bench/posts/' || p.member_id, 'facebook',
       case p.state when 'rejected' then 'rejected' when 'approved' then 'approved' else 'pending' end,
       case when p.state = 'rejected' then 'Thiếu hashtag' end, case when p.state <> 'proofSubmitted' then p.proof_submitted_at + interval '1 day' end, p.proof_submitted_at
     from p`,
    [plan, size.members, proofsPerWave],
  );
  for (const index of secondary) await client.query(index.def);
  await client.query(
    `insert into branch_reports (branch_id, report_date, post_url)
     select b.id, d::date, 'https://www.facebook.com/cs/posts/' || b.code || '-' || to_char(d, 'YYYYMMDD')
     from units b cross join generate_series(make_date($1, 1, 1), current_date, interval '1 day') d
     where b.level = 'branch' and hashtext(b.code || d::text) % 5 <> 0`,
    [size.year],
  );
  // The tallies the triggers would have kept, as migration 0630 fills them for existing rows.
  // Every seeded member has a branch (the tallies keep "no branch" under the nil uuid).
  await client.query(`insert into proof_tallies select wave_id, branch_id, review_state, count(*) from proofs where erased_at is null and coalesce(image_state, 'stored') = 'stored' group by 1, 2, 3`);
  await client.query(`insert into wave_branch_participants select wave_id, branch_id, count(*) from participations group by 1, 2`);
  await client.query(
    `insert into wave_branch_tallies (wave_id, branch_id, role, took_part)
     select pa.wave_id, pa.branch_id, m.role, count(*)
     from participations pa join members m on m.id = pa.member_id
     where pa.state in ('proofSubmitted', 'approved') and m.status = 'verified' and m.role in ('cadre', 'member')
     group by pa.wave_id, pa.branch_id, m.role`,
  );
  await client.query(`insert into branch_member_tallies select branch_id, role, count(*) from members where status = 'verified' and role in ('cadre', 'member') group by 1, 2`);
  await client.query(`set session_replication_role = default`);
  await client.query('analyze');
  const counts = await client.query<{ wave_id: string; n: number }>('select wave_id, count(*)::int as n from proofs group by wave_id');
  const byWave = new Map(counts.rows.map((r) => [r.wave_id, Number(r.n)]));
  return { districtId: district, clusterIds, branchIds, waveIds, proofsPerWave: waveIds.map((id) => byWave.get(id) ?? 0) };
}
