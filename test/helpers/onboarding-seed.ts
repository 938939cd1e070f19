import type { Db } from '../../src/db/database';
import { importMembersFile } from '../../src/domain/members/member-import.service';
import { importUnitsFile } from '../../src/domain/units/unit-import.service';
import { listUnits } from '../../src/domain/units/units.repository';

/**
 * A small district for onboarding tests, seeded through the staff's own importers (unit file,
 * then roster file): wards with look-alike names (Bình Hưng Hòa, … A, … B; Bình Trị Đông, …)
 * and a roster with one member per branch the tests register against.
 */
export const SEED_UNITS_CSV = [
  'Mã đơn vị,Tên đơn vị,Cấp,Loại hình,Đơn vị cấp trên',
  'binh-tan,Quận Đoàn Bình Tân,Quận,,',
  'kv1,Khu vực 1,Khu vực,,binh-tan',
  'kv2,Khu vực 2,Khu vực,,binh-tan',
  'bhh,Đoàn phường Bình Hưng Hòa,Cơ sở,Phường,kv1',
  'bhh-a,Đoàn phường Bình Hưng Hòa A,Cơ sở,Phường,kv1',
  'bhh-b,Đoàn phường Bình Hưng Hòa B,Cơ sở,Phường,kv1',
  'btd,Đoàn phường Bình Trị Đông,Cơ sở,Phường,kv2',
  'btd-a,Đoàn phường Bình Trị Đông A,Cơ sở,Phường,kv2',
  'btd-b,Đoàn phường Bình Trị Đông B,Cơ sở,Phường,kv2',
  'an-lac,Đoàn phường An Lạc,Cơ sở,Phường,kv2',
  'thpt-binh-tan,Đoàn trường THPT Bình Tân,Cơ sở,Trường,binh-tan',
].join('\n');

/** Roster members: phone (as a roster writes it), branch, role. */
export const ROSTER = {
  bhhA: { name: 'Lê Hoàng Minh', phone: '0912345679', e164: '+84912345679', branch: 'Đoàn phường Bình Hưng Hòa A' },
  bhhA2: { name: 'Lê Thị Ngọc Minh', phone: '0912345680', e164: '+84912345680', branch: 'Đoàn phường Bình Hưng Hòa A' },
  anLac: { name: 'Võ Quốc Bảo', phone: '0938123456', e164: '+84938123456', branch: 'Đoàn phường An Lạc' },
  /** Listed as Thanh niên: for a person who picks another role (one per channel). */
  youthZalo: { name: 'Đặng Thu Hà', phone: '0912345681', e164: '+84912345681', branch: 'Đoàn phường Bình Hưng Hòa A' },
  youthMessenger: { name: 'Đặng Thu Hằng', phone: '0912345682', e164: '+84912345682', branch: 'Đoàn phường Bình Hưng Hòa A' },
} as const;

const SEED_MEMBERS_CSV = [
  'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò',
  `${ROSTER.bhhA.name},${ROSTER.bhhA.phone},${ROSTER.bhhA.branch},Thanh niên`,
  `${ROSTER.bhhA2.name},${ROSTER.bhhA2.phone},${ROSTER.bhhA2.branch},Thanh niên`,
  `${ROSTER.anLac.name},${ROSTER.anLac.phone},${ROSTER.anLac.branch},Đoàn viên`,
  `${ROSTER.youthZalo.name},${ROSTER.youthZalo.phone},${ROSTER.youthZalo.branch},Thanh niên`,
  `${ROSTER.youthMessenger.name},${ROSTER.youthMessenger.phone},${ROSTER.youthMessenger.branch},Thanh niên`,
].join('\n');

export async function seedOnboardingDistrict(db: Db): Promise<void> {
  const units = await importUnitsFile(db, { name: 'units.csv', content: Buffer.from(SEED_UNITS_CSV) }, { skipInvalid: false });
  const members = await importMembersFile(db, { name: 'members.csv', content: Buffer.from(SEED_MEMBERS_CSV) }, { skipInvalid: false });
  for (const report of [units, members]) if (!report.imported || report.invalid.length > 0) throw new Error(`seed import problems: ${JSON.stringify(report.invalid)}`);
}

export async function branchIdOf(db: Db, code: string): Promise<string> {
  const unit = (await listUnits(db)).find((u) => u.code === code);
  if (!unit) throw new Error(`no unit ${code}`);
  return unit.id;
}
