/**
 * Seeds a broadcast audience in SQL (a few statements, whatever the size): a district, one cluster,
 * `branches` branches under it, and `members` verified members spread over them, each with one
 * identity (Zalo or Messenger, alternating), who wrote an hour ago and gave registration consent.
 * Platform user ids are `bc-<n>` (Messenger) and `bcz<n>` (Zalo) so that a stand-in platform's
 * counts can be matched back. Used by the broadcast bench and the broadcast crash test.
 */
import type pg from 'pg';

export interface SeededAudience {
  readonly districtId: string;
  readonly clusterId: string;
  readonly branchIds: readonly string[];
  readonly members: number;
}

/** The platform id of the n-th seeded recipient (1-based) and its channel. */
export function seededRecipient(n: number): { channel: 'zalo' | 'messenger'; userId: string } {
  return n % 2 === 0 ? { channel: 'zalo', userId: `bcz${n}` } : { channel: 'messenger', userId: `bc-${n}` };
}

export async function seedBroadcastAudience(client: pg.ClientBase, members: number, branches = 20): Promise<SeededAudience> {
  const tag = Math.random().toString(36).slice(2, 8);
  const district = await client.query<{ id: string }>(`insert into units (level, code, name) values ('district', $1, $2) returning id`, [`bd-${tag}`, `Quận Đoàn ${tag}`]);
  const districtId = district.rows[0]!.id;
  const cluster = await client.query<{ id: string }>(`insert into units (level, parent_id, code, name) values ('cluster', $1, $2, $3) returning id`, [districtId, `bc-${tag}`, `Cụm ${tag}`]);
  const clusterId = cluster.rows[0]!.id;
  const branchRows = await client.query<{ id: string }>(
    `insert into units (level, kind, parent_id, code, name)
     select 'branch', 'ward', $1, $2 || '-' || g, 'Chi đoàn ' || $2 || ' số ' || g from generate_series(1, $3::int) g returning id`,
    [clusterId, `bb-${tag}`, branches],
  );
  const branchIds = branchRows.rows.map((r) => r.id);
  await client.query(
    `with m as (
       insert into members (full_name, role, branch_id, status, source, verified_by, verified_at)
       select 'Đoàn viên số ' || g, 'member', ($1::uuid[])[1 + g % array_length($1::uuid[], 1)], 'verified', 'chat', 'roster', now()
       from generate_series(1, $2::int) g
       returning id, full_name
     ),
     i as (
       insert into channel_identities (channel, platform_user_id, member_id, last_inbound_at, follow_state)
       select case when n % 2 = 0 then 'zalo' else 'messenger' end, case when n % 2 = 0 then 'bcz' || n else 'bc-' || n end, m.id, now() - interval '1 hour', 'following'
       from (select id, substring(full_name from '[0-9]+$')::int as n from m) m
       returning id, member_id
     )
     insert into consents (identity_id, member_id, purpose, granted, notice_version)
     select i.id, i.member_id, 'registration', true, 'bench' from i`,
    [branchIds, members],
  );
  await client.query('analyze units; analyze members; analyze channel_identities; analyze consents');
  return { districtId, clusterId, branchIds, members };
}
