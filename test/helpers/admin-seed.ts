/**
 * A small district for the admin web's tests: two clusters, three branches, a 2026 plan with two
 * district waves, a branch trend, members who took part or not, good-news reports and chat
 * identities at known distances from `now`. The expected figures are worked out in the tests.
 */
import type { Db } from '../../src/db/database';
import type { ChannelId, MemberRole, ParticipationState } from '../../src/db/types';
import { aDistrict, aMember, aParticipation, aUnit, aWave } from './builders';

const HOUR = 3_600_000;

export interface AdminSeed {
  readonly districtId: string;
  readonly clusterOne: string;
  readonly clusterTwo: string;
  /** Cluster one. */
  readonly branchA: string;
  readonly branchB: string;
  /** Cluster two. */
  readonly branchX: string;
  readonly planId: string;
  readonly marchWave: string;
  readonly novemberWave: string;
  /** Branch A's own trend (open, 2026). */
  readonly trendOfA: string;
  readonly names: { readonly A: string; readonly B: string; readonly X: string };
}

async function people(db: Db, branchId: string, role: MemberRole, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) ids.push(await aMember(db, { branchId, role }));
  return ids;
}

async function took(db: Db, waveId: string, memberIds: readonly string[], state: ParticipationState = 'approved'): Promise<void> {
  for (const memberId of memberIds) {
    const id = await aParticipation(db, waveId, memberId);
    await db.updateTable('participations').set({ state }).where('id', '=', id).execute();
  }
}

async function identity(db: Db, memberId: string, channel: ChannelId, lastInboundAt: Date, extra: { unreachable?: boolean; windowClosedAt?: Date; noConsent?: boolean } = {}): Promise<void> {
  const row = await db
    .insertInto('channel_identities')
    .values({
      channel,
      platform_user_id: `${channel}-${memberId}`,
      member_id: memberId,
      last_inbound_at: lastInboundAt,
      window_closed_at: extra.windowClosedAt ?? null,
      ...(extra.unreachable ? { reachability: 'unreachable' as const, unreachable_reason: 'blocked', unreachable_at: lastInboundAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (!extra.noConsent) {
    await db.insertInto('consents').values({ identity_id: row.id, member_id: memberId, purpose: 'registration', granted: true, notice_version: 'test', recorded_at: new Date(lastInboundAt.getTime() - HOUR) }).execute();
  }
}

/** `now` is the tests' clock: identities' windows are measured from it. */
export async function seedAdminDistrict(db: Db, now: Date): Promise<AdminSeed> {
  const districtId = await aDistrict(db, 'Quận Đoàn Bình Tân');
  const clusterOne = await aUnit(db, districtId, { level: 'cluster', name: 'Khu vực 1' });
  const clusterTwo = await aUnit(db, districtId, { level: 'cluster', name: 'Khu vực 2' });
  const names = { A: 'Đoàn phường An Lạc', B: 'Đoàn phường Bình Trị Đông', X: 'Đoàn phường Tân Tạo' };
  const branchA = await aUnit(db, clusterOne, { name: names.A });
  const branchB = await aUnit(db, clusterOne, { name: names.B });
  const branchX = await aUnit(db, clusterTwo, { name: names.X });
  for (const [id, code] of [[branchA, 'a-an-lac'], [branchB, 'b-binh-tri-dong'], [branchX, 'x-tan-tao']] as const) {
    await db.updateTable('units').set({ code: `${code}-${id.slice(0, 6)}` }).where('id', '=', id).execute();
  }
  const plan = await db
    .insertInto('plans')
    .values({ owner_unit_id: districtId, year: 2026, title: 'Kế hoạch Xanh hóa không gian mạng 2026', reference: '118-KH/ĐTN-TG.ĐN', cadre_target_pct: 100, member_target_pct: 80 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const marchWave = await aWave(db, { ownerUnitId: districtId, title: 'Tháng Thanh niên', startsAt: new Date('2026-03-01T00:00:00+07:00'), endsAt: new Date('2026-04-01T00:00:00+07:00'), status: 'closed' });
  const novemberWave = await aWave(db, { ownerUnitId: districtId, title: 'Thắp nến tri ân', startsAt: new Date('2026-11-01T00:00:00+07:00'), endsAt: new Date('2026-12-31T00:00:00+07:00'), status: 'open' });
  await db.updateTable('waves').set({ plan_id: plan.id }).where('id', 'in', [marchWave, novemberWave]).execute();
  const trendOfA = await aWave(db, { ownerUnitId: branchA, title: 'Trào lưu An Lạc xanh', startsAt: new Date('2026-05-01T00:00:00+07:00'), status: 'open' });
  // A draft trend does not count: staff have not opened it.
  await aWave(db, { ownerUnitId: branchB, title: 'Trào lưu nháp', startsAt: new Date('2026-06-01T00:00:00+07:00'), status: 'draft' });

  const [a1, a2] = await people(db, branchA, 'cadre', 2);
  const aMembers = await people(db, branchA, 'member', 5);
  const [b1] = await people(db, branchB, 'cadre', 1);
  const bMembers = await people(db, branchB, 'member', 2);
  const [x1] = await people(db, branchX, 'member', 1);
  const pendingInA = await aMember(db, { branchId: branchA, role: 'member', status: 'pending' });

  await took(db, marchWave, [a1!, a2!, ...aMembers.slice(0, 4), b1!, bMembers[0]!, pendingInA]);
  await took(db, marchWave, [x1!], 'proofSubmitted');
  await took(db, marchWave, [bMembers[1]!], 'rejected');
  await took(db, novemberWave, [a1!, ...aMembers]);
  await took(db, novemberWave, [x1!], 'joined');

  await db
    .insertInto('branch_reports')
    .values([
      { branch_id: branchA, report_date: '2026-11-01', post_url: 'https://www.facebook.com/anlac/posts/1' },
      { branch_id: branchA, report_date: '2026-11-02', post_url: 'https://www.facebook.com/anlac/posts/2' },
      { branch_id: branchX, report_date: '2026-11-29', post_url: 'https://www.facebook.com/tantao/posts/1' },
      { branch_id: branchB, report_date: '2026-10-15', post_url: 'https://www.facebook.com/btd/posts/1' },
    ])
    .execute();

  const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);
  await identity(db, aMembers[0]!, 'messenger', ago(1));
  await identity(db, aMembers[1]!, 'zalo', ago(30));
  await identity(db, aMembers[2]!, 'zalo', ago(72));
  await identity(db, aMembers[3]!, 'messenger', ago(2), { windowClosedAt: ago(1) });
  await identity(db, bMembers[0]!, 'messenger', ago(30));
  await identity(db, x1!, 'messenger', ago(1), { unreachable: true });
  await identity(db, b1!, 'zalo', ago(10));
  // Wrote an hour ago but never agreed to the registration notice: nobody may message them.
  await identity(db, aMembers[4]!, 'messenger', ago(1), { noConsent: true });

  return { districtId, clusterOne, clusterTwo, branchA, branchB, branchX, planId: plan.id, marchWave, novemberWave, trendOfA, names };
}
