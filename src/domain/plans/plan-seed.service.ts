import { withTransaction, type Db } from '../../db/database';
import { AppError } from '../../errors/app-error';
import type { LocalDay } from '../shared/time';
import { examplePlan, type ExampleUnit } from './example-plan';
import { insertOfficialPageIfAbsent } from '../official-pages/official-pages.repository';
import { EXAMPLE_TEACHINGS } from './example-teachings';
import { findPlanId, findUnitByCode, insertPlanIfAbsent, insertSeededContentIfAbsent, insertUnitIfAbsent, insertWaveIfAbsent } from './plan-seed.repository';

export interface SeedCounts {
  readonly created: number;
  readonly existing: number;
}

export interface SeededWave {
  readonly templateKey: string;
  readonly title: string;
  readonly firstDay: LocalDay;
  readonly lastDay: LocalDay;
  readonly created: boolean;
}

export interface ExampleSeedResult {
  readonly year: number;
  readonly timeZone: string;
  readonly districtName: string;
  readonly planTitle: string;
  readonly planReference: string;
  readonly targets: { readonly cadrePct: number; readonly memberPct: number; readonly trendsPerBranch: number; readonly goodNewsPerDay: number };
  readonly units: SeedCounts;
  readonly plans: SeedCounts;
  readonly waves: SeedCounts;
  readonly officialPages: SeedCounts;
  /** The starter "Lời Bác dạy" library, waiting for staff approval. */
  readonly teachings: SeedCounts;
  readonly waveDetails: readonly SeededWave[];
}

function count(flags: readonly boolean[]): SeedCounts {
  const created = flags.filter(Boolean).length;
  return { created, existing: flags.length - created };
}

async function seedUnit(db: Db, unit: ExampleUnit, ids: Map<string, string>): Promise<boolean> {
  const parentId = unit.parentCode === null ? null : ids.get(unit.parentCode);
  if (parentId === undefined) throw new Error(`example unit ${unit.code} comes before its parent ${unit.parentCode}`);
  const insertedId = await insertUnitIfAbsent(db, {
    parent_id: parentId,
    level: unit.level,
    kind: unit.kind,
    code: unit.code,
    name: unit.name,
    is_example: true,
  });
  if (insertedId !== undefined) {
    ids.set(unit.code, insertedId);
    return true;
  }
  // Whatever staff changed on an existing unit stays; it is only looked up to place its children.
  const existing = await findUnitByCode(db, unit.code);
  if (!existing) {
    throw new AppError(
      'CONFLICT',
      `Đơn vị "${unit.name}" đã có dưới cùng đơn vị cấp trên nhưng mang mã khác, nên không thể tạo đơn vị mẫu mã "${unit.code}".\n` +
        `A unit named "${unit.name}" already exists under the same parent with another code; the sample unit "${unit.code}" cannot be created.`,
    );
  }
  if (existing.level !== unit.level) {
    throw new AppError(
      'CONFLICT',
      `Mã "${unit.code}" đã thuộc về một đơn vị cấp "${existing.level}", không phải "${unit.level}".\n` +
        `The code "${unit.code}" already belongs to a ${existing.level} unit, not a ${unit.level}.`,
    );
  }
  ids.set(unit.code, existing.id);
  return false;
}

/**
 * Loads the example plan for `year` (the sample org tree, the plan and its five district waves) in
 * one transaction. Insert-if-absent throughout, keyed by unit code, (owner, year) and
 * (plan, template_key): nothing that exists is ever updated, since staff may have edited it.
 */
