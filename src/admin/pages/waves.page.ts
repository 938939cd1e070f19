import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import type { StaffPrincipal } from '../../domain/staff/staff-scope';
import { findDistrictChoice, listBranchChoices, listClusterChoices, unitNamesOf } from '../../domain/staff/staff-units.repository';
import { changeWaveStatusAsStaff, createWaveAsStaff, listWavesFor, updateWaveAsStaff, waveWithPermissions } from '../../domain/waves/staff-waves.service';
import { listWaveParticipants } from '../../domain/waves/wave-participants.repository';
import { AppError } from '../../errors/app-error';
import { isHtmx, signedIn, staffOf } from '../admin-context';
import { ALL_STAFF_ROLES, type AdminPage } from '../admin-page';
import { html } from '../views/html';
import { sendFragment, sendPage } from '../views/layout';
import { changesOf, formProblem, formValuesOf, valuesOfWave, WAVE_ACTION_NAMES, waveFormSchema, type WaveFormValues } from './wave-form';
import { href, pager, participantsSection, statusBadge, WAVE_STATUS_NAMES, waveActions, waveDays, waveFormView, type OwnerChoices } from './waves-views';

export interface WavesPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
  /** Signed URLs of proof images; absent: images are listed without a link. */
  readonly mediaUrl?: (sha256: string) => string;
}

