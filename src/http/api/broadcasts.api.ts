import { z } from 'zod';
import type { Db } from '../../db/database';
import type { BroadcastAudience, BroadcastsPort } from '../../domain/broadcasts/broadcast.types';
import { assertAudienceInScope, cancelBroadcastAsStaff, requestBroadcast } from '../../domain/staff/staff-broadcasts.service';
import { AppError } from '../../errors/app-error';
import type { ApiOperations } from './api-operation';
import { httpsUrl, id, isoInstant } from './api-schemas';
import { validationError } from './api-validation';

const PURPOSES = ['waveLaunch', 'recurringContent'] as const;
const CHANNELS = ['zalo', 'messenger'] as const;

const audienceFilters = z
  .strictObject({
    branches: z.array(id).min(1).max(500).optional(),
    clusters: z.array(id).min(1).max(100).optional(),
    roles: z.array(z.enum(['cadre', 'member', 'youth'])).min(1).optional(),
    channel: z.enum(CHANNELS).optional(),
    wave: z.strictObject({ id, state: z.enum(['joined', 'notJoined', 'withoutProof', 'proofSubmitted', 'approved', 'rejected']) }).optional(),
    topic: z.enum(['uncleHoTeaching', 'goodNews', 'legalInfo']).optional(),
  })
  .refine((filters) => Object.keys(filters).length > 0, 'chọn ít nhất một điều kiện, hoặc {"everyone": true}')
  // The same rule for the document (zod cannot say a refinement in JSON Schema).
  .meta({ minProperties: 1 });

export const audienceSchema = z
  .union([z.strictObject({ everyone: z.literal(true) }), audienceFilters])
  .meta({ description: '{"everyone": true}, hoặc một hay nhiều điều kiện (phải thoả tất cả). Luôn giới hạn trong phạm vi của tài khoản.' });

export const createBroadcastBody = z.strictObject({
  text: z.string().trim().min(1).max(2000),
  audience: audienceSchema,
  sendAt: isoInstant.optional().meta({ description: 'Bỏ trống: gửi ngay.' }),
  purpose: z.enum(PURPOSES).default('recurringContent').meta({ description: 'Theo chính sách gửi: trong cửa sổ của nền tảng thì gửi, ngoài cửa sổ thì hoãn.' }),
  title: z.string().trim().min(1).max(150).optional(),
  imageUrl: httpsUrl.optional(),
  buttons: z.array(z.strictObject({ title: z.string().trim().min(1).max(20), url: httpsUrl })).max(3).optional(),
  waveId: id.optional(),
});

export const forecastBody = z.strictObject({ audience: audienceSchema, purpose: z.enum(PURPOSES).default('recurringContent') });

const channelForecast = z.object({ now: z.number().int(), later: z.number().int(), paid: z.number().int(), never: z.number().int() });
const countsByReason = z.record(z.string(), z.number().int());

const figuresOut = z.object({
  id: z.string(),
  status: z.enum(['draft', 'scheduled', 'fanningOut', 'sending', 'completed', 'cancelled', 'failed']),
  recipients: z.number().int().nullable(),
  queued: z.number().int(),
  sent: z.number().int(),
  deferred: z.number().int(),
  delivered: z.number().int(),
  read: z.number().int(),
  failed: countsByReason.meta({ description: 'Số lỗi theo lý do.' }),
  skipped: countsByReason,
  expired: z.number().int(),
  cancelled: z.number().int(),
  sendAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
});

/** Unrecognised keys are refused by the schema, so what is left is the port's own audience shape. */
function audienceOf(parsed: z.output<typeof audienceSchema>): BroadcastAudience {
  return parsed as BroadcastAudience;
}

function ready(port: BroadcastsPort | undefined): BroadcastsPort {
  if (!port) throw new AppError('DEPENDENCY_UNAVAILABLE', 'Chức năng gửi tin chưa sẵn sàng trên máy chủ này.');
  return port;
}

