import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import type { BroadcastStatus } from '../../db/types';
import { listBroadcastsInScope, type BroadcastListItem } from '../../domain/broadcasts/broadcast-list.repository';
import type { BroadcastFigures, BroadcastsPort, ReachForecast } from '../../domain/broadcasts/broadcast.types';
import { assertAudienceInScope, cancelBroadcastAsStaff, requestBroadcast } from '../../domain/staff/staff-broadcasts.service';
import type { StaffPrincipal } from '../../domain/staff/staff-scope';
import { listBranchChoices, listClusterChoices, type UnitChoice } from '../../domain/staff/staff-units.repository';
import { listWavesFor } from '../../domain/waves/staff-waves.service';
import { AppError } from '../../errors/app-error';
import { clientIp, signedIn, staffOf } from '../admin-context';
import { ALL_STAFF_ROLES, type AdminPage } from '../admin-page';
import { formatCount, formatDateTime } from '../views/format';
import { html, type Html } from '../views/html';
import { sendFragment, sendPage } from '../views/layout';
import { audienceOf, broadcastFormSchema, buttonsOf, formProblem, instantOfLocal, type BroadcastForm } from './broadcast-form';

export interface BroadcastsPageDeps {
  readonly db: Db;
  /** Undefined: the page says sending is not available on this server. */
  readonly broadcasts: BroadcastsPort | undefined;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
}

const STATUS_NAMES: Readonly<Record<BroadcastStatus, string>> = {
  draft: 'nháp',
  scheduled: 'đã hẹn giờ',
  fanningOut: 'đang chuẩn bị',
  sending: 'đang gửi',
  completed: 'đã xong',
  cancelled: 'đã huỷ',
  failed: 'lỗi',
};
const RUNNING: ReadonlySet<BroadcastStatus> = new Set(['scheduled', 'fanningOut', 'sending']);
const CHANNEL_NAMES = { zalo: 'Zalo OA', messenger: 'Messenger' } as const;
const ROLE_NAMES = { cadre: 'Cán bộ Đoàn', member: 'Đoàn viên', youth: 'Thanh niên' } as const;
const WAVE_STATES = {
  joined: 'đã tham gia',
  notJoined: 'chưa tham gia',
  withoutProof: 'tham gia nhưng chưa gửi minh chứng',
  proofSubmitted: 'đã gửi minh chứng, chờ duyệt',
  approved: 'minh chứng đã duyệt',
  rejected: 'minh chứng bị từ chối',
} as const;
const TOPICS = { uncleHoTeaching: 'Lời Bác dạy', goodNews: 'Tin tốt', legalInfo: 'Thông tin pháp luật' } as const;

const idParam = z.object({ id: z.uuid() });

function port(deps: BroadcastsPageDeps): BroadcastsPort {
  if (!deps.broadcasts) throw new AppError('DEPENDENCY_UNAVAILABLE', 'Chức năng gửi tin chưa sẵn sàng trên máy chủ này.');
  return deps.broadcasts;
}

function broadcastId(req: Request): string {
  const parsed = idParam.safeParse(req.params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'Không tìm thấy lần gửi tin này.');
  return parsed.data.id;
}

interface Choices {
  readonly branches: readonly UnitChoice[];
  readonly clusters: readonly UnitChoice[];
  readonly waves: readonly UnitChoice[];
}

async function choicesFor(db: Db, staff: StaffPrincipal): Promise<Choices> {
  const [branches, clusters, waves] = await Promise.all([
    listBranchChoices(db, staff.scope),
    staff.role === 'branchCadre' ? Promise.resolve([]) : listClusterChoices(db, staff.role === 'districtAdmin' ? null : staff.clusterIds),
    listWavesFor(db, staff, { status: 'open', limit: 50, offset: 0 }),
  ]);
  return { branches, clusters, waves: waves.waves.map((w) => ({ id: w.id, name: w.title })) };
}

function selected(on: boolean): Html {
  return on ? html` selected` : html``;
}

function checked(on: boolean): Html {
  return on ? html` checked` : html``;
}

