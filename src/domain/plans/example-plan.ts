/**
 * The example plan: plan 118-KH/ĐTN-TG.ĐN of the Bình Tân district Youth Union (25/3/2024),
 * "Thực hiện Mô hình “Xanh hóa không gian mạng”", as a template for any year. Pure data: the
 * seeding service (plan-seed.service.ts) writes it to the database.
 */
import type { BranchKind, UnitLevel, WaveAction } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { zonedDayRange, formatVietnameseDay, type LocalDay } from '../shared/time';
import { anniversaryDay, anniversaryNumber, HISTORIC_DAYS } from './anniversary';
import { EXAMPLE_OFFICIAL_PAGES, type ExampleOfficialPage } from './example-official-pages';

export const EXAMPLE_DEFAULT_YEAR = 2024;
export const EXAMPLE_MIN_YEAR = 2000;
export const EXAMPLE_MAX_YEAR = 2100;
export const EXAMPLE_PLAN_REFERENCE = '118-KH/ĐTN-TG.ĐN';
export const EXAMPLE_DISTRICT_CODE = 'binh-tan';
export const CAMPAIGN_HASHTAG = '#XanhHoaKhongGianMang';

export interface ExampleUnit {
  readonly code: string;
  readonly name: string;
  readonly level: UnitLevel;
  readonly kind: BranchKind | null;
  /** Null for the district only. */
  readonly parentCode: string | null;
}

export interface ExamplePlanRow {
  readonly ownerCode: string;
  readonly year: number;
  readonly title: string;
  readonly reference: string;
  readonly cadreTargetPct: number;
  readonly memberTargetPct: number;
  readonly trendsPerBranchPerYear: number;
  readonly goodNewsPerDay: number;
  readonly legalInfoPerDay: number;
  readonly teachingsPerWeek: number;
}

export interface ExampleWave {
  readonly templateKey: string;
  readonly title: string;
  readonly description: string;
  readonly actionKind: WaveAction;
  readonly hashtags: readonly string[];
  readonly requiredHashtag: string | null;
  /** Inclusive local calendar days. */
  readonly firstDay: LocalDay;
  readonly lastDay: LocalDay;
  readonly startsAt: Date;
  /** Exclusive: local midnight after `lastDay`. */
  readonly endsAt: Date;
}

export interface ExamplePlan {
  /** Parents before children. */
  readonly units: readonly ExampleUnit[];
  readonly plan: ExamplePlanRow;
  readonly waves: readonly ExampleWave[];
  /** Pages members are asked to follow; their addresses are placeholders staff replace. */
  readonly officialPages: readonly ExampleOfficialPage[];
}

const CLUSTERS = [
  { code: 'binh-tan-kv-1', name: 'Khu vực 1 (mẫu)' },
  { code: 'binh-tan-kv-2', name: 'Khu vực 2 (mẫu)' },
  { code: 'binh-tan-kv-3', name: 'Khu vực 3 (mẫu)' },
] as const;

// The grouping follows the map (An Lạc – Tân Tạo in the south-west, Bình Trị Đông in the
// centre, Bình Hưng Hòa in the north); the plan itself names no clusters. Invented names say "(mẫu)".
const BRANCHES: readonly (Omit<ExampleUnit, 'level'> & { kind: BranchKind })[] = [
  { code: 'p-an-lac', name: 'Đoàn phường An Lạc', kind: 'ward', parentCode: 'binh-tan-kv-1' },
  { code: 'p-an-lac-a', name: 'Đoàn phường An Lạc A', kind: 'ward', parentCode: 'binh-tan-kv-1' },
  { code: 'p-tan-tao', name: 'Đoàn phường Tân Tạo', kind: 'ward', parentCode: 'binh-tan-kv-1' },
  { code: 'p-tan-tao-a', name: 'Đoàn phường Tân Tạo A', kind: 'ward', parentCode: 'binh-tan-kv-1' },
  { code: 'thpt-an-lac', name: 'Đoàn trường THPT An Lạc', kind: 'school', parentCode: 'binh-tan-kv-1' },
  { code: 'dn-giay-da-an-lac', name: 'Đoàn cơ sở Công ty TNHH Giày da An Lạc (mẫu)', kind: 'enterprise', parentCode: 'binh-tan-kv-1' },
  { code: 'p-binh-tri-dong', name: 'Đoàn phường Bình Trị Đông', kind: 'ward', parentCode: 'binh-tan-kv-2' },
  { code: 'p-binh-tri-dong-a', name: 'Đoàn phường Bình Trị Đông A', kind: 'ward', parentCode: 'binh-tan-kv-2' },
  { code: 'p-binh-tri-dong-b', name: 'Đoàn phường Bình Trị Đông B', kind: 'ward', parentCode: 'binh-tan-kv-2' },
  { code: 'thpt-nguyen-huu-canh', name: 'Đoàn trường THPT Nguyễn Hữu Cảnh', kind: 'school', parentCode: 'binh-tan-kv-2' },
  { code: 'cq-ubnd-binh-tan', name: 'Chi đoàn Cơ quan Ủy ban nhân dân quận Bình Tân', kind: 'agency', parentCode: 'binh-tan-kv-2' },
  { code: 'cq-ttyt-binh-tan', name: 'Đoàn cơ sở Trung tâm Y tế quận Bình Tân', kind: 'agency', parentCode: 'binh-tan-kv-2' },
  { code: 'p-binh-hung-hoa', name: 'Đoàn phường Bình Hưng Hòa', kind: 'ward', parentCode: 'binh-tan-kv-3' },
  { code: 'p-binh-hung-hoa-a', name: 'Đoàn phường Bình Hưng Hòa A', kind: 'ward', parentCode: 'binh-tan-kv-3' },
  { code: 'p-binh-hung-hoa-b', name: 'Đoàn phường Bình Hưng Hòa B', kind: 'ward', parentCode: 'binh-tan-kv-3' },
  { code: 'thpt-binh-hung-hoa', name: 'Đoàn trường THPT Bình Hưng Hòa', kind: 'school', parentCode: 'binh-tan-kv-3' },
  { code: 'dn-thuc-pham-binh-hung-hoa', name: 'Chi đoàn Công ty Cổ phần Thực phẩm Bình Hưng Hòa (mẫu)', kind: 'enterprise', parentCode: 'binh-tan-kv-3' },
];

