import { isAppError } from '../../../src/errors/app-error';
import { CAMPAIGN_HASHTAG, examplePlan, parseExampleYear, type ExamplePlan } from '../../../src/domain/plans/example-plan';

const HCM = 'Asia/Ho_Chi_Minh';
const WARDS = [
  'An Lạc', 'An Lạc A', 'Bình Hưng Hòa', 'Bình Hưng Hòa A', 'Bình Hưng Hòa B',
  'Bình Trị Đông', 'Bình Trị Đông A', 'Bình Trị Đông B', 'Tân Tạo', 'Tân Tạo A',
];

function wave(plan: ExamplePlan, key: string) {
  const found = plan.waves.find((w) => w.templateKey === key);
  if (!found) throw new Error(`no wave ${key}`);
  return found;
}

describe('the example plan template', () => {
  it.each([
    [2024, { union: 93, south: 49, martyrs: 77, revolution: 79 }],
    [2025, { union: 94, south: 50, martyrs: 78, revolution: 80 }],
    [2026, { union: 95, south: 51, martyrs: 79, revolution: 81 }],
  ])('When built for %i, then the wave titles carry the anniversaries of that year', (year, n) => {
    const plan = examplePlan(year, HCM);
    expect(wave(plan, 'march').title).toContain(`kỷ niệm ${n.union} năm Ngày thành lập Đoàn TNCS Hồ Chí Minh (26/3/1931 – 26/3/${year})`);
    expect(wave(plan, 'april').title).toContain(`kỷ niệm ${n.south} năm Ngày Giải phóng miền Nam, thống nhất đất nước (30/4/1975 – 30/4/${year})`);
    expect(wave(plan, 'july').title).toContain(`kỷ niệm ${n.martyrs} năm Ngày Thương binh – Liệt sĩ (27/7/1947 – 27/7/${year})`);
    expect(wave(plan, 'september').title).toContain(`kỷ niệm ${n.revolution} năm Cách mạng Tháng Tám (19/8/1945 – 19/8/${year})`);
    expect(wave(plan, 'september').title).toContain(`${n.revolution} năm Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam (2/9/1945 – 2/9/${year})`);
    expect(wave(plan, 'may-june').title).toContain(`chiến dịch tình nguyện Hè ${year}`);
    // No number from another year slips into the texts.
    const otherYears = [2024, 2025, 2026].filter((y) => y !== year);
    for (const w of plan.waves) for (const other of otherYears) expect(`${w.title} ${w.description}`).not.toContain(String(other));
  });

  it.each([
    [2024, [
      ['march', '2024-02-29T17:00:00.000Z', '2024-03-31T17:00:00.000Z'],
      ['april', '2024-03-31T17:00:00.000Z', '2024-04-30T17:00:00.000Z'],
      ['may-june', '2024-04-30T17:00:00.000Z', '2024-06-30T17:00:00.000Z'],
      ['july', '2024-06-30T17:00:00.000Z', '2024-07-31T17:00:00.000Z'],
      ['september', '2024-07-31T17:00:00.000Z', '2024-09-30T17:00:00.000Z'],
    ]],
    [2025, [
      ['march', '2025-02-28T17:00:00.000Z', '2025-03-31T17:00:00.000Z'],
      ['april', '2025-03-31T17:00:00.000Z', '2025-04-30T17:00:00.000Z'],
      ['may-june', '2025-04-30T17:00:00.000Z', '2025-06-30T17:00:00.000Z'],
      ['july', '2025-06-30T17:00:00.000Z', '2025-07-31T17:00:00.000Z'],
      ['september', '2025-07-31T17:00:00.000Z', '2025-09-30T17:00:00.000Z'],
    ]],
    [2026, [
      ['march', '2026-02-28T17:00:00.000Z', '2026-03-31T17:00:00.000Z'],
      ['april', '2026-03-31T17:00:00.000Z', '2026-04-30T17:00:00.000Z'],
      ['may-june', '2026-04-30T17:00:00.000Z', '2026-06-30T17:00:00.000Z'],
      ['july', '2026-06-30T17:00:00.000Z', '2026-07-31T17:00:00.000Z'],
      ['september', '2026-07-31T17:00:00.000Z', '2026-09-30T17:00:00.000Z'],
    ]],
  ])('When built for %i in Asia/Ho_Chi_Minh, then each wave runs from local midnight to the exclusive local midnight after it', (year, expected) => {
    const plan = examplePlan(year, HCM);
    expect(plan.waves.map((w) => [w.templateKey, w.startsAt.toISOString(), w.endsAt.toISOString()])).toEqual(expected);
  });

  it('When built for 2024, then the September wave covers 19/8, 2/9 and all of September', () => {
    const september = wave(examplePlan(2024, HCM), 'september');
    for (const instant of ['2024-08-19T00:00:00+07:00', '2024-09-02T00:00:00+07:00', '2024-09-30T23:59:59+07:00']) {
      const t = new Date(instant);
      expect(september.startsAt <= t && t < september.endsAt).toBe(true);
    }
  });

  it('When built in another zone, then the same calendar days start at that zone\'s midnight', () => {
    const march = wave(examplePlan(2024, 'Europe/Berlin'), 'march');
    expect(march.startsAt.toISOString()).toBe('2024-02-29T23:00:00.000Z');
    // Berlin moves to summer time on 31 March, so 1 April begins at 22:00 UTC.
    expect(march.endsAt.toISOString()).toBe('2024-03-31T22:00:00.000Z');
  });

  it('When built, then the waves follow the plan: keys, actions, hashtags without diacritics', () => {
    const plan = examplePlan(2024, HCM);
    expect(plan.waves.map((w) => [w.templateKey, w.actionKind, w.requiredHashtag])).toEqual([
      ['march', 'avatarFrame', null],
      ['april', 'candle', '#ThapNenTriAn'],
      ['may-june', 'publicPost', '#TinhNguyenHe'],
      ['july', 'candle', '#UongNuocNhoNguon'],
      ['september', 'publicPost', '#TuHaoVietNam'],
    ]);
    for (const w of plan.waves) {
      expect(w.hashtags[0]).toBe(CAMPAIGN_HASHTAG);
      expect(w.hashtags.length).toBeGreaterThanOrEqual(2);
      for (const tag of w.hashtags) expect(tag).toMatch(/^#[A-Za-z0-9]+$/);
      if (w.requiredHashtag !== null) expect(w.hashtags).toContain(w.requiredHashtag);
      expect(w.title.trim().length).toBeLessThanOrEqual(300);
      expect(w.description.length).toBeGreaterThan(50);
    }
    expect(new Set(plan.waves.map((w) => w.requiredHashtag)).size).toBe(plan.waves.length);
    expect(wave(plan, 'march').description).toMatch(/đổi ảnh đại diện.*áo Đoàn/s);
    expect(wave(plan, 'april').description).toContain('Mỗi đoàn viên thực hiện 01 ngọn nến');
    expect(wave(plan, 'july').description).toMatch(/Đền ơn đáp nghĩa.*Uống nước nhớ nguồn.*thắp nến tri ân” trực tuyến/s);
  });

  it('When built, then the plan carries the document\'s title, reference and targets', () => {
    expect(examplePlan(2025, HCM).plan).toEqual({
      ownerCode: 'binh-tan',
      year: 2025,
      title: 'Thực hiện Mô hình “Xanh hóa không gian mạng” năm 2025',
      reference: '118-KH/ĐTN-TG.ĐN',
      cadreTargetPct: 100,
      memberTargetPct: 80,
      trendsPerBranchPerYear: 1,
      goodNewsPerDay: 1,
      legalInfoPerDay: 1,
      teachingsPerWeek: 1,
    });
  });

  it('When built, then the org tree is one district, clusters, and branches of every kind under clusters', () => {
    const { units } = examplePlan(2024, HCM);
    const byCode = new Map(units.map((u) => [u.code, u]));
    expect(byCode.size).toBe(units.length);
    expect(units.filter((u) => u.level === 'district').map((u) => [u.code, u.name])).toEqual([['binh-tan', 'Quận Đoàn Bình Tân']]);
    expect(units.filter((u) => u.level === 'cluster').map((u) => u.name)).toEqual(['Khu vực 1 (mẫu)', 'Khu vực 2 (mẫu)', 'Khu vực 3 (mẫu)']);
    const branches = units.filter((u) => u.level === 'branch');
    expect(branches.filter((u) => u.kind === 'ward').map((u) => u.name).sort()).toEqual(WARDS.map((w) => `Đoàn phường ${w}`).sort());
    for (const kind of ['school', 'enterprise', 'agency'] as const) expect(branches.filter((u) => u.kind === kind).length).toBeGreaterThanOrEqual(1);
    expect(byCode.get('p-binh-hung-hoa-a')?.name).toBe('Đoàn phường Bình Hưng Hòa A');
    units.forEach((u, i) => {
      expect(u.code).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
      if (u.parentCode !== null) expect(units.findIndex((p) => p.code === u.parentCode)).toBeLessThan(i);
      if (u.level === 'branch') expect(byCode.get(u.parentCode ?? '')?.level).toBe('cluster');
      expect(u.kind === null).toBe(u.level !== 'branch');
    });
  });

  it('When the year is outside 2000–2100, then the template refuses it', () => {
    expect(() => examplePlan(1999, HCM)).toThrow(RangeError);
    expect(() => examplePlan(2101, HCM)).toThrow(RangeError);
  });
});

describe('parseExampleYear', () => {
  it('When no year is given, then it is the document\'s year 2024', () => {
    expect(parseExampleYear(undefined)).toBe(2024);
  });

  it('When a year in range is given, then it is used', () => {
    expect(parseExampleYear('2025')).toBe(2025);
    expect(parseExampleYear('2100')).toBe(2100);
  });

  it.each(['1999', '2101', 'abc', '', '20251', '2025.5', '-2025'])('When the year is %p, then a bilingual validation error names it', (text) => {
    let error: unknown;
    try {
      parseExampleYear(text);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'VALIDATION_FAILED')).toBe(true);
    expect((error as Error).message).toContain(`Năm không hợp lệ: "${text}"`);
    expect((error as Error).message).toContain('Invalid year');
  });
});
