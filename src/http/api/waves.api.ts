import { z } from 'zod';
import type { Db } from '../../db/database';
import { normalizeHashtag } from '../../domain/waves/branch-trend.service';
import { createWaveAsStaff, listWavesFor } from '../../domain/waves/staff-waves.service';
import type { ApiOperations } from './api-operation';
import { httpsUrl, id, isoInstant, pageOf, pageQuery, paged, WAVE_ACTIONS, WAVE_STATUSES, waveJson, waveOut } from './api-schemas';
import { validationError } from './api-validation';

const MAX_WAVE_DAYS = 366;

const hashtag = z
  .string()
  .max(60)
  .transform((text, ctx) => {
    const checked = normalizeHashtag(text);
    if (checked.ok) return checked.hashtag;
    ctx.addIssue({ code: 'custom', message: checked.problem === 'empty' ? 'hashtag cần ít nhất 2 chữ' : 'hashtag quá dài' });
    return z.NEVER;
  });

export const createWaveBody = z
  .strictObject({
    title: z.string().trim().min(3).max(150),
    description: z.string().trim().max(2000),
    action: z.enum(WAVE_ACTIONS),
    hashtags: z.array(hashtag).max(10).meta({ description: 'Viết liền, có hoặc không có #; được chuẩn hoá thành #ViếtHoaĐầuTừ.' }),
    assetUrl: httpsUrl.optional().meta({ description: 'Khung ảnh đại diện, hình mẫu… (https).' }),
    startsAt: isoInstant,
    endsAt: isoInstant.meta({ description: 'Sau startsAt, chưa qua, và không quá 366 ngày sau startsAt.' }),
    ownerUnitId: id.optional().meta({ description: 'Đơn vị chủ trì; bỏ trống là Quận Đoàn (chỉ districtAdmin).' }),
    status: z.enum(['draft', 'open']).optional().meta({ description: 'Mặc định open; đợt do branchCadre tạo luôn là draft chờ Quận Đoàn duyệt.' }),
  })
  .superRefine((body, ctx) => {
    // zod runs this even when a field already failed (its value then is not a Date): judge only whole times.
    if (!(body.startsAt instanceof Date) || !(body.endsAt instanceof Date)) return;
    if (body.endsAt.getTime() <= body.startsAt.getTime()) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'phải sau startsAt' });
    else if (body.endsAt.getTime() - body.startsAt.getTime() > MAX_WAVE_DAYS * 86_400_000) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: `một đợt dài tối đa ${MAX_WAVE_DAYS} ngày` });
  });

export function addWaveOperations(api: ApiOperations, deps: { readonly db: Db; readonly timezone: string; readonly now: () => Date }): void {
  api.add({
    method: 'get',
    path: '/waves',
    operationId: 'listWaves',
    tag: 'waves',
    summary: 'Các đợt hoạt động trong phạm vi (của Quận, khu vực và chi đoàn mình)',
    query: z.strictObject({ status: z.enum(WAVE_STATUSES).optional(), ...pageQuery }),
    response: { statuses: [200], schema: paged(waveOut), description: 'Một trang đợt, bắt đầu muộn nhất trước.' },
    handle: async ({ query, staff }) => {
      const { total, waves } = await listWavesFor(deps.db, staff, { ...(query.status ? { status: query.status } : {}), ...pageOf(query) });
      return { body: { items: waves.map(waveJson), page: query.page, pageSize: query.pageSize, total } };
    },
  });

  api.add({
    method: 'post',
    path: '/waves',
    operationId: 'createWave',
    tag: 'waves',
    summary: 'Tạo một đợt',
    description: 'Đợt cấp Quận chỉ districtAdmin tạo; districtStaff tạo cho khu vực hoặc chi đoàn mình phụ trách; branchCadre cho chi đoàn mình (dạng draft).',
    body: createWaveBody,
    errors: [403, 404],
    response: { statuses: [201], schema: waveOut, description: 'Đợt vừa tạo.' },
    handle: async ({ body, staff }) => {
      if (body.endsAt.getTime() <= deps.now().getTime()) throw validationError([{ path: 'endsAt', in: 'body', reason: 'đã qua' }]);
      const wave = await createWaveAsStaff(
        deps.db,
        staff,
        {
          title: body.title,
          description: body.description,
          action: body.action,
          hashtags: [...new Set(body.hashtags)],
          startsAt: body.startsAt,
          endsAt: body.endsAt,
          ...(body.assetUrl === undefined ? {} : { assetUrl: body.assetUrl }),
          ...(body.ownerUnitId === undefined ? {} : { ownerUnitId: body.ownerUnitId }),
          ...(body.status === undefined ? {} : { status: body.status }),
        },
        deps.timezone,
      );
      return { status: 201, body: waveJson(wave) };
    },
  });
}