function composeForm(deps: BroadcastsPageDeps, staff: StaffPrincipal, csrf: string, choices: Choices, form: Partial<BroadcastForm>): Html {
  const base = `${deps.basePath}/broadcasts`;
  const everyone = (form.audience_mode ?? 'everyone') === 'everyone';
  const buttonRows = [0, 1, 2].map(
    (i) => html`<div class="grid"><label>Chữ trên nút ${i + 1} <input type="text" name="button_title" maxlength="20" value="${form.button_title?.[i] ?? ''}" /></label>
    <label>Địa chỉ nút ${i + 1} <input type="url" name="button_url" placeholder="https://" value="${form.button_url?.[i] ?? ''}" /></label></div>`,
  );
  return html`<form method="post" action="${base}" class="stack" id="broadcast-form">
  <input type="hidden" name="_csrf" value="${csrf}" />
  <label>Tiêu đề (không bắt buộc) <input type="text" name="title" maxlength="150" value="${form.title ?? ''}" /></label>
  <label>Nội dung tin nhắn <textarea name="text" maxlength="2000" required>${form.text ?? ''}</textarea></label>
  <label>Ảnh kèm theo (không bắt buộc) <input type="url" name="image_url" placeholder="https://" value="${form.image_url ?? ''}" /></label>
  <fieldset><legend>Nút liên kết (tối đa 3)</legend>${buttonRows}</fieldset>
  <label>Loại tin <select name="purpose">
    <option value="recurringContent"${selected(form.purpose !== 'waveLaunch')}>Tin thường kỳ (tin tốt, pháp luật, Lời Bác dạy…)</option>
    <option value="waveLaunch"${selected(form.purpose === 'waveLaunch')}>Phát động đợt hoạt động</option>
  </select></label>
  <fieldset id="audience"><legend>Người nhận${staff.scope === null ? '' : ' (trong phạm vi tài khoản của bạn)'}</legend>
    <label class="inline"><input type="radio" name="audience_mode" value="everyone"${checked(everyone)} /> Tất cả đoàn viên${staff.scope === null ? '' : ' thuộc phạm vi của bạn'}</label>
    <label class="inline"><input type="radio" name="audience_mode" value="filter"${checked(!everyone)} /> Theo điều kiện (phải thoả tất cả điều kiện đã chọn)</label>
    <label>Chi đoàn / Đoàn cơ sở <select name="branches" multiple size="${Math.min(6, Math.max(2, choices.branches.length))}">${choices.branches.map(
      (b) => html`<option value="${b.id}"${selected(form.branches?.includes(b.id) ?? false)}>${b.name}</option>`,
    )}</select></label>
    ${choices.clusters.length > 0
      ? html`<label>Khu vực <select name="clusters" multiple size="${Math.min(4, Math.max(2, choices.clusters.length))}">${choices.clusters.map(
          (c) => html`<option value="${c.id}"${selected(form.clusters?.includes(c.id) ?? false)}>${c.name}</option>`,
        )}</select></label>`
      : ''}
    <div>Vai trò: ${(['cadre', 'member', 'youth'] as const).map(
      (r) => html`<label class="inline"><input type="checkbox" name="roles" value="${r}"${checked(form.roles?.includes(r) ?? false)} /> ${ROLE_NAMES[r]}</label>`,
    )}</div>
    <label>Kênh <select name="channel"><option value="">Cả hai kênh</option>${(['zalo', 'messenger'] as const).map(
      (c) => html`<option value="${c}"${selected(form.channel === c)}>${CHANNEL_NAMES[c]}</option>`,
    )}</select></label>
    <div class="grid"><label>Đợt hoạt động <select name="wave"><option value="">Không lọc theo đợt</option>${choices.waves.map(
      (w) => html`<option value="${w.id}"${selected(form.wave === w.id)}>${w.name}</option>`,
    )}</select></label>
    <label>Tình trạng trong đợt <select name="wave_state">${(Object.keys(WAVE_STATES) as (keyof typeof WAVE_STATES)[]).map(
      (s) => html`<option value="${s}"${selected(form.wave_state === s)}>${WAVE_STATES[s]}</option>`,
    )}</select></label></div>
    <label>Chủ đề đã đăng ký nhận <select name="topic"><option value="">Không lọc theo chủ đề</option>${(Object.keys(TOPICS) as (keyof typeof TOPICS)[]).map(
      (t) => html`<option value="${t}"${selected(form.topic === t)}>${TOPICS[t]}</option>`,
    )}</select></label>
  </fieldset>
  <div id="forecast" aria-live="polite" hx-post="${base}/forecast" hx-trigger="load, change from:#broadcast-form" hx-include="#broadcast-form"><p class="muted">Đang tính số người nhận…</p></div>
  <fieldset><legend>Thời điểm gửi</legend>
    <label class="inline"><input type="radio" name="when" value="now"${checked(form.when !== 'later')} /> Gửi ngay</label>
    <label class="inline"><input type="radio" name="when" value="later"${checked(form.when === 'later')} /> Hẹn giờ</label>
    <label>Ngày giờ gửi (giờ Việt Nam) <input type="datetime-local" name="send_at" value="${form.send_at ?? ''}" /></label>
  </fieldset>
  <div class="actions"><button type="submit">Gửi tin</button></div>
</form>`;
}

