import { z } from 'zod';
import type { BroadcastButton } from '../../db/types';
import type { BroadcastAudience } from '../../domain/broadcasts/broadcast.types';
import { zonedMidnight } from '../../domain/shared/time';

/** The Gửi tin form as the browser posts it (urlencoded: a repeated field is an array). */
const many = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));
const optional = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().optional());
const uuid = z.uuid({ message: 'mã không hợp lệ' });
const httpsUrl = z.url({ protocol: /^https$/, message: 'cần một địa chỉ https://' });

export const broadcastFormSchema = z.object({
  audience_mode: z.enum(['everyone', 'filter']).default('everyone'),
  branches: many.pipe(z.array(uuid)),
  clusters: many.pipe(z.array(uuid)),
  roles: many.pipe(z.array(z.enum(['cadre', 'member', 'youth']))),
  channel: optional.pipe(z.enum(['zalo', 'messenger']).optional()),
  wave: optional.pipe(uuid.optional()),
  wave_state: z.enum(['joined', 'notJoined', 'withoutProof', 'proofSubmitted', 'approved', 'rejected']).default('joined'),
  topic: optional.pipe(z.enum(['uncleHoTeaching', 'goodNews', 'legalInfo']).optional()),
  purpose: z.enum(['recurringContent', 'waveLaunch']).default('recurringContent'),
  title: optional.pipe(z.string().max(150, 'tiêu đề tối đa 150 ký tự').optional()),
  text: z.string().trim().max(2000, 'nội dung tối đa 2.000 ký tự').default(''),
  image_url: optional.pipe(httpsUrl.optional()),
  button_title: many,
  button_url: many,
  when: z.enum(['now', 'later']).default('now'),
  send_at: optional.pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'chọn ngày giờ').optional()),
});

export type BroadcastForm = z.output<typeof broadcastFormSchema>;

/** What the form asks for, as the BroadcastsPort's audience; a message when it asks for nothing. */
export function audienceOf(form: BroadcastForm): { audience: BroadcastAudience } | { problem: string } {
  if (form.audience_mode === 'everyone') return { audience: { everyone: true } };
  const audience = {
    ...(form.branches.length > 0 ? { branches: form.branches } : {}),
    ...(form.clusters.length > 0 ? { clusters: form.clusters } : {}),
    ...(form.roles.length > 0 ? { roles: form.roles } : {}),
    ...(form.channel ? { channel: form.channel } : {}),
    ...(form.wave ? { wave: { id: form.wave, state: form.wave_state } } : {}),
    ...(form.topic ? { topic: form.topic } : {}),
  };
  if (Object.keys(audience).length === 0) return { problem: 'Chọn ít nhất một điều kiện người nhận, hoặc chọn “Tất cả”.' };
  return { audience };
}

/** The link buttons filled in (title and https address both), at most three; a message for a half-filled one. */
export function buttonsOf(form: BroadcastForm): { buttons: BroadcastButton[] } | { problem: string } {
  const buttons: BroadcastButton[] = [];
  for (let i = 0; i < Math.max(form.button_title.length, form.button_url.length); i += 1) {
    const title = (form.button_title[i] ?? '').trim();
    const url = (form.button_url[i] ?? '').trim();
    if (title === '' && url === '') continue;
    if (title === '' || url === '') return { problem: `Nút liên kết ${i + 1} cần cả chữ trên nút và địa chỉ.` };
    if ([...title].length > 20) return { problem: `Chữ trên nút ${i + 1} tối đa 20 ký tự.` };
    if (!httpsUrl.safeParse(url).success) return { problem: `Địa chỉ của nút ${i + 1} cần bắt đầu bằng https://.` };
    buttons.push({ title, url });
  }
  if (buttons.length > 3) return { problem: 'Tối đa 3 nút liên kết.' };
  return { buttons };
}

/** A `datetime-local` value read as wall-clock time in the app's zone. */
export function instantOfLocal(value: string, timeZone: string): Date {
  const [date, time] = value.split('T') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(zonedMidnight(y, m, d, timeZone).getTime() + (hh * 60 + mm) * 60_000);
}

/** The first problem zod found, in the form's words. */
export function formProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = String(issue?.path[0] ?? '');
  const names: Record<string, string> = { image_url: 'Ảnh', text: 'Nội dung', title: 'Tiêu đề', send_at: 'Thời điểm gửi', branches: 'Chi đoàn', clusters: 'Khu vực', wave: 'Đợt' };
  return `${names[field] ?? 'Biểu mẫu'}: ${issue?.message ?? 'chưa đúng'}.`;
}
