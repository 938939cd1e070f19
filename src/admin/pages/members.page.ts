import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import { REGISTRATION_DECLINED_NOTICE, REGISTRATION_VERIFIED_NOTICE } from '../../dialogs/catalog/cadre.vi';
import type { Outbox } from '../../domain/deliveries/outbox';
import type { OutboundMessage } from '../../domain/shared/outbound-message';
import type { Logger } from '../../logging/logger';
import { listDirectoryMembers } from '../../domain/members/member-directory.repository';
import { decideRegistrationAsStaff, eraseMemberAsStaff, importRosterAsStaff, memberInScope } from '../../domain/members/staff-members.service';
import { listBranchChoices } from '../../domain/staff/staff-units.repository';
import { AppError, isAppError } from '../../errors/app-error';
import { clientIp, isHtmx, signedIn, staffOf } from '../admin-context';
import { ALL_STAFF_ROLES, type AdminPage } from '../admin-page';
import { singleFileUpload, uploadedFile } from '../upload';
import { formatCount } from '../views/format';
import { html } from '../views/html';
import { sendFragment, sendPage } from '../views/layout';
import { importReportView, MEMBER_ROLE_NAMES, MEMBER_STATUS_NAMES, memberDetailView, memberRow, type MemberRowContext } from './member-views';

export interface MembersPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
  /** Hands the member's notice (registration verified or declined) to the outbound workers; absent, the outbox relay sends it a little later. */
  readonly outbox?: Outbox;
  readonly logger?: Logger;
}

const REGISTRATION_NOTICES: Readonly<Record<'verified' | 'declined', OutboundMessage>> = {
  verified: { text: REGISTRATION_VERIFIED_NOTICE },
  declined: { text: REGISTRATION_DECLINED_NOTICE },
};

