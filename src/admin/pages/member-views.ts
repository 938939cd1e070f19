import type { ConsentPurpose, MemberRole, MemberStatus, ParticipationState } from '../../db/types';
import type { ImportReport } from '../../domain/imports/import-report';
import type { MemberDetail } from '../../domain/members/member-detail.repository';
import type { DirectoryRow } from '../../domain/members/member-directory.repository';
import { maskPhone } from '../../domain/members/phone-mask';
import { formatCount, formatDate, formatDateTime } from '../views/format';
import { html, type Html } from '../views/html';

/** How the Đoàn viên page words members, and the pieces it renders (rows, detail, import report). */

export const MEMBER_ROLE_NAMES: Readonly<Record<MemberRole, string>> = { cadre: 'Cán bộ Đoàn', member: 'Đoàn viên', youth: 'Thanh niên' };
export const MEMBER_STATUS_NAMES: Readonly<Record<Exclude<MemberStatus, 'erased'>, string>> = { pending: 'Chờ xác minh', verified: 'Đã xác minh', left: 'Đã rời Đoàn' };
const CONSENT_NAMES: Readonly<Record<ConsentPurpose, string>> = { registration: 'Đăng ký (thông báo xử lý dữ liệu)', proofImages: 'Lưu ảnh minh chứng', subscriptions: 'Nhận tin theo chủ đề' };
const PARTICIPATION_NAMES: Readonly<Record<ParticipationState, string>> = { joined: 'Đã tham gia', proofSubmitted: 'Đã gửi minh chứng', approved: 'Minh chứng đã duyệt', rejected: 'Minh chứng bị từ chối' };
const VERIFIED_BY: Readonly<Record<string, string>> = { roster: 'danh sách đoàn viên', cadre: 'cán bộ Đoàn', staff: 'cán bộ Quận Đoàn' };
const CHANNEL_NAMES: Readonly<Record<string, string>> = { zalo: 'Zalo OA', messenger: 'Messenger', simulator: 'Trang thử nghiệm' };

export interface MemberRowContext {
  readonly basePath: string;
  readonly csrf: string;
  readonly branchNames: ReadonlyMap<string, string>;
}

/** A registration a person can still decide: pending, named, in a branch, not declined by a cadre. */
export function isDecidable(m: { status: MemberStatus; branchId: string | null; fullName: string | null; registrationDeclinedAt?: Date | null }): boolean {
  return m.status === 'pending' && m.branchId !== null && m.fullName !== null && !m.registrationDeclinedAt;
}

function statusBadge(status: MemberStatus): Html {
  if (status === 'erased') return html`<span class="badge">Đã xóa</span>`;
  return html`<span class="badge${status === 'verified' ? ' good' : status === 'pending' ? ' bad' : ''}">${MEMBER_STATUS_NAMES[status]}</span>`;
}

/** Verify / decline buttons: plain forms that htmx turns into in-place updates of the row. */
export function decisionForms(ctx: Pick<MemberRowContext, 'basePath' | 'csrf'>, memberId: string, target: string): Html {
  const form = (action: 'verify' | 'decline', label: string, cls: string) =>
    html`<form method="post" action="${ctx.basePath}/members/${memberId}/${action}" hx-post="${ctx.basePath}/members/${memberId}/${action}" hx-target="${target}" hx-swap="outerHTML"><input type="hidden" name="_csrf" value="${ctx.csrf}" /><button type="submit" class="${cls}">${label}</button></form>`;
  return html`<div class="actions">${form('verify', 'Xác minh', '')}${form('decline', 'Không xác minh', 'secondary')}</div>`;
}

export function memberRow(ctx: MemberRowContext, m: DirectoryRow, notice?: string): Html {
  const branch = m.branchId ? (ctx.branchNames.get(m.branchId) ?? '') : 'Chưa xác định';
  const decide = isDecidable(m) && notice === undefined;
  return html`<tr id="member-${m.id}" data-member="${m.id}" data-status="${m.status}">
  <td><a href="${ctx.basePath}/members/${m.id}">${m.fullName ?? '(chưa có tên)'}</a>${m.isCollaborator ? html` <span class="badge">CTV</span>` : ''}${m.isTheoryClub ? html` <span class="badge">CLB LLT</span>` : ''}${m.isBranchSecretary ? html` <span class="badge">Bí thư</span>` : ''}</td>
  <td>${maskPhone(m.phone)}</td>
  <td>${branch}</td>
  <td>${MEMBER_ROLE_NAMES[m.role]}</td>
  <td>${statusBadge(m.status)}${notice ? html`<div class="muted" role="status">${notice}</div>` : ''}</td>
  <td>${decide ? decisionForms(ctx, m.id, 'closest tr') : ''}</td>
</tr>`;
}

