import type { Db, Tx } from '../../db/database';
import type { ChannelId, ConsentPurpose, MemberRole, MemberStatus, SubscriptionTopic } from '../../db/types';

/** What we keep about a member, read for "dữ liệu của tôi". */
export interface MemberDataView {
  readonly fullName: string | null;
  readonly phone: string | null;
  readonly branchName: string | null;
  readonly unmatchedBranchNote: string | null;
  readonly role: MemberRole;
  readonly status: MemberStatus;
  readonly consents: readonly { purpose: ConsentPurpose; granted: boolean; at: Date }[];
  readonly wavesJoined: number;
  readonly proofs: number;
  readonly subscriptions: readonly SubscriptionTopic[];
  readonly channels: readonly ChannelId[];
}

export async function readMemberData(db: Db | Tx, memberId: string, identityId: string): Promise<MemberDataView | undefined> {
  const member = await db
    .selectFrom('members as m')
    .leftJoin('units as u', 'u.id', 'm.branch_id')
    .select(['m.full_name', 'm.phone', 'm.role', 'm.status', 'm.unmatched_branch_note', 'u.name as branch_name'])
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  if (!member) return undefined;
  const identities = await db.selectFrom('channel_identities').select(['id', 'channel']).where('member_id', '=', memberId).orderBy('created_at').execute();
  const identityIds = [...new Set([identityId, ...identities.map((i) => i.id)])];
  const consents = await db
    .selectFrom('consents')
    .select(['purpose', 'granted', 'recorded_at'])
    .where((eb) => eb.or([eb('member_id', '=', memberId), eb('identity_id', 'in', identityIds)]))
    .orderBy('recorded_at')
    .execute();
  const waves = await db.selectFrom('participations').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow();
  const proofs = await db
    .selectFrom('proofs')
    .innerJoin('participations', 'participations.id', 'proofs.participation_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('participations.member_id', '=', memberId)
    .executeTakeFirstOrThrow();
  const subscriptions = await db.selectFrom('subscriptions').select('topic').distinct().where('identity_id', 'in', identityIds).where('active', '=', true).execute();
  return {
    fullName: member.full_name,
    phone: member.phone,
    branchName: member.branch_name,
    unmatchedBranchNote: member.unmatched_branch_note,
    role: member.role,
    status: member.status,
    consents: consents.map((c) => ({ purpose: c.purpose, granted: c.granted, at: c.recorded_at })),
    wavesJoined: Number(waves.n),
    proofs: Number(proofs.n),
    subscriptions: subscriptions.map((s) => s.topic),
    channels: [...new Set(identities.map((i) => i.channel))],
  };
}