const EXAMPLE_UNITS: readonly ExampleUnit[] = [
  { code: EXAMPLE_DISTRICT_CODE, name: 'Quận Đoàn Bình Tân', level: 'district', kind: null, parentCode: null },
  ...CLUSTERS.map((c) => ({ ...c, level: 'cluster' as const, kind: null, parentCode: EXAMPLE_DISTRICT_CODE })),
  ...BRANCHES.map((b) => ({ ...b, level: 'branch' as const })),
];

/**
 * The year an operator asked for (`--year`), or the document's year when none was given.
 * Throws VALIDATION_FAILED with a message for the person at the terminal.
 */
export function parseExampleYear(text: string | undefined): number {
  if (text === undefined) return EXAMPLE_DEFAULT_YEAR;
  const year = /^\d{4}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(year >= EXAMPLE_MIN_YEAR && year <= EXAMPLE_MAX_YEAR)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Năm không hợp lệ: "${text}". Hãy nhập một năm từ ${EXAMPLE_MIN_YEAR} đến ${EXAMPLE_MAX_YEAR}, ví dụ --year 2025.\n` +
        `Invalid year "${text}": expected a year from ${EXAMPLE_MIN_YEAR} to ${EXAMPLE_MAX_YEAR}, e.g. --year 2025.`,
    );
  }
  return year;
}

/** "93 năm Ngày thành lập Đoàn TNCS Hồ Chí Minh (26/3/1931 – 26/3/2024)". */
function commemoration(year: number, foundedOn: LocalDay, what: string): string {
  const n = anniversaryNumber(year, foundedOn);
  return `${n} năm ${what} (${formatVietnameseDay(foundedOn)} – ${formatVietnameseDay(anniversaryDay(year, foundedOn))})`;
}

type WaveText = Omit<ExampleWave, 'startsAt' | 'endsAt'>;

function waveTexts(year: number): WaveText[] {
  const day = (month: number, dayOfMonth: number): LocalDay => ({ year, month, day: dayOfMonth });
  const union = commemoration(year, HISTORIC_DAYS.unionFounding, 'Ngày thành lập Đoàn TNCS Hồ Chí Minh');
  const south = commemoration(year, HISTORIC_DAYS.southLiberation, 'Ngày Giải phóng miền Nam, thống nhất đất nước');
  const martyrs = commemoration(year, HISTORIC_DAYS.warInvalidsAndMartyrsDay, 'Ngày Thương binh – Liệt sĩ');
  const revolution = commemoration(year, HISTORIC_DAYS.augustRevolution, 'Cách mạng Tháng Tám');
  const nationalDay = commemoration(year, HISTORIC_DAYS.nationalDay, 'Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam');
  const publicly = 'trên Facebook, Zalo cá nhân ở chế độ công khai';
  return [
    {
      templateKey: 'march',
      title: `Đợt cao điểm tháng 3 – Tháng Thanh niên: chào mừng kỷ niệm ${union}`,
      description:
        `Hưởng ứng “Tháng Thanh niên” năm ${year}, mời cán bộ Đoàn, đoàn viên, thanh niên đồng loạt đổi ảnh đại diện ` +
        `và chia sẻ những hình ảnh tích cực ${publicly}. ` +
        `Cùng lan tỏa trào lưu chia sẻ ảnh mặc áo Đoàn tham gia các hoạt động nhân kỷ niệm ${union}.`,
      actionKind: 'avatarFrame',
      hashtags: [CAMPAIGN_HASHTAG, '#ThangThanhNien'],
      // An avatar change often carries no caption, so no hashtag can be required of it.
      requiredHashtag: null,
      firstDay: day(3, 1),
      lastDay: day(3, 31),
    },
    {
      templateKey: 'april',
      title: `Đợt tháng 4 – Thắp nến tri ân các anh hùng liệt sĩ nhân kỷ niệm ${south}`,
      description:
        `Mỗi đoàn viên thực hiện 01 ngọn nến và đồng loạt đăng tải ${publicly}, ` +
        `hưởng ứng Lễ thắp nến tri ân các anh hùng liệt sĩ nhân kỷ niệm ${south}. ` +
        `Mời bạn cùng chia sẻ những hình ảnh tích cực của đơn vị trong tháng 4.`,
      actionKind: 'candle',
      hashtags: [CAMPAIGN_HASHTAG, '#ThapNenTriAn'],
      requiredHashtag: '#ThapNenTriAn',
      firstDay: day(4, 1),
      lastDay: day(4, 30),
    },
    {
      templateKey: 'may-june',
      title: `Đợt cao điểm tháng 5, 6 – Chào mừng các ngày lễ lớn và chiến dịch tình nguyện Hè ${year}`,
      description:
        `Mời cán bộ Đoàn, đoàn viên, thanh niên chia sẻ những hình ảnh tích cực ${publicly} ` +
        `thông qua các đợt hoạt động chào mừng các ngày lễ lớn trong tháng 5, tháng 6 và chiến dịch tình nguyện Hè ${year}.`,
      actionKind: 'publicPost',
      hashtags: [CAMPAIGN_HASHTAG, '#TinhNguyenHe'],
      requiredHashtag: '#TinhNguyenHe',
      firstDay: day(5, 1),
      lastDay: day(6, 30),
    },
    {
      templateKey: 'july',
      title: `Đợt cao điểm tháng 7 – Uống nước nhớ nguồn: thắp nến tri ân trực tuyến nhân kỷ niệm ${martyrs}`,
      description:
        `Mời bạn chia sẻ những hình ảnh tích cực ${publicly} thông qua các hoạt động “Đền ơn đáp nghĩa”, ` +
        `“Uống nước nhớ nguồn” và cùng tham gia “Lễ thắp nến tri ân” trực tuyến nhân kỷ niệm ${martyrs}: ` +
        `mỗi bạn đăng tải 01 ngọn nến tri ân các anh hùng liệt sĩ trên trang cá nhân.`,
      actionKind: 'candle',
      hashtags: [CAMPAIGN_HASHTAG, '#UongNuocNhoNguon'],
      requiredHashtag: '#UongNuocNhoNguon',
      firstDay: day(7, 1),
      lastDay: day(7, 31),
    },
    {
      templateKey: 'september',
      title: `Đợt cao điểm tháng 8, 9 – Chào mừng kỷ niệm ${revolution} và ${nationalDay}`,
      description:
        `Tăng cường giáo dục, tuyên truyền nâng cao nhận thức, trách nhiệm, thôi thúc niềm tự hào của cán bộ Đoàn, ` +
        `đoàn viên, thanh thiếu nhi về vị trí, tầm vóc vĩ đại, giá trị lịch sử to lớn của Cách mạng Tháng Tám ` +
        `và Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam. Mời bạn chia sẻ những hình ảnh, bài viết tích cực ` +
        `${publicly}, hướng tới chào mừng kỷ niệm ${revolution} và ${nationalDay}.`,
      actionKind: 'publicPost',
      hashtags: [CAMPAIGN_HASHTAG, '#TuHaoVietNam'],
      requiredHashtag: '#TuHaoVietNam',
      // The plan calls this the September wave, yet has it look towards 19/8 as well as 2/9. It opens
      // on 1 August so members have a lead-up before 19/8 (15 August would leave four days), in a
      // month no other wave uses: the waves then run 1 March – 30 September with no gap or overlap.
      // It closes with September; the title says "tháng 8, 9" so the dates do not surprise anyone.
      firstDay: day(8, 1),
      lastDay: day(9, 30),
    },
  ];
}

/** The plan, its five district waves and the sample org tree for `year`, in `timeZone` (APP_TIMEZONE). */
export function examplePlan(year: number, timeZone: string): ExamplePlan {
  if (!Number.isInteger(year) || year < EXAMPLE_MIN_YEAR || year > EXAMPLE_MAX_YEAR) {
    throw new RangeError(`the example plan covers ${EXAMPLE_MIN_YEAR}–${EXAMPLE_MAX_YEAR}, not ${year}`);
  }
  return {
    units: EXAMPLE_UNITS,
    plan: {
      ownerCode: EXAMPLE_DISTRICT_CODE,
      year,
      title: `Thực hiện Mô hình “Xanh hóa không gian mạng” năm ${year}`,
      reference: EXAMPLE_PLAN_REFERENCE,
      cadreTargetPct: 100,
      memberTargetPct: 80,
      trendsPerBranchPerYear: 1,
      goodNewsPerDay: 1,
      legalInfoPerDay: 1,
      teachingsPerWeek: 1,
    },
    waves: waveTexts(year).map((wave) => ({ ...wave, ...zonedDayRange(wave.firstDay, wave.lastDay, timeZone) })),
    officialPages: EXAMPLE_OFFICIAL_PAGES,
  };
}
