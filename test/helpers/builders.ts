/**
 * Small builders for tests that need units, members, waves, proofs and tasks in the database.
 * Each takes what the test cares about and defaults the rest; codes, names and phones are unique
 * per call so that tests sharing one database never collide.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Db } from '../../src/db/database';
import type { ChannelId, MemberRole, MemberStatus, TaskAction, WaveStatus } from '../../src/db/types';

let counter = 0;
function next(): number {
  counter += 1;
  return counter;
}

function token(): string {
  return randomBytes(4).toString('hex');
}

/** A district (the root unit). */
export async function aDistrict(db: Db, name = `Quận Đoàn ${token()}`): Promise<string> {
  const row = await db.insertInto('units').values({ level: 'district', code: `d-${token()}`, name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A unit under `parentId`: a branch (a ward by default) or a cluster. */
export async function aUnit(db: Db, parentId: string, options: { name?: string; level?: 'branch' | 'cluster' } = {}): Promise<string> {
  const level = options.level ?? 'branch';
  const row = await db
    .insertInto('units')
    .values({ level, kind: level === 'branch' ? 'ward' : null, parent_id: parentId, code: `u-${token()}`, name: options.name ?? `Chi đoàn ${token()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface MemberFields {
  readonly branchId: string | null;
  readonly role?: MemberRole;
  readonly status?: MemberStatus;
  readonly fullName?: string;
  readonly phone?: string;
  readonly isCollaborator?: boolean;
  readonly createdAt?: Date;
}

/** A unique valid mobile number (+849 and eight digits). */
export function aPhone(): string {
  return `+849${randomInt(10_000_000, 100_000_000)}`;
}

export async function aMember(db: Db, fields: MemberFields): Promise<string> {
  const status = fields.status ?? 'verified';
  const row = await db
    .insertInto('members')
    .values({
      full_name: fields.fullName ?? `Thành viên ${next()}`,
      phone: fields.phone ?? aPhone(),
      role: fields.role ?? 'member',
      branch_id: fields.branchId,
      is_collaborator: fields.isCollaborator ?? false,
      status,
      source: status === 'verified' ? 'roster' : 'chat',
      verified_by: status === 'verified' ? 'roster' : null,
      verified_at: status === 'verified' ? new Date('2026-01-01T00:00:00Z') : null,
      ...(fields.createdAt ? { created_at: fields.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Links a chat identity (a transcript user, before their first turn) to a member. */
export async function anIdentityFor(db: Db, who: { channel: ChannelId; platformUserId: string }, memberId: string): Promise<string> {
  const row = await db
    .insertInto('channel_identities')
    .values({ channel: who.channel, platform_user_id: who.platformUserId, member_id: memberId, last_inbound_at: new Date() })
    .onConflict((oc) => oc.columns(['channel', 'platform_user_id']).doUpdateSet({ member_id: memberId }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface WaveFields {
  readonly ownerUnitId: string;
  readonly title?: string;
  readonly startsAt?: Date;
  readonly endsAt?: Date;
  readonly status?: WaveStatus;
}

export async function aWave(db: Db, fields: WaveFields): Promise<string> {
  const row = await db
    .insertInto('waves')
    .values({
      owner_unit_id: fields.ownerUnitId,
      title: fields.title ?? `Đợt ${next()}`,
      action_kind: 'publicPost',
      starts_at: fields.startsAt ?? new Date('2026-11-01T00:00:00+07:00'),
      ends_at: fields.endsAt ?? new Date('2026-12-31T00:00:00+07:00'),
      status: fields.status ?? 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The member's participation in the wave (created once). */
export async function aParticipation(db: Db, waveId: string, memberId: string): Promise<string> {
  await db.insertInto('participations').values({ wave_id: waveId, member_id: memberId }).onConflict((oc) => oc.columns(['wave_id', 'member_id']).doNothing()).execute();
  const row = await db.selectFrom('participations').select('id').where('wave_id', '=', waveId).where('member_id', '=', memberId).executeTakeFirstOrThrow();
  return row.id;
}

export type ProofFields = { readonly waveId: string; readonly memberId: string; readonly submittedAt?: Date; readonly caption?: string } & (
  | { readonly link: string; readonly canonical?: string }
  | { readonly imageSha256: string }
);

/** A pending proof, its participation moved to proofSubmitted. */
export async function aProof(db: Db, fields: ProofFields): Promise<string> {
  const participationId = await aParticipation(db, fields.waveId, fields.memberId);
  const at = fields.submittedAt ?? new Date();
  const row = await db
    .insertInto('proofs')
    .values({
      participation_id: participationId,
      wave_id: fields.waveId,
      submitted_at: at,
      caption: fields.caption ?? null,
      ...('link' in fields
        ? { kind: 'link' as const, original_url: fields.link, canonical_url: fields.canonical ?? fields.link, platform: 'facebook' as const }
        : { kind: 'image' as const, image_state: 'stored' as const, image_sha256: fields.imageSha256, image_mime: 'image/jpeg', image_bytes: 1234 }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.updateTable('participations').set({ state: 'proofSubmitted', proof_submitted_at: at }).where('id', '=', participationId).execute();
  return row.id;
}

export interface TaskFields {
  readonly title?: string;
  readonly postUrl?: string;
  readonly actions?: TaskAction[];
  readonly unitId?: string | null;
  readonly deadline: Date;
  readonly status?: 'open' | 'closed';
  readonly description?: string;
}

export async function aTask(db: Db, fields: TaskFields): Promise<string> {
  const row = await db
    .insertInto('tasks')
    .values({
      title: fields.title ?? `Nhiệm vụ ${next()}`,
      description: fields.description ?? '',
      post_url: fields.postUrl ?? `https://www.facebook.com/quandoanbinhtan/posts/${1000 + next()}`,
      actions: fields.actions ?? ['like', 'share'],
      unit_id: fields.unitId ?? null,
      deadline: fields.deadline,
      status: fields.status ?? 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
