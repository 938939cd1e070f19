import type { LocalDay } from '../shared/time';

/** The days the plan's waves commemorate. Anniversary numbers are computed from these, never typed. */
export const HISTORIC_DAYS = {
  /** Ngày thành lập Đoàn TNCS Hồ Chí Minh. */
  unionFounding: { year: 1931, month: 3, day: 26 },
  /** Ngày Giải phóng miền Nam, thống nhất đất nước. */
  southLiberation: { year: 1975, month: 4, day: 30 },
  /** Ngày Thương binh – Liệt sĩ. */
  warInvalidsAndMartyrsDay: { year: 1947, month: 7, day: 27 },
  /** Cách mạng Tháng Tám. */
  augustRevolution: { year: 1945, month: 8, day: 19 },
  /** Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam. */
  nationalDay: { year: 1945, month: 9, day: 2 },
} as const satisfies Record<string, LocalDay>;

/** Which anniversary of `foundedOn` falls in `year` (26/3/1931 in 2024: the 93rd). */
export function anniversaryNumber(year: number, foundedOn: LocalDay): number {
  if (!Number.isInteger(year)) throw new RangeError(`not a year: ${year}`);
  if (year <= foundedOn.year) throw new RangeError(`${year} has no anniversary of a day in ${foundedOn.year}`);
  return year - foundedOn.year;
}

/** The day `foundedOn` comes round in `year`. */
export function anniversaryDay(year: number, foundedOn: LocalDay): LocalDay {
  return { year, month: foundedOn.month, day: foundedOn.day };
}
