import { z } from 'zod';
import type { Db } from '../../db/database';
import { listAuditLog, type AuditLogEntry } from '../../domain/audit/audit-log.repository';
import type { AdminPage } from '../admin-page';
import { formatDateTime } from '../views/format';
import { html, type Html } from '../views/html';
import { sendPage } from '../views/layout';

export interface AuditPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly basePath: string;
}

export const AUDIT_PAGE_SIZE = 50;

/** How each recorded action reads; an action not listed shows its code. */
const ACTION_NAMES: Readonly<Record<string, string>> = {
  'staff.login': 'Đăng nhập',
  'staff.loginFailed': 'Đăng nhập không thành công',
  'staff.logout': 'Đăng xuất',
  'staff.created': 'Tạo tài khoản cán bộ',
  'staff.passwordReset': 'Đặt lại mật khẩu',
  'staff.disabled': 'Vô hiệu hoá tài khoản',
  'staff.enabled': 'Mở lại tài khoản',
  'apiToken.created': 'Cấp mã truy cập API',
  'apiToken.revoked': 'Thu hồi mã truy cập API',
  'broadcast.created': 'Gửi tin',
  'broadcast.cancelled': 'Dừng gửi tin',
  'wave.created': 'Tạo đợt',
  'wave.updated': 'Sửa đợt',
  'wave.opened': 'Mở đợt',
  'wave.closed': 'Kết thúc đợt',
  'proof.reviewed': 'Duyệt minh chứng',
  'trend.registered': 'Đăng ký trào lưu của cơ sở',
  'registration.verified': 'Xác minh đăng ký',
  'registration.declined': 'Không xác minh đăng ký',
  'member.erased': 'Xóa dữ liệu đoàn viên',
  'identity.erased': 'Xóa dữ liệu tài khoản chat',
  'members.imported': 'Nhập danh sách đoàn viên',
  'members.importRefused': 'Nhập danh sách không thành (có dòng lỗi)',
  'content.created': 'Thêm nội dung',
  'content.updated': 'Sửa nội dung',
  'content.approved': 'Duyệt nội dung',
  'content.rejected': 'Từ chối nội dung',
  'task.created': 'Tạo nhiệm vụ CTV',
  'handover.replied': 'Trả lời trong Hộp thư',
  'handover.closed': 'Kết thúc hội thoại Hộp thư',
};

const FAILURE_REASONS: Readonly<Record<string, string>> = {
  wrongPassword: 'sai mật khẩu',
  unknownUser: 'không có tài khoản này',
  locked: 'tài khoản đang tạm khoá',
  disabled: 'tài khoản đã bị khoá',
};

const pageQuery = z.object({ before: z.coerce.number().int().positive().optional().catch(undefined) });

function detailOf(e: AuditLogEntry): string {
  if (e.action === 'staff.loginFailed') {
    const reason = FAILURE_REASONS[String(e.details.reason)] ?? '';
    return e.details.lockedUntil ? `${reason}; tạm khoá tài khoản` : reason;
  }
  return e.subjectKind && e.subjectId ? `${e.subjectKind} ${e.subjectId}` : '';
}

function row(e: AuditLogEntry, timeZone: string): Html {
  const actor = e.actorName ?? (e.actorKind === 'system' ? 'hệ thống / dòng lệnh' : e.actorKind === 'member' ? 'đoàn viên' : 'không rõ');
  return html`<tr data-audit="${e.id}"><td>${formatDateTime(e.at, timeZone)}</td><td>${actor}</td><td>${ACTION_NAMES[e.action] ?? e.action}</td><td>${detailOf(e)}${e.unitName ? html`<div class="muted">${e.unitName}</div>` : ''}</td><td>${e.ip ?? ''}</td></tr>`;
}

/** Nhật ký (issue 6 §2): the audit log of logins, broadcasts, reviews and erasures, for the district admin, newest first. */
export function auditPage(deps: AuditPageDeps): AdminPage {
  return {
    path: '/audit',
    title: 'Nhật ký',
    roles: ['districtAdmin'],
    nav: { label: 'Nhật ký', order: 95 },
    routes: (r) => {
      r.get('/', async (req, res) => {
        const { before } = pageQuery.parse(req.query);
        // One more than shown tells whether an older page exists.
        const entries = await listAuditLog(deps.db, { ...(before ? { beforeId: before } : {}), limit: AUDIT_PAGE_SIZE + 1 });
        const shown = entries.slice(0, AUDIT_PAGE_SIZE);
        const older = entries.length > AUDIT_PAGE_SIZE ? shown[shown.length - 1]?.id : undefined;
        sendPage(req, res, {
          title: 'Nhật ký',
          body: html`<h1>Nhật ký hoạt động</h1>
<section class="card">
${shown.length === 0 ? html`<p class="muted">Chưa có gì trong nhật ký.</p>` : html`<div class="table-wrap"><table id="audit-table">
  <thead><tr><th>Thời điểm</th><th>Người thực hiện</th><th>Việc</th><th>Chi tiết</th><th>Địa chỉ mạng</th></tr></thead>
  <tbody>${shown.map((e) => row(e, deps.timeZone))}</tbody></table></div>`}
<div class="pager">${before ? html`<a href="${deps.basePath}/audit">« Mới nhất</a>` : ''}${older ? html`<a href="${deps.basePath}/audit?before=${older}" rel="next">Cũ hơn »</a>` : ''}</div>
</section>`,
        });
      });
    },
  };
}