function forecastFragment(f: ReachForecast): Html {
  const rows = (['zalo', 'messenger'] as const).map((c) => ({ channel: c, ...f.byChannel[c] }));
  const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + pick(r), 0);
  return html`<section class="card" id="forecast-result" data-total="${f.total}">
  <h2>Dự báo người nhận: ${formatCount(f.total)} người</h2>
  <div class="table-wrap"><table>
    <thead><tr><th>Kênh</th><th class="num">Nhận ngay</th><th class="num">Nhận sau (chờ họ nhắn lại)</th><th class="num">Có phí</th><th class="num">Không gửi được</th></tr></thead>
    <tbody>${rows.map(
      (r) => html`<tr data-channel="${r.channel}"><td>${CHANNEL_NAMES[r.channel]}</td><td class="num">${formatCount(r.now)}</td><td class="num">${formatCount(r.later)}</td><td class="num">${formatCount(r.paid)}</td><td class="num">${formatCount(r.never)}</td></tr>`,
    )}
    <tr><th>Cộng</th><th class="num">${formatCount(sum((r) => r.now))}</th><th class="num">${formatCount(sum((r) => r.later))}</th><th class="num">${formatCount(sum((r) => r.paid))}</th><th class="num">${formatCount(sum((r) => r.never))}</th></tr></tbody>
  </table></div>
  <p class="muted">Theo chính sách gửi: ngoài khung giờ yên tĩnh, trong cửa sổ nhắn tin của từng nền tảng. Tin chưa gửi được sẽ được hoãn, không bị bỏ.</p>
</section>`;
}

function figuresCell(deps: BroadcastsPageDeps, id: string, f: BroadcastFigures | undefined): Html {
  if (!f) return html`<td id="figures-${id}">—</td>`;
  const failed = Object.values(f.failed).reduce((a, b) => a + b, 0);
  const skipped = Object.values(f.skipped).reduce((a, b) => a + b, 0);
  const poll = RUNNING.has(f.status) ? html` hx-get="${deps.basePath}/broadcasts/${id}/figures" hx-trigger="every 5s" hx-swap="outerHTML"` : html``;
  return html`<td id="figures-${id}"${poll} data-status="${f.status}"><span class="badge${f.status === 'completed' ? ' good' : f.status === 'failed' ? ' bad' : ''}">${STATUS_NAMES[f.status]}</span>
  <div class="muted">${f.recipients === null ? '' : html`${formatCount(f.recipients)} người nhận · `}đã gửi ${formatCount(f.sent + f.delivered + f.read)} · chờ ${formatCount(f.queued + f.deferred)} · đã đọc ${formatCount(f.read)}${failed > 0 ? html` · lỗi ${formatCount(failed)}` : ''}${skipped > 0 ? html` · bỏ qua ${formatCount(skipped)}` : ''}</div></td>`;
}

