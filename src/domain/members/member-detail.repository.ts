import type { Db, Tx } from '../../db/database';
import type { ChannelId, ConsentPurpose, MemberRole, MemberStatus, ParticipationState } from '../../db/types';

/** What staff see of one member on the Đoàn viên page: the person, how they write to us, what they agreed to, what they took part in. */
export interface MemberDetail {
  readonly id: string;
  readonly fullName: string | null;
  readonly phone: string | null;
  readonly role: MemberRole;
  readonly status: MemberStatus;
  readonly branchId: string | null;
  readonly branchName: string | null;
  readonly source: string;
  readonly verifiedBy: string | null;
  readonly verifiedAt: Date | null;
  readonly registrationDeclinedAt: Date | null;
  readonly registrationNote: string | null;
  readonly unmatchedBranchNote: string | null;
  readonly isCollaborator: boolean;
  readonly isBranchSecretary: boolean;
  readonly isTheoryClub: boolean;
  readonly createdAt: Date;
  readonly identities: readonly {
    readonly channel: ChannelId;
    readonly displayName: string | null;
    readonly lastInboundAt: Date | null;
    readonly reachable: boolean;
    readonly following: string;
  }[];
  readonly consents: readonly { readonly purpose: ConsentPurpose; readonly granted: boolean; readonly noticeVersion: string; readonly recordedAt: Date }[];
  readonly participations: readonly { readonly waveTitle: string; readonly state: ParticipationState; readonly joinedAt: Date }[];
}

export async function findMemberDetail(db: Db | Tx, memberId: string): Promise<MemberDetail | undefined> {
  const m = await db
    .selectFrom('members as m')
    .leftJoin('units as u', 'u.id', 'm.branch_id')
    .select([
      'm.id', 'm.full_name', 'm.phone', 'm.role', 'm.status', 'm.branch_id', 'u.name as branch_name', 'm.source', 'm.verified_by', 'm.verified_at',
      'm.registration_declined_at', 'm.registration_note', 'm.unmatched_branch_note', 'm.is_collaborator', 'm.is_theory_club', 'm.is_branch_secretary', 'm.created_at',
    ])
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  if (!m) return undefined;
  const [identities, consents, participations] = await Promise.all([
    db
      .selectFrom('channel_identities')
      .select(['channel', 'display_name', 'last_inbound_at', 'reachability', 'follow_state'])
      .where('member_id', '=', memberId)
      .orderBy('created_at')
      .execute(),
    db.selectFrom('consents').select(['purpose', 'granted', 'notice_version', 'recorded_at']).where('member_id', '=', memberId).orderBy('recorded_at', 'desc').limit(50).execute(),
    db
      .selectFrom('participations as p')
      .innerJoin('waves as w', 'w.id', 'p.wave_id')
      .select(['w.title', 'p.state', 'p.joined_at'])
      .where('p.member_id', '=', memberId)
      .orderBy('p.joined_at', 'desc')
      .limit(100)
      .execute(),
  ]);
  return {
    id: m.id,
    fullName: m.full_name,
    phone: m.phone,
    role: m.role,
    status: m.status,
    branchId: m.branch_id,
    branchName: m.branch_name,
    source: m.source,
    verifiedBy: m.verified_by,
    verifiedAt: m.verified_at,
    registrationDeclinedAt: m.registration_declined_at,
    registrationNote: m.registration_note,
    unmatchedBranchNote: m.unmatched_branch_note,
    isCollaborator: m.is_collaborator,
    isBranchSecretary: m.is_branch_secretary,
    isTheoryClub: m.is_theory_club,
    createdAt: m.created_at,
    identities: identities.map((i) => ({ channel: i.channel, displayName: i.display_name, lastInboundAt: i.last_inbound_at, reachable: i.reachability === 'reachable', following: i.follow_state })),
    consents: consents.map((c) => ({ purpose: c.purpose, granted: c.granted, noticeVersion: c.notice_version, recordedAt: c.recorded_at })),
    participations: participations.map((p) => ({ waveTitle: p.title, state: p.state, joinedAt: p.joined_at })),
  };
}
