/** Waves, branches and members for the waves transcripts: seeded through the plan seed and the roster repository. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../src/db/database';
import type { MemberRole, NewWave } from '../../src/db/types';
import { findMembersByPhones, insertRosterMembers } from '../../src/domain/members/members.repository';
import { insertWaveIfAbsent } from '../../src/domain/plans/plan-seed.repository';
import { seedExamplePlan } from '../../src/domain/plans/plan-seed.service';
import type { TranscriptUser } from './transcript';

export const TZ = 'Asia/Ho_Chi_Minh';

export interface SeededPlan {
  readonly branchId: string;
  readonly otherBranchId: string;
  /** Every branch of the example tree, by code. */
  readonly branchIds: readonly string[];
  readonly districtId: string;
  readonly waveIds: Readonly<Record<string, string>>;
}

/** The 2024 example plan (five waves, open) and two of its branches. */
export async function seedPlan(db: Db): Promise<SeededPlan> {
  await seedExamplePlan(db, { year: 2024, timeZone: TZ });
  const branches = await db.selectFrom('units').select('id').where('level', '=', 'branch').orderBy('code').execute();
  const district = await db.selectFrom('units').select('id').where('level', '=', 'district').executeTakeFirstOrThrow();
  const waves = await db.selectFrom('waves').select(['id', 'template_key']).execute();
  return {
    branchId: branches[0]!.id,
    otherBranchId: branches[1]!.id,
    branchIds: branches.map((b) => b.id),
    districtId: district.id,
    waveIds: Object.fromEntries(waves.map((w) => [w.template_key ?? w.id, w.id])),
  };
}

let phoneSequence = 0;

/** Verified roster members of a branch; returns their ids in order. */
export async function addMembers(db: Db, branchId: string, roles: readonly MemberRole[], status: 'verified' | 'pending' = 'verified'): Promise<string[]> {
  const phones = roles.map(() => {
    phoneSequence += 1;
    return `+8490${String(process.pid % 1000).padStart(3, '0')}${String(phoneSequence).padStart(4, '0')}`;
  });
  await insertRosterMembers(
    db,
    roles.map((role, i) => ({ fullName: `Đoàn viên ${i + 1}`, phone: phones[i]!, role, branchId, isCollaborator: false, isTheoryClub: false, isBranchSecretary: false, status, verifiedBy: 'roster', verifiedAt: new Date() })),
  );
  const found = await findMembersByPhones(db, phones);
  return phones.map((p) => found.find((m) => m.phone === p)!.id);
}

/** Links the user's channel identity to a member (what registration does), after a first turn creates the identity. */
export async function registerAs(db: Db, user: TranscriptUser, memberId: string): Promise<void> {
  await user.say('menu');
  await db.updateTable('channel_identities').set({ member_id: memberId }).where('id', '=', await user.identityId()).execute();
}

/** A wave of the district outside the example plan's months. */
export async function addWave(db: Db, districtId: string, wave: Partial<NewWave> & Pick<NewWave, 'title' | 'starts_at' | 'ends_at'>): Promise<string> {
  const id = await insertWaveIfAbsent(db, { owner_unit_id: districtId, action_kind: 'publicPost', status: 'open', ...wave });
  if (!id) throw new Error('wave not inserted');
  return id;
}

/** A local HTTP server standing in for a platform's image CDN. */
export interface FakeCdn {
  readonly base: string;
  close(): Promise<void>;
}

export type CdnRoute = (res: ServerResponse) => void;

export async function startCdn(routes: Readonly<Record<string, CdnRoute>>): Promise<FakeCdn> {
  const server: Server = createServer((req, res) => {
    const route = routes[(req.url ?? '').split('?')[0] ?? ''];
    if (route) route(res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A small valid PNG (1×1), varied by `seed` so each is a different image. */
export function pngBytes(seed = 0): Buffer {
  const base = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201e221bc330000000049454e44ae426082', 'hex');
  return Buffer.concat([base, Buffer.from(`seed:${seed}`)]);
}