function listSection(deps: BroadcastsPageDeps, csrf: string, items: readonly { item: BroadcastListItem; figures: BroadcastFigures | undefined }[]): Html {
  if (items.length === 0) return html`<p class="muted">Chưa có lần gửi tin nào.</p>`;
  return html`<div class="table-wrap"><table id="broadcast-list">
  <thead><tr><th>Tạo lúc</th><th>Tin nhắn</th><th>Tình trạng</th><th></th></tr></thead>
  <tbody>${items.map(
    ({ item, figures }) => html`<tr data-broadcast="${item.id}">
    <td>${formatDateTime(item.createdAt, deps.timeZone)}${item.sendAt ? html`<div class="muted">hẹn ${formatDateTime(item.sendAt, deps.timeZone)}</div>` : ''}<div class="muted">${item.createdBy ?? 'tự động'}</div></td>
    <td>${item.title ? html`<strong>${item.title}</strong><br />` : ''}${item.text.length > 120 ? `${item.text.slice(0, 120)}…` : item.text}</td>
    ${figuresCell(deps, item.id, figures)}
    <td>${RUNNING.has(figures?.status ?? item.status)
      ? html`<form method="post" action="${deps.basePath}/broadcasts/${item.id}/cancel"><input type="hidden" name="_csrf" value="${csrf}" /><button type="submit" class="danger">Dừng gửi</button></form>`
      : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

/** Gửi tin (issue 6 §2): compose, pick the audience, see the reach forecast, send or schedule, follow the figures, cancel. */
export function broadcastsPage(deps: BroadcastsPageDeps): AdminPage {
  async function show(req: Request, res: Response, options: { form?: Partial<BroadcastForm>; error?: string; notice?: string; status?: number } = {}): Promise<void> {
    const staff = staffOf(res);
    const csrf = signedIn(res).csrfToken;
    const [choices, items] = await Promise.all([choicesFor(deps.db, staff), listBroadcastsInScope(deps.db, staff.scope, 20)]);
    const withFigures = await Promise.all(items.map(async (item) => ({ item, figures: deps.broadcasts ? await deps.broadcasts.figures(item.id, staff.scope) : undefined })));
    const form = composeForm(deps, staff, csrf, choices, options.form ?? {});
    sendPage(req, res, {
      title: 'Gửi tin',
      ...(options.status ? { status: options.status } : {}),
      body: html`<h1>Gửi tin</h1>
${options.error ? html`<p class="flash error" role="alert">${options.error}</p>` : ''}
${options.notice ? html`<p class="flash" role="status">${options.notice}</p>` : ''}
${deps.broadcasts ? '' : html`<p class="flash error">Chức năng gửi tin chưa sẵn sàng trên máy chủ này.</p>`}
<section class="card"><h2>Soạn tin</h2>${form}</section>
<section class="card"><h2>Các lần gửi gần đây</h2>${listSection(deps, csrf, withFigures)}</section>`,
    });
  }

  return {
    path: '/broadcasts',
    title: 'Gửi tin',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Gửi tin', order: 60 },
    routes: (r) => {
      r.get('/', async (req, res) => {
        const created = typeof req.query.created === 'string' ? req.query.created : undefined;
        await show(req, res, created ? { notice: created === 'scheduled' ? 'Đã hẹn giờ gửi tin.' : 'Đã bắt đầu gửi tin.' } : {});
      });

      r.post('/forecast', async (req, res) => {
        const parsed = broadcastFormSchema.safeParse(req.body ?? {});
        if (!parsed.success) return sendFragment(res, html`<p class="flash error">${formProblem(parsed.error)}</p>`);
        const picked = audienceOf(parsed.data);
        if ('problem' in picked) return sendFragment(res, html`<p class="flash error">${picked.problem}</p>`);
        const staff = staffOf(res);
        await assertAudienceInScope(deps.db, staff, picked.audience);
        sendFragment(res, forecastFragment(await port(deps).forecast(picked.audience, parsed.data.purpose, staff.scope)));
      });

      r.post('/', async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const parsed = broadcastFormSchema.safeParse(body);
        if (!parsed.success) {
          const text = (key: string) => (typeof body[key] === 'string' ? body[key] : undefined);
          return show(req, res, { status: 400, error: formProblem(parsed.error), form: { text: text('text') ?? '', title: text('title'), image_url: text('image_url') } });
        }
        const form = parsed.data;
        const picked = audienceOf(form);
        const buttons = buttonsOf(form);
        const problem = !form.text ? 'Nhập nội dung tin nhắn.' : 'problem' in picked ? picked.problem : 'problem' in buttons ? buttons.problem : undefined;
        let sendAt: Date | undefined;
        if (!problem && form.when === 'later') {
          if (!form.send_at) return show(req, res, { status: 400, error: 'Chọn ngày giờ gửi.', form });
          sendAt = instantOfLocal(form.send_at, deps.timeZone);
          if (sendAt.getTime() <= deps.now().getTime()) return show(req, res, { status: 400, error: 'Thời điểm hẹn gửi đã qua. Chọn một thời điểm sau bây giờ.', form });
        }
        if (problem || 'problem' in picked || 'problem' in buttons) return show(req, res, { status: 400, error: problem, form });
        const created = await requestBroadcast(
          deps.db,
          port(deps),
          staffOf(res),
          {
            purpose: form.purpose,
            text: form.text,
            audience: picked.audience,
            ...(form.title ? { title: form.title } : {}),
            ...(form.image_url ? { imageUrl: form.image_url } : {}),
            ...(buttons.buttons.length > 0 ? { buttons: buttons.buttons } : {}),
            ...(sendAt ? { sendAt } : {}),
            ...(form.wave && form.purpose === 'waveLaunch' ? { waveId: form.wave } : {}),
          },
          clientIp(req),
        );
        res.redirect(303, `${deps.basePath}/broadcasts?created=${created.status === 'scheduled' ? 'scheduled' : 'started'}`);
      });

      r.get('/:id/figures', async (req, res) => {
        const id = broadcastId(req);
        const figures = await port(deps).figures(id, staffOf(res).scope);
        if (!figures) throw new AppError('NOT_FOUND', 'Không tìm thấy lần gửi tin này.');
        sendFragment(res, figuresCell(deps, id, figures));
      });

      r.post('/:id/cancel', async (req, res) => {
        const id = broadcastId(req);
        const cancelled = await cancelBroadcastAsStaff(deps.db, port(deps), staffOf(res), id, clientIp(req));
        if (cancelled === undefined) throw new AppError('NOT_FOUND', 'Không tìm thấy lần gửi tin này.');
        if (!cancelled) return show(req, res, { status: 409, error: 'Lần gửi tin này đã xong hoặc đã bị huỷ trước đó.' });
        res.redirect(303, `${deps.basePath}/broadcasts`);
      });
    },
  };
}
