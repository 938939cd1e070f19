import { z } from 'zod';
import type { WaveAction } from '../../db/types';
import { daysBetween, formatIsoDay, localDayOf, parseIsoDay, zonedDayRange, type LocalDay } from '../../domain/shared/time';
import { normalizeHashtag } from '../../domain/waves/branch-trend.service';
import type { StaffWave, WaveChanges } from '../../domain/waves/staff-waves.repository';

export const WAVE_ACTION_NAMES: Readonly<Record<WaveAction, string>> = {
  avatarFrame: 'Thay khung ảnh đại diện',
  publicPost: 'Đăng bài công khai',
  candle: 'Thắp nến tri ân',
  shareOfficialPost: 'Chia sẻ bài của trang chính thống',
  other: 'Hoạt động khác',
};

// The API's limit (waves.api.ts): a wave is at most a year long.
const MAX_WAVE_DAYS = 366;
const optional = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().optional());
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'chọn ngày');

/** The Đợt form as the browser posts it (create and edit). */
export const waveFormSchema = z.object({
  title: z.string().trim().min(3, 'tên đợt cần ít nhất 3 ký tự').max(150, 'tên đợt tối đa 150 ký tự'),
  description: z.string().trim().max(2000, 'mô tả tối đa 2.000 ký tự').default(''),
  action: z.enum(Object.keys(WAVE_ACTION_NAMES) as [WaveAction, ...WaveAction[]]),
  hashtags: z.string().max(600).default(''),
  asset_url: optional.pipe(z.url({ protocol: /^https$/, message: 'khung ảnh cần một địa chỉ https://' }).max(2000).optional()),
  first_day: isoDay,
  last_day: isoDay,
  owner: optional.pipe(z.uuid({ message: 'đơn vị không hợp lệ' }).optional()),
  status: z.enum(['draft', 'open']).default('open'),
});

export type WaveForm = z.output<typeof waveFormSchema>;

/** What the form shows back: the posted text as it was (so nothing typed is lost on an error). */
export type WaveFormValues = Partial<Record<keyof WaveForm, string>>;

export function formValuesOf(body: unknown): WaveFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const out: WaveFormValues = {};
  for (const key of Object.keys(waveFormSchema.shape) as (keyof WaveForm)[]) if (typeof b[key] === 'string') out[key] = b[key];
  return out;
}

export function valuesOfWave(wave: StaffWave, timeZone: string): WaveFormValues {
  return {
    title: wave.title,
    description: wave.description,
    action: wave.action,
    hashtags: wave.hashtags.join(' '),
    asset_url: wave.assetUrl ?? '',
    first_day: formatIsoDay(localDayOf(wave.startsAt, timeZone)),
    last_day: formatIsoDay(localDayOf(new Date(wave.endsAt.getTime() - 1), timeZone)),
    owner: wave.ownerUnitId,
    status: wave.status === 'draft' ? 'draft' : 'open',
  };
}

export function formProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Dữ liệu chưa đúng.';
}

/**
 * The wave's fields from a checked form: hashtags normalised as the API does (#ViếtHoaĐầuTừ),
 * the days as whole local days (the last one included). A message when something does not fit.
 */
export function changesOf(form: WaveForm, timeZone: string, now: Date): { changes: WaveChanges } | { problem: string } {
  const hashtags: string[] = [];
  for (const typed of form.hashtags.split(/[,;\n]+|\s+(?=#)/).map((t) => t.trim()).filter((t) => t !== '')) {
    const checked = normalizeHashtag(typed);
    if (!checked.ok) return { problem: checked.problem === 'empty' ? `Hashtag “${typed}” cần ít nhất 2 chữ.` : `Hashtag “${typed}” quá dài.` };
    if (!hashtags.includes(checked.hashtag)) hashtags.push(checked.hashtag);
  }
  if (hashtags.length > 10) return { problem: 'Tối đa 10 hashtag.' };
  let first: LocalDay;
  let last: LocalDay;
  try {
    first = parseIsoDay(form.first_day);
    last = parseIsoDay(form.last_day);
  } catch {
    return { problem: 'Ngày bắt đầu hoặc kết thúc không phải một ngày có thật.' };
  }
  if (daysBetween(first, last) < 0) return { problem: 'Ngày kết thúc phải từ ngày bắt đầu trở đi.' };
  const range = zonedDayRange(first, last, timeZone);
  if (range.endsAt.getTime() - range.startsAt.getTime() > MAX_WAVE_DAYS * 86_400_000) return { problem: `Một đợt dài tối đa ${MAX_WAVE_DAYS} ngày.` };
  if (range.endsAt.getTime() <= now.getTime()) return { problem: 'Đợt đã kết thúc trong quá khứ: chọn ngày kết thúc từ hôm nay trở đi.' };
  return {
    changes: {
      title: form.title,
      description: form.description,
      action: form.action,
      hashtags,
      assetUrl: form.asset_url ?? null,
      startsAt: range.startsAt,
      endsAt: range.endsAt,
    },
  };
}