export async function seedExamplePlan(db: Db, options: { year: number; timeZone: string }): Promise<ExampleSeedResult> {
  const template = examplePlan(options.year, options.timeZone);
  return withTransaction(db, async (tx) => {
    const ids = new Map<string, string>();
    const unitFlags: boolean[] = [];
    for (const unit of template.units) unitFlags.push(await seedUnit(tx, unit, ids));

    const { plan } = template;
    const ownerId = ids.get(plan.ownerCode);
    if (ownerId === undefined) throw new Error(`the example plan's owner ${plan.ownerCode} is not in the example tree`);
    const insertedPlanId = await insertPlanIfAbsent(tx, {
      owner_unit_id: ownerId,
      year: plan.year,
      title: plan.title,
      reference: plan.reference,
      cadre_target_pct: plan.cadreTargetPct,
      member_target_pct: plan.memberTargetPct,
      trends_per_branch_per_year: plan.trendsPerBranchPerYear,
      good_news_per_day: plan.goodNewsPerDay,
      legal_info_per_day: plan.legalInfoPerDay,
      teachings_per_week: plan.teachingsPerWeek,
      is_example: true,
    });
    const planId = insertedPlanId ?? (await findPlanId(tx, ownerId, plan.year));
    if (planId === undefined) throw new Error(`the plan of ${plan.ownerCode} for ${plan.year} was neither inserted nor found`);

    const waveDetails: SeededWave[] = [];
    for (const wave of template.waves) {
      const insertedId = await insertWaveIfAbsent(tx, {
        plan_id: planId,
        owner_unit_id: ownerId,
        title: wave.title,
        description: wave.description,
        action_kind: wave.actionKind,
        hashtags: [...wave.hashtags],
        required_hashtag: wave.requiredHashtag,
        starts_at: wave.startsAt,
        ends_at: wave.endsAt,
        status: 'open',
        template_key: wave.templateKey,
      });
      const { templateKey, title, firstDay, lastDay } = wave;
      waveDetails.push({ templateKey, title, firstDay, lastDay, created: insertedId !== undefined });
    }

    const pageFlags: boolean[] = [];
    for (const [i, page] of template.officialPages.entries()) {
      pageFlags.push(
        await insertOfficialPageIfAbsent(tx, {
          seed_key: page.seedKey,
          title: page.title,
          url: page.url,
          platform: page.platform,
          description: page.description,
          sort_order: (i + 1) * 10,
          is_example: true,
        }),
      );
    }

    const teachingFlags: boolean[] = [];
    for (const teaching of EXAMPLE_TEACHINGS) {
      teachingFlags.push(await insertSeededContentIfAbsent(tx, { seedKey: teaching.seedKey, kind: 'uncleHoTeaching', body: teaching.body, source: teaching.source }));
    }

    const district = template.units.find((u) => u.code === plan.ownerCode);
    return {
      year: plan.year,
      timeZone: options.timeZone,
      districtName: district?.name ?? plan.ownerCode,
      planTitle: plan.title,
      planReference: plan.reference,
      targets: {
        cadrePct: plan.cadreTargetPct,
        memberPct: plan.memberTargetPct,
        trendsPerBranch: plan.trendsPerBranchPerYear,
        goodNewsPerDay: plan.goodNewsPerDay,
      },
      units: count(unitFlags),
      plans: count([insertedPlanId !== undefined]),
      waves: count(waveDetails.map((w) => w.created)),
      officialPages: count(pageFlags),
      teachings: count(teachingFlags),
      waveDetails,
    };
  });
}

function formatDay(day: LocalDay): string {
  return `${String(day.day).padStart(2, '0')}/${String(day.month).padStart(2, '0')}/${day.year}`;
}

/** What the seeding did, in Vietnamese, for the person at the terminal. */
export function describeSeedResult(result: ExampleSeedResult): string {
  const counts = (c: SeedCounts) => `${c.created} tạo mới, ${c.existing} đã có`;
  const { targets } = result;
  const lines = [
    `Kế hoạch mẫu năm ${result.year} — dữ liệu mẫu để làm quen và chạy thử, không phải dữ liệu thật của đơn vị.`,
    `${result.planTitle} (${result.planReference}), đơn vị chủ trì: ${result.districtName} (mẫu).`,
    `Chỉ tiêu: ${targets.cadrePct}% cán bộ Đoàn, ${targets.memberPct}% đoàn viên, thanh niên tham gia mỗi đợt; ` +
      `mỗi cơ sở ít nhất ${targets.trendsPerBranch} trào lưu/năm; ít nhất ${targets.goodNewsPerDay} tin tốt mỗi ngày.`,
    '',
    `  Đơn vị (cây tổ chức mẫu): ${counts(result.units)}`,
    `  Kế hoạch:                 ${counts(result.plans)}`,
    `  Đợt hoạt động:            ${counts(result.waves)}`,
    `  Trang chính thống:        ${counts(result.officialPages)} — địa chỉ trang là địa chỉ mẫu (example), cán bộ cần thay bằng địa chỉ thật`,
    `  Lời Bác dạy:              ${counts(result.teachings)} — chờ cán bộ kiểm tra nguồn và duyệt trước khi gửi`,
    '',
    `Các đợt hoạt động (giờ ${result.timeZone}):`,
    ...result.waveDetails.map(
      (w) => `  ${formatDay(w.firstDay)} – ${formatDay(w.lastDay)}  ${w.created ? '[tạo mới]' : '[đã có, giữ nguyên]'}  ${w.title}`,
    ),
    '',
  ];
  const createdNothing = result.units.created + result.plans.created + result.waves.created + result.officialPages.created + result.teachings.created === 0;
  lines.push(
    createdNothing
      ? 'Không có gì thay đổi: toàn bộ dữ liệu mẫu đã có sẵn, những gì đã có được giữ nguyên.'
      : 'Xong. Những gì đã có từ trước được giữ nguyên, không bị ghi đè.',
  );
  return `${lines.join('\n')}\n`;
}
