import { z } from 'zod';
import type { StaffWave } from '../../domain/waves/staff-waves.repository';

/** An instant with its offset ("2026-12-01T07:00:00+07:00"), as a Date once parsed. */
export const isoInstant = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

export const httpsUrl = z.url({ protocol: /^https$/, error: 'phải là một địa chỉ https://' }).max(2000);

export const id = z.uuid();

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1).meta({ description: 'Trang, bắt đầu từ 1.' }),
  pageSize: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Số dòng mỗi trang (tối đa 100).' }),
};

export function pageOf(query: { page: number; pageSize: number }): { limit: number; offset: number } {
  return { limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
}

export const WAVE_ACTIONS = ['avatarFrame', 'publicPost', 'candle', 'shareOfficialPost', 'other'] as const;
export const WAVE_STATUSES = ['draft', 'open', 'closed', 'cancelled'] as const;

export const waveOut = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  action: z.enum(WAVE_ACTIONS),
  hashtags: z.array(z.string()),
  assetUrl: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string().meta({ description: 'Thời điểm kết thúc (không tính).' }),
  status: z.enum(WAVE_STATUSES),
  ownerUnitId: z.string(),
  planId: z.string().nullable(),
});

export function waveJson(wave: StaffWave): z.input<typeof waveOut> {
  return { ...wave, hashtags: [...wave.hashtags], startsAt: wave.startsAt.toISOString(), endsAt: wave.endsAt.toISOString() };
}

export function paged<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
}
