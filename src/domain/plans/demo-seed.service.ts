import type { Db } from '../../db/database';
import { withTransaction } from '../../db/database';
import { insertRosterMembers } from '../members/members.repository';
import { addDays, formatIsoDay, localDayOf, zonedDayRange, type LocalDay } from '../shared/time';
import { insertTaskIfAbsent } from '../tasks/tasks.repository';
import { CAMPAIGN_HASHTAG, EXAMPLE_DISTRICT_CODE } from './example-plan';
import { findPlanId, findUnitByCode, insertWaveIfAbsent } from './plan-seed.repository';
import { seedExamplePlan, type ExampleSeedResult } from './plan-seed.service';

/**
 * A demo on top of the example plan, for trying every journey in /simulator today: the example
 * plan of the current year, one wave open from today for 30 days, a small roster in one branch
 * (a cadre, two members, one of them a collaborator, a young person; every name says "(mẫu)", and
 * the made-up phones are only ever compared with what a tester types: nobody is called or texted)
 * and a collaborator task. Running it again on the same day adds nothing; on another day it adds
 * that day's demo wave.
 */
export const DEMO_BRANCH_CODE = 'p-binh-hung-hoa-a';
export const DEMO_WAVE_DAYS = 30;

export interface DemoPerson {
  readonly fullName: string;
  readonly phone: string;
  readonly role: 'cadre' | 'member' | 'youth';
  readonly isCollaborator: boolean;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { fullName: 'Trần Thị Mai (mẫu)', phone: '+84901000001', role: 'cadre', isCollaborator: false },
  { fullName: 'Nguyễn Văn An (mẫu)', phone: '+84901000002', role: 'member', isCollaborator: false },
  { fullName: 'Lê Minh Châu (mẫu)', phone: '+84901000003', role: 'member', isCollaborator: true },
  { fullName: 'Phạm Gia Huy (mẫu)', phone: '+84901000004', role: 'youth', isCollaborator: false },
];

export interface DemoSeedResult {
  readonly plan: ExampleSeedResult;
  readonly wave: { readonly title: string; readonly firstDay: LocalDay; readonly lastDay: LocalDay; readonly created: boolean };
  readonly peopleCreated: number;
  readonly taskCreated: boolean;
}

export async function seedDemo(db: Db, options: { now: Date; timeZone: string }): Promise<DemoSeedResult> {
  const today = localDayOf(options.now, options.timeZone);
  const plan = await seedExamplePlan(db, { year: today.year, timeZone: options.timeZone });
  return withTransaction(db, async (tx) => {
    const district = await findUnitByCode(tx, EXAMPLE_DISTRICT_CODE);
    const branch = await findUnitByCode(tx, DEMO_BRANCH_CODE);
    if (!district || !branch) throw new Error('the example org tree is missing after seeding it');
    const planId = await findPlanId(tx, district.id, today.year);
    if (!planId) throw new Error(`the example plan of ${today.year} is missing after seeding it`);

    const lastDay = addDays(today, DEMO_WAVE_DAYS - 1);
    const { startsAt, endsAt } = zonedDayRange(today, lastDay, options.timeZone);
    const title = 'Đợt thử nghiệm: Lan tỏa “Xanh hóa không gian mạng” (mẫu)';
    const waveId = await insertWaveIfAbsent(tx, {
      plan_id: planId,
      owner_unit_id: district.id,
      title,
      description:
        'Đăng một bài viết tích cực về quê hương, gắn hashtag của đợt, để chế độ công khai rồi gửi đường dẫn bài viết (hoặc ảnh chụp màn hình) cho trợ lý. ' +
        'Đây là đợt mẫu để dùng thử, không phải đợt thật.',
      action_kind: 'publicPost',
      hashtags: [CAMPAIGN_HASHTAG, '#BinhTanTrongToi'],
      required_hashtag: null,
      asset_url: 'https://example.org/vung-xanh/khung-anh-mau.png',
      starts_at: startsAt,
      ends_at: endsAt,
      status: 'open',
      template_key: `demo-${formatIsoDay(today)}`,
    });

    const peopleCreated = await insertRosterMembers(
      tx,
      DEMO_PEOPLE.map((p) => ({
        fullName: p.fullName,
        phone: p.phone,
        role: p.role,
        branchId: branch.id,
        isCollaborator: p.isCollaborator,
        isTheoryClub: false,
        isBranchSecretary: false,
        status: 'verified',
        verifiedBy: 'roster',
        verifiedAt: options.now,
      })),
    );

    const taskId = await insertTaskIfAbsent(tx, {
      title: 'Chia sẻ bài phát động đợt thử nghiệm (mẫu)',
      description: 'Thích và chia sẻ bài phát động trên trang của Quận Đoàn, kèm một lời nhắn tích cực.',
      postUrl: 'https://www.facebook.com/example-quan-doan-binh-tan/posts/1000000000000001',
      actions: ['like', 'share', 'comment'],
      unitId: null,
      deadline: zonedDayRange(addDays(today, 14), addDays(today, 14), options.timeZone).endsAt,
    });

    return { plan, wave: { title, firstDay: today, lastDay, created: waveId !== undefined }, peopleCreated, taskCreated: taskId !== undefined };
  });
}

/** What was seeded and how to try it, in Vietnamese first (the staff's language), for the terminal. */
export function describeDemoSeed(result: DemoSeedResult, describePlan: (plan: ExampleSeedResult) => string, simulatorUrl: string): string {
  const day = (d: LocalDay) => `${d.day}/${d.month}/${d.year}`;
  const phone = (p: string) => `0${p.slice(3)}`;
  return [
    describePlan(result.plan).trimEnd(),
    '',
    `Dữ liệu dùng thử (mẫu) — đơn vị: Đoàn phường Bình Hưng Hòa A`,
    `  Đợt đang mở: ${result.wave.title}, ${day(result.wave.firstDay)}–${day(result.wave.lastDay)} (${result.wave.created ? 'tạo mới' : 'đã có'})`,
    `  Danh sách đoàn viên mẫu: ${result.peopleCreated} người tạo mới; nhiệm vụ CTV: ${result.taskCreated ? 'tạo mới' : 'đã có'}`,
    ...DEMO_PEOPLE.map((p) => `    ${p.fullName.padEnd(22)} ${phone(p.phone)}  ${p.role === 'cadre' ? 'cán bộ Đoàn' : p.role === 'member' ? 'đoàn viên' : 'thanh niên'}${p.isCollaborator ? ', cộng tác viên' : ''}`),
    '',
    `Thử ở ${simulatorUrl}: nhắn "xin chào", đồng ý, đăng ký với đơn vị "binh hung hoa a" và một số điện thoại ở trên`,
    '(số có trong danh sách được xác thực ngay); cán bộ mẫu gõ "#canbo" để duyệt minh chứng.',
    `Try it at ${simulatorUrl}: say hello, agree, register with branch "binh hung hoa a" and one of the phones above (verified at once`,
    'by the roster); the sample cadre types "#canbo" to review proofs.',
    '',
  ].join('\n');
}