export const MEMBERS_PAGE_SIZE = 50;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const searchQuery = z.object({
  q: z.preprocess(blank, z.string().trim().max(100).optional()).catch(undefined),
  branch: z.preprocess(blank, z.uuid().optional()).catch(undefined),
  role: z.preprocess(blank, z.enum(['cadre', 'member', 'youth']).optional()).catch(undefined),
  status: z.preprocess(blank, z.enum(['pending', 'verified', 'left']).optional()).catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
const idParam = z.object({ id: z.uuid() });
const eraseForm = z.object({ confirm: z.literal('yes') });

function memberId(req: Request): string {
  const parsed = idParam.safeParse(req.params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'Không tìm thấy đoàn viên này.');
  return parsed.data.id;
}

const selected = (on: boolean) => (on ? html` selected` : html``);

/** Đoàn viên (issue 6 §2): search, detail, verify pending registrations, import a roster, erase on request. */
export function membersPage(deps: MembersPageDeps): AdminPage {
  const base = `${deps.basePath}/members`;

  async function rowContext(res: Response): Promise<MemberRowContext> {
    const staff = staffOf(res);
    const branches = await listBranchChoices(deps.db, staff.scope);
    return { basePath: deps.basePath, csrf: signedIn(res).csrfToken, branchNames: new Map(branches.map((b) => [b.id, b.name])) };
  }

  async function decide(req: Request, res: Response, decision: 'verify' | 'decline'): Promise<void> {
    const id = memberId(req);
    const staff = staffOf(res);
    const { outcome, deliveryIds } = await decideRegistrationAsStaff(deps.db, staff, id, decision, deps.now(), clientIp(req), (decided) => REGISTRATION_NOTICES[decided]);
    // After the commit (never before); a failure here only delays the notice until the outbox relay runs.
    if (deps.outbox && deliveryIds.length > 0) await deps.outbox.enqueue(deliveryIds).catch((error: unknown) => deps.logger?.warn({ err: error }, 'admin members: enqueue failed; the outbox relay will send'));
    const notice = outcome === 'verified' ? 'Đã xác minh.' : outcome === 'declined' ? 'Đã chuyển lại cho Quận Đoàn xử lý (không xác minh).' : 'Đăng ký này đã được người khác xử lý trước.';
    if (!isHtmx(req)) return res.redirect(303, `${base}/${id}`);
    const ctx = await rowContext(res);
    const member = await memberInScope(deps.db, staff, id);
    if (req.get('hx-target') === 'member-detail') return sendFragment(res, memberDetailView(ctx, member, deps.timeZone, staff.role === 'districtAdmin', notice));
    sendFragment(res, memberRow(ctx, member, notice));
  }

  return {
    path: '/members',
    title: 'Đoàn viên',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Đoàn viên', order: 40 },
    routes: (r) => {
      r.get('/', async (req, res) => {
        const query = searchQuery.parse(req.query);
        const staff = staffOf(res);
        const ctx = await rowContext(res);
        if (query.branch && !ctx.branchNames.has(query.branch)) throw new AppError('NOT_FOUND', 'Không tìm thấy đơn vị này trong phạm vi của tài khoản.');
        const branchIds = query.branch ? [query.branch] : staff.scope === null ? null : staff.scope.branchIds;
        const { total, rows } = await listDirectoryMembers(deps.db, {
          branchIds,
          ...(query.role ? { role: query.role } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.q ? { q: query.q } : {}),
          limit: MEMBERS_PAGE_SIZE,
          offset: (query.page - 1) * MEMBERS_PAGE_SIZE,
        });
        const pageLink = (page: number) => {
          const params = new URLSearchParams();
          for (const [k, v] of Object.entries({ q: query.q, branch: query.branch, role: query.role, status: query.status })) if (v) params.set(k, v);
          params.set('page', String(page));
          return `${base}?${params.toString()}`;
        };
        const results = html`<div id="member-results"><p class="muted">${formatCount(total)} người</p>${rows.length === 0 ? html`<p class="muted">Không có ai khớp điều kiện tìm.</p>` : html`<div class="table-wrap"><table id="member-table">
  <thead><tr><th>Họ và tên</th><th>Số điện thoại</th><th>Đơn vị</th><th>Vai trò</th><th>Trạng thái</th><th></th></tr></thead>
  <tbody>${rows.map((m) => memberRow(ctx, m))}</tbody></table></div>`}
  <div class="pager">${query.page > 1 ? html`<a href="${pageLink(query.page - 1)}">« Trước</a>` : ''}${query.page * MEMBERS_PAGE_SIZE < total ? html`<a href="${pageLink(query.page + 1)}" rel="next">Sau »</a>` : ''}</div></div>`;
        if (isHtmx(req) && req.get('hx-target') === 'member-results') return sendFragment(res, results);
        sendPage(req, res, {
          title: 'Đoàn viên',
          body: html`<h1>Đoàn viên</h1>
<div class="actions"><a class="button secondary" href="${base}?status=pending">Đăng ký chờ xác minh</a><a class="button secondary" href="${base}/import">Nhập danh sách</a></div>
<section class="card"><form method="get" action="${base}" class="grid" id="member-search" hx-get="${base}" hx-target="#member-results" hx-select="#member-results" hx-swap="outerHTML" hx-trigger="submit, input changed delay:400ms from:#member-q, change from:.member-filter" hx-push-url="true">
  <label>Tên hoặc số điện thoại <input type="text" id="member-q" name="q" value="${query.q ?? ''}" autocomplete="off" /></label>
  <label>Đơn vị <select name="branch" class="member-filter"><option value="">Tất cả đơn vị trong phạm vi</option>${[...ctx.branchNames].map(([id, name]) => html`<option value="${id}"${selected(query.branch === id)}>${name}</option>`)}</select></label>
  <label>Vai trò <select name="role" class="member-filter"><option value="">Tất cả</option>${(['cadre', 'member', 'youth'] as const).map((k) => html`<option value="${k}"${selected(query.role === k)}>${MEMBER_ROLE_NAMES[k]}</option>`)}</select></label>
  <label>Trạng thái <select name="status" class="member-filter"><option value="">Tất cả</option>${(['pending', 'verified', 'left'] as const).map((k) => html`<option value="${k}"${selected(query.status === k)}>${MEMBER_STATUS_NAMES[k]}</option>`)}</select></label>
  <div class="actions"><button type="submit">Tìm</button></div>
</form></section>
<section class="card">${results}</section>`,
        });
      });

      r.get('/import', (req, res) => {
        sendPage(req, res, {
          title: 'Nhập danh sách đoàn viên',
          body: html`<h1>Nhập danh sách đoàn viên</h1>
<section class="card">
  <p>Tải lên tệp Excel (.xlsx) hoặc CSV UTF-8 có các cột: Họ và tên, Số điện thoại, Cơ sở Đoàn, Vai trò (và nếu có: Cộng tác viên, CLB Lý luận trẻ). Nếu có dòng lỗi thì không dòng nào được nhập; trang sẽ chỉ rõ dòng nào cần sửa.</p>
  ${staffOf(res).scope === null ? '' : html`<p class="muted">Chỉ nhận đoàn viên thuộc các đơn vị trong phạm vi tài khoản của bạn.</p>`}
  <form id="import-form" class="stack" hx-post="${base}/import" hx-encoding="multipart/form-data" hx-target="#import-result" hx-swap="innerHTML">
    <label>Tệp danh sách <input type="file" name="roster" accept=".xlsx,.csv,.txt" required /></label>
    <div class="actions"><button type="submit">Nhập danh sách</button><span class="htmx-indicator muted">Đang nhập…</span></div>
  </form>
</section>
<div id="import-result" aria-live="polite"></div>`,
        });
      });

      r.post('/import', singleFileUpload('roster'), async (req, res) => {
        const file = uploadedFile(req);
        if (!file) return sendFragment(res, html`<p class="flash error" role="alert">Chọn một tệp .xlsx hoặc .csv để nhập.</p>`, 400);
        try {
          const report = await importRosterAsStaff(deps.db, staffOf(res), file, deps.now(), clientIp(req));
          sendFragment(res, importReportView(report));
        } catch (error) {
          // A file that cannot be read, or lacks a column: the person fixes the file; htmx shows 200s only.
          if (isAppError(error, 'VALIDATION_FAILED') || isAppError(error, 'IMPORT_INVALID') || isAppError(error, 'CONFLICT')) {
            return sendFragment(res, html`<section class="card" id="import-report" data-imported="false"><p class="flash error" role="alert">${error.message}</p></section>`);
          }
          throw error;
        }
      });

      r.get('/:id', async (req, res) => {
        const staff = staffOf(res);
        const member = await memberInScope(deps.db, staff, memberId(req));
        const ctx = await rowContext(res);
        sendPage(req, res, { title: member.fullName ?? 'Đoàn viên', body: html`<p><a href="${base}">« Đoàn viên</a></p><div>${memberDetailView(ctx, member, deps.timeZone, staff.role === 'districtAdmin')}</div>` });
      });

      r.post('/:id/verify', (req, res) => decide(req, res, 'verify'));
      r.post('/:id/decline', (req, res) => decide(req, res, 'decline'));

      r.get('/:id/erase', async (req, res) => {
        const staff = staffOf(res);
        const member = await memberInScope(deps.db, staff, memberId(req));
        if (staff.role !== 'districtAdmin') throw new AppError('FORBIDDEN', 'Chỉ quản trị viên Quận Đoàn được xóa dữ liệu của đoàn viên.');
        sendPage(req, res, {
          title: 'Xóa dữ liệu đoàn viên',
          body: html`<h1>Xóa dữ liệu của ${member.fullName ?? 'đoàn viên'}</h1>
<section class="card">
  <p>Việc này <strong>không thể hoàn tác</strong>. Họ tên, số điện thoại, tài khoản chat, minh chứng (đường dẫn, ảnh), tin nhắn và các đăng ký nhận tin của người này sẽ bị xóa. Số liệu tham gia các đợt vẫn được tính cho đơn vị nhưng không gắn với ai.</p>
  <form method="post" action="${base}/${member.id}/erase" class="stack">
    <input type="hidden" name="_csrf" value="${signedIn(res).csrfToken}" />
    <label class="inline"><input type="checkbox" name="confirm" value="yes" required /> Tôi xác nhận đoàn viên này đã yêu cầu xóa dữ liệu của họ.</label>
    <div class="actions"><button type="submit" class="danger">Xóa vĩnh viễn</button><a class="button secondary" href="${base}/${member.id}">Quay lại</a></div>
  </form>
</section>`,
        });
      });

      r.post('/:id/erase', async (req, res) => {
        const id = memberId(req);
        if (!eraseForm.safeParse(req.body ?? {}).success) throw new AppError('VALIDATION_FAILED', 'Hãy đánh dấu ô xác nhận đoàn viên đã yêu cầu xóa dữ liệu.');
        await eraseMemberAsStaff(deps.db, staffOf(res), id, deps.now(), clientIp(req));
        sendPage(req, res, { title: 'Đã xóa dữ liệu', body: html`<h1>Đã xóa dữ liệu</h1><p class="flash" role="status">Dữ liệu cá nhân của đoàn viên đã được xóa vĩnh viễn.</p><p><a href="${base}">« Đoàn viên</a></p>` });
      });
    },
  };
}