export function addBroadcastOperations(api: ApiOperations, deps: { readonly db: Db; readonly broadcasts: BroadcastsPort | undefined; readonly now: () => Date }): void {
  api.add({
    method: 'post',
    path: '/broadcasts/forecast',
    operationId: 'forecastBroadcast',
    tag: 'broadcasts',
    summary: 'Dự báo số người nhận: gửi ngay, hoãn, có phí hoặc không gửi được, theo kênh',
    body: forecastBody,
    errors: [403, 404, 503],
    response: { statuses: [200], schema: z.object({ total: z.number().int(), byChannel: z.object({ zalo: channelForecast, messenger: channelForecast }) }), description: 'Dự báo.' },
    handle: async ({ body, staff }) => {
      const port = ready(deps.broadcasts);
      const audience = audienceOf(body.audience);
      await assertAudienceInScope(deps.db, staff, audience);
      return { body: await port.forecast(audience, body.purpose, staff.scope) };
    },
  });

  api.add({
    method: 'post',
    path: '/broadcasts',
    operationId: 'createBroadcast',
    tag: 'broadcasts',
    summary: 'Gửi tin đến một nhóm người nhận, ngay hoặc vào một thời điểm',
    body: createBroadcastBody,
    errors: [403, 404, 503],
    response: { statuses: [201, 202], schema: z.object({ id: z.string(), status: figuresOut.shape.status }), description: '201: bắt đầu gửi; 202: đã hẹn giờ (sendAt).' },
    handle: async ({ body, staff, req }) => {
      const port = ready(deps.broadcasts);
      const now = deps.now();
      // A minute of grace for clocks a little apart; earlier than that is a mistake, not "now".
      if (body.sendAt && body.sendAt.getTime() < now.getTime() - 60_000) throw validationError([{ path: 'sendAt', in: 'body', reason: 'đã qua' }]);
      const later = body.sendAt !== undefined && body.sendAt.getTime() > now.getTime();
      const created = await requestBroadcast(
        deps.db,
        port,
        staff,
        {
          purpose: body.purpose,
          text: body.text,
          audience: audienceOf(body.audience),
          ...(later ? { sendAt: body.sendAt } : {}),
          ...(body.title === undefined ? {} : { title: body.title }),
          ...(body.imageUrl === undefined ? {} : { imageUrl: body.imageUrl }),
          ...(body.buttons === undefined ? {} : { buttons: body.buttons }),
          ...(body.waveId === undefined ? {} : { waveId: body.waveId }),
        },
        req.ip ?? null,
      );
      return { status: later ? 202 : 201, body: { id: created.id, status: created.status } };
    },
  });

  api.add({
    method: 'get',
    path: '/broadcasts/:id',
    operationId: 'getBroadcast',
    tag: 'broadcasts',
    summary: 'Trạng thái và số liệu của một lần gửi tin',
    params: z.strictObject({ id }),
    errors: [404, 503],
    response: { statuses: [200], schema: figuresOut, description: 'Số người nhận, đã gửi, hoãn, lỗi theo lý do…' },
    handle: async ({ params, staff }) => {
      const figures = await ready(deps.broadcasts).figures(params.id, staff.scope);
      if (!figures) throw new AppError('NOT_FOUND', 'Không tìm thấy lần gửi tin này.');
      const iso = (d: Date | null) => d?.toISOString() ?? null;
      return { body: { ...figures, sendAt: iso(figures.sendAt), startedAt: iso(figures.startedAt), completedAt: iso(figures.completedAt) } };
    },
  });

  api.add({
    method: 'post',
    path: '/broadcasts/:id/cancel',
    operationId: 'cancelBroadcast',
    tag: 'broadcasts',
    summary: 'Dừng phần chưa gửi của một lần gửi tin',
    params: z.strictObject({ id }),
    errors: [404, 409, 503],
    response: { statuses: [200], schema: z.object({ id: z.string(), cancelled: z.literal(true) }), description: 'Đã dừng; tin đang gửi dở vẫn đi nốt.' },
    handle: async ({ params, staff, req }) => {
      const cancelled = await cancelBroadcastAsStaff(deps.db, ready(deps.broadcasts), staff, params.id, req.ip ?? null);
      if (cancelled === undefined) throw new AppError('NOT_FOUND', 'Không tìm thấy lần gửi tin này.');
      if (!cancelled) throw new AppError('CONFLICT', 'Lần gửi tin này đã xong hoặc đã bị huỷ trước đó.');
      return { body: { id: params.id, cancelled: true as const } };
    },
  });
}