export function memberDetailView(ctx: Pick<MemberRowContext, 'basePath' | 'csrf'>, m: MemberDetail, timeZone: string, canErase: boolean, notice?: string): Html {
  const yes = (b: boolean) => (b ? 'Có' : 'Không');
  return html`<section class="card" id="member-detail" data-status="${m.status}">
  <h2>${m.fullName ?? '(chưa có tên)'}</h2>
  ${notice ? html`<p class="flash" role="status">${notice}</p>` : ''}
  <div class="table-wrap"><table>
    <tr><th>Số điện thoại</th><td>${maskPhone(m.phone)}</td></tr>
    <tr><th>Đơn vị</th><td>${m.branchName ?? 'Chưa xác định'}${m.unmatchedBranchNote ? html`<div class="muted">Đơn vị tự ghi (chưa khớp): ${m.unmatchedBranchNote}</div>` : ''}</td></tr>
    <tr><th>Vai trò</th><td>${MEMBER_ROLE_NAMES[m.role]}</td></tr>
    <tr><th>Trạng thái</th><td>${statusBadge(m.status)}${m.verifiedAt ? html`<div class="muted">Xác minh bởi ${VERIFIED_BY[m.verifiedBy ?? ''] ?? 'không rõ'} lúc ${formatDateTime(m.verifiedAt, timeZone)}</div>` : ''}${m.registrationDeclinedAt ? html`<div class="muted">Cán bộ cơ sở không xác minh lúc ${formatDateTime(m.registrationDeclinedAt, timeZone)}</div>` : ''}</td></tr>
    ${m.registrationNote ? html`<tr><th>Ghi chú đăng ký</th><td>${m.registrationNote}</td></tr>` : ''}
    <tr><th>Bí thư chi đoàn</th><td>${yes(m.isBranchSecretary)}</td></tr>
    <tr><th>Cộng tác viên</th><td>${yes(m.isCollaborator)}</td></tr>
    <tr><th>CLB Lý luận trẻ</th><td>${yes(m.isTheoryClub)}</td></tr>
    <tr><th>Có trong hệ thống từ</th><td>${formatDate(m.createdAt, timeZone)} (${m.source === 'roster' ? 'danh sách' : m.source === 'chat' ? 'tự đăng ký qua chat' : 'cán bộ thêm'})</td></tr>
  </table></div>
  ${isDecidable(m) ? html`<div id="member-decision">${decisionForms(ctx, m.id, '#member-detail')}</div>` : ''}
</section>
<section class="card"><h2>Tài khoản chat</h2>${m.identities.length === 0 ? html`<p class="muted">Chưa nhắn tin với Đoàn qua kênh nào.</p>` : html`<div class="table-wrap"><table>
  <thead><tr><th>Kênh</th><th>Tên hiển thị</th><th>Nhắn gần nhất</th><th>Liên lạc được</th></tr></thead>
  <tbody>${m.identities.map((i) => html`<tr><td>${CHANNEL_NAMES[i.channel] ?? i.channel}</td><td>${i.displayName ?? ''}</td><td>${i.lastInboundAt ? formatDateTime(i.lastInboundAt, timeZone) : '—'}</td><td>${i.reachable ? 'Có' : 'Không (đã chặn hoặc bỏ theo dõi)'}</td></tr>`)}</tbody></table></div>`}</section>
<section class="card"><h2>Đồng ý</h2>${m.consents.length === 0 ? html`<p class="muted">Chưa ghi nhận lần đồng ý nào.</p>` : html`<div class="table-wrap"><table>
  <thead><tr><th>Nội dung</th><th>Trả lời</th><th>Phiên bản thông báo</th><th>Lúc</th></tr></thead>
  <tbody>${m.consents.map((c) => html`<tr><td>${CONSENT_NAMES[c.purpose]}</td><td>${c.granted ? 'Đồng ý' : 'Không đồng ý'}</td><td>${c.noticeVersion}</td><td>${formatDateTime(c.recordedAt, timeZone)}</td></tr>`)}</tbody></table></div>`}</section>
<section class="card"><h2>Tham gia các đợt</h2>${m.participations.length === 0 ? html`<p class="muted">Chưa tham gia đợt nào.</p>` : html`<div class="table-wrap"><table>
  <thead><tr><th>Đợt</th><th>Tình trạng</th><th>Tham gia lúc</th></tr></thead>
  <tbody>${m.participations.map((p) => html`<tr><td>${p.waveTitle}</td><td>${PARTICIPATION_NAMES[p.state]}</td><td>${formatDate(p.joinedAt, timeZone)}</td></tr>`)}</tbody></table></div>`}</section>
<section class="card"><h2>Xóa dữ liệu cá nhân</h2>${canErase
    ? html`<p>Khi đoàn viên yêu cầu (Nghị định 13/2023/NĐ-CP), có thể xóa vĩnh viễn dữ liệu cá nhân của họ. Số liệu tham gia vẫn được giữ, không gắn với ai.</p><a class="button" href="${ctx.basePath}/members/${m.id}/erase">Xóa dữ liệu theo yêu cầu…</a>`
    : html`<p class="muted">Đoàn viên có thể tự xóa dữ liệu bằng cách nhắn “xóa dữ liệu của tôi” cho trang Đoàn, hoặc đề nghị quản trị viên Quận Đoàn thực hiện.</p>`}</section>`;
}

/** The same row-level report as `npm run import:members`, as a page fragment. */
export function importReportView(report: ImportReport): Html {
  const problems = (title: string, list: ImportReport['invalid']) =>
    list.length === 0 ? '' : html`<h3>${title}</h3><ul class="import-problems">${list.slice(0, 500).map((p) => html`<li data-row="${p.rowNumber}">Dòng ${p.rowNumber}: ${p.reason}</li>`)}${list.length > 500 ? html`<li>… và ${list.length - 500} dòng khác</li>` : ''}</ul>`;
  if (!report.imported) {
    return html`<section class="card" id="import-report" data-imported="false">
  <p class="flash error" role="alert">Không nhập gì từ ${report.fileName}: ${formatCount(report.invalid.length)}/${formatCount(report.rows)} dòng có lỗi. Sửa các dòng dưới đây rồi tải tệp lên lại.</p>
  ${problems('Dòng lỗi', report.invalid)}
</section>`;
  }
  return html`<section class="card" id="import-report" data-imported="true">
  <p class="flash" role="status">Đã nhập từ ${report.fileName} (${formatCount(report.rows)} dòng): thêm mới ${formatCount(report.created)}, cập nhật ${formatCount(report.updated)}, không đổi ${formatCount(report.unchanged)}, bỏ qua ${formatCount(report.skipped.length)}.</p>
  ${problems('Bỏ qua (không thay đổi)', report.skipped)}
</section>`;
}