const PAGE_SIZE = 20;
const PARTICIPANTS_PAGE_SIZE = 50;
const optionalUuid = z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()).catch(undefined);
const listQuery = z.object({
  status: z.enum(['draft', 'open', 'closed', 'cancelled']).optional().catch(undefined),
  owner: optionalUuid,
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
const idParam = z.object({ id: z.uuid() });

function waveId(req: Request): string {
  const parsed = idParam.safeParse(req.params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'Không tìm thấy đợt này.');
  return parsed.data.id;
}

async function ownerChoices(db: Db, staff: StaffPrincipal): Promise<OwnerChoices> {
  const [district, clusters, branches] = await Promise.all([
    staff.role === 'districtAdmin' ? findDistrictChoice(db) : Promise.resolve(undefined),
    staff.role === 'branchCadre' ? Promise.resolve([]) : listClusterChoices(db, staff.role === 'districtAdmin' ? null : staff.clusterIds),
    listBranchChoices(db, staff.scope),
  ]);
  return { district, clusters, branches };
}

/** Đợt (issue 6 §2): list, create, edit, open, close; the branches' trends; a wave's participants and exports. */
export function wavesPage(deps: WavesPageDeps): AdminPage {
  const base = `${deps.basePath}/waves`;
  const exportsBase = `${deps.basePath}/exports`;

  async function list(req: Request, res: Response, trends: boolean): Promise<void> {
    const staff = staffOf(res);
    const q = listQuery.parse(req.query);
    const [{ total, waves }, owners] = await Promise.all([
      listWavesFor(deps.db, staff, { ...(q.status ? { status: q.status } : {}), ...(q.owner ? { ownerUnitId: q.owner } : {}), ...(trends ? { ownerLevel: 'branch' as const } : {}), limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE }),
      ownerChoices(deps.db, staff),
    ]);
    const names = await unitNamesOf(deps.db, waves.map((w) => w.ownerUnitId));
    const csrf = signedIn(res).csrfToken;
    const self = trends ? `${base}/trends` : base;
    const permissions = trends ? await Promise.all(waves.map((w) => waveWithPermissions(deps.db, staff, w.id).then((p) => p.may))) : [];
    const ownerOptions = [...(trends ? [] : [...(owners.district ? [owners.district] : []), ...owners.clusters]), ...owners.branches];
    const title = trends ? 'Trào lưu của cơ sở' : 'Đợt hoạt động';
    const done = req.query.done === 'open' ? 'Đã duyệt và mở trào lưu.' : req.query.done === 'close' ? 'Đã kết thúc đợt.' : undefined;
    sendPage(req, res, {
      title,
      body: html`<h1>${title}</h1>
${done ? html`<p class="flash" role="status">${done}</p>` : ''}
${trends ? html`<p class="muted">Trào lưu riêng do cán bộ chi đoàn đăng ký (qua chat hoặc tại đây) chờ Quận Đoàn duyệt; mỗi cơ sở cần ít nhất một trào lưu mỗi năm.</p>` : ''}
<p class="actions"><a class="button" href="${base}/new">Tạo đợt mới</a>${trends ? html`<a href="${base}">Tất cả các đợt</a>` : html`<a href="${base}/trends">Trào lưu của cơ sở</a>`}</p>
<form method="get" action="${self}" class="grid" id="wave-filters">
  <label>Trạng thái <select name="status"><option value="">Tất cả</option>${(Object.keys(WAVE_STATUS_NAMES) as (keyof typeof WAVE_STATUS_NAMES)[]).map(
    (s) => html`<option value="${s}"${q.status === s ? html` selected` : ''}>${WAVE_STATUS_NAMES[s]}</option>`,
  )}</select></label>
  <label>Đơn vị chủ trì <select name="owner"><option value="">Tất cả trong phạm vi</option>${ownerOptions.map((o) => html`<option value="${o.id}"${q.owner === o.id ? html` selected` : ''}>${o.name}</option>`)}</select></label>
  <div class="actions"><button type="submit" class="secondary">Lọc</button></div>
</form>
<section class="card">${waves.length === 0
        ? html`<p class="muted">Không có đợt nào khớp bộ lọc.</p>`
        : html`<div class="table-wrap"><table id="wave-list">
  <thead><tr><th>Đợt</th><th>Đơn vị chủ trì</th><th>Thời gian</th><th>Trạng thái</th>${trends ? html`<th></th>` : ''}</tr></thead>
  <tbody>${waves.map(
    (w, i) => html`<tr data-wave="${w.id}"><td><a href="${base}/${w.id}">${w.title}</a><div class="muted">${WAVE_ACTION_NAMES[w.action]}</div></td><td>${names.get(w.ownerUnitId) ?? ''}</td><td>${waveDays(w, deps.timeZone)}</td><td>${statusBadge(w.status)}</td>${
      trends ? html`<td>${waveActions(base, w, { edit: false, open: permissions[i]!.open, close: false }, csrf, 'trends')}</td>` : ''
    }</tr>`,
  )}</tbody></table></div>`}
  ${pager(total, q.page, PAGE_SIZE, (page) => href(self, { status: q.status, owner: q.owner, page }))}
</section>`,
    });
  }

  async function showForm(req: Request, res: Response, opts: { wave?: { id: string; title: string }; values: WaveFormValues; error?: string; status?: number }): Promise<void> {
    const staff = staffOf(res);
    const editing = opts.wave !== undefined;
    const title = editing ? `Sửa đợt “${opts.wave!.title}”` : 'Tạo đợt mới';
    sendPage(req, res, {
      title,
      ...(opts.status ? { status: opts.status } : {}),
      body: html`<h1>${title}</h1>
${opts.error ? html`<p class="flash error" role="alert">${opts.error}</p>` : ''}
<section class="card">${waveFormView({
        action: editing ? `${base}/${opts.wave!.id}` : base,
        csrf: signedIn(res).csrfToken,
        values: opts.values,
        owners: editing ? undefined : await ownerChoices(deps.db, staff),
        canPublish: staff.role !== 'branchCadre',
        submit: editing ? 'Lưu thay đổi' : 'Tạo đợt',
      })}</section>`,
    });
  }

  async function participants(req: Request, res: Response, id: string) {
    const staff = staffOf(res);
    const page = listQuery.shape.page.parse(req.query.page);
    const found = await listWaveParticipants(deps.db, id, staff.scope === null ? null : staff.scope.branchIds, { limit: PARTICIPANTS_PAGE_SIZE, offset: (page - 1) * PARTICIPANTS_PAGE_SIZE });
    return participantsSection({ ...found, page, pageSize: PARTICIPANTS_PAGE_SIZE, link: (p) => href(`${base}/${id}`, { page: p }), timeZone: deps.timeZone, mediaUrl: deps.mediaUrl });
  }

  return {
    path: '/waves',
    title: 'Đợt',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Đợt', order: 20 },
    routes: (r) => {
      r.get('/', (req, res) => list(req, res, false));
      r.get('/trends', (req, res) => list(req, res, true));
      r.get('/new', (req, res) => showForm(req, res, { values: {} }));

      r.post('/', async (req, res) => {
        const parsed = waveFormSchema.safeParse(req.body ?? {});
        const values = formValuesOf(req.body);
        if (!parsed.success) return showForm(req, res, { values, error: formProblem(parsed.error), status: 400 });
        const checked = changesOf(parsed.data, deps.timeZone, deps.now());
        if ('problem' in checked) return showForm(req, res, { values, error: checked.problem, status: 400 });
        const { assetUrl, ...changes } = checked.changes;
        const wave = await createWaveAsStaff(
          deps.db,
          staffOf(res),
          { ...changes, ...(assetUrl ? { assetUrl } : {}), ...(parsed.data.owner ? { ownerUnitId: parsed.data.owner } : {}), status: parsed.data.status },
          deps.timeZone,
        );
        res.redirect(303, `${base}/${wave.id}?done=created`);
      });

      r.get('/:id', async (req, res) => {
        const id = waveId(req);
        const { wave, may } = await waveWithPermissions(deps.db, staffOf(res), id);
        const list = await participants(req, res, id);
        if (isHtmx(req)) return sendFragment(res, list);
        const owner = (await unitNamesOf(deps.db, [wave.ownerUnitId])).get(wave.ownerUnitId) ?? '';
        const done = typeof req.query.done === 'string' ? req.query.done : undefined;
        const notice = done === 'created' ? 'Đã tạo đợt.' : done === 'updated' ? 'Đã lưu thay đổi.' : done === 'open' ? 'Đã mở đợt.' : done === 'close' ? 'Đã kết thúc đợt.' : undefined;
        sendPage(req, res, {
          title: wave.title,
          body: html`<h1>${wave.title} ${statusBadge(wave.status)}</h1>
${notice ? html`<p class="flash" role="status">${notice}</p>` : ''}
<section class="card" id="wave-details">
  <p><strong>${WAVE_ACTION_NAMES[wave.action]}</strong> · ${owner} · ${waveDays(wave, deps.timeZone)}</p>
  ${wave.description ? html`<p>${wave.description}</p>` : ''}
  ${wave.hashtags.length > 0 ? html`<p>${wave.hashtags.join(' ')}</p>` : ''}
  ${wave.assetUrl ? html`<p><a href="${wave.assetUrl}" target="_blank" rel="noopener noreferrer">Khung ảnh, hình mẫu</a></p>` : ''}
  ${waveActions(base, wave, may, signedIn(res).csrfToken)}
</section>
<section class="card" id="wave-exports"><h2>Báo cáo</h2>
  <p class="actions"><a class="button secondary" href="${exportsBase}/waves/${wave.id}.xlsx" download>Tải báo cáo Excel (XLSX)</a>
  <a class="button secondary" href="${exportsBase}/waves/${wave.id}.csv" download>Theo đơn vị (CSV)</a>
  <a class="button secondary" href="${exportsBase}/waves/${wave.id}/participants.csv" download>Danh sách tham gia (CSV)</a></p>
</section>
<section class="card"><h2>Người tham gia</h2><p class="muted">Trong phạm vi tài khoản của bạn; không hiện số điện thoại.</p>${list}</section>`,
        });
      });

      r.get('/:id/edit', async (req, res) => {
        const { wave, may } = await waveWithPermissions(deps.db, staffOf(res), waveId(req));
        if (!may.edit) throw new AppError('FORBIDDEN', 'Bạn không sửa được đợt này.');
        await showForm(req, res, { wave, values: valuesOfWave(wave, deps.timeZone) });
      });

      r.post('/:id', async (req, res) => {
        const id = waveId(req);
        const { wave } = await waveWithPermissions(deps.db, staffOf(res), id);
        const parsed = waveFormSchema.safeParse(req.body ?? {});
        const values = formValuesOf(req.body);
        if (!parsed.success) return showForm(req, res, { wave, values, error: formProblem(parsed.error), status: 400 });
        const checked = changesOf(parsed.data, deps.timeZone, deps.now());
        if ('problem' in checked) return showForm(req, res, { wave, values, error: checked.problem, status: 400 });
        await updateWaveAsStaff(deps.db, staffOf(res), id, checked.changes);
        res.redirect(303, `${base}/${id}?done=updated`);
      });

      for (const change of ['open', 'close'] as const) {
        r.post(`/:id/${change}`, async (req, res) => {
          const id = waveId(req);
          await changeWaveStatusAsStaff(deps.db, staffOf(res), id, change);
          const back = (req.body as Record<string, unknown> | undefined)?.back === 'trends';
          res.redirect(303, back ? `${base}/trends?done=${change}` : `${base}/${id}?done=${change}`);
        });
      }
    },
  };
}
