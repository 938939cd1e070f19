import type { ParticipationState, ProofPlatform, ReviewState, WaveStatus } from '../../db/types';
import type { UnitChoice } from '../../domain/staff/staff-units.repository';
import type { StaffWave } from '../../domain/waves/staff-waves.repository';
import type { WavePermissions } from '../../domain/waves/staff-waves.service';
import type { ParticipantProofLink, WaveParticipant } from '../../domain/waves/wave-participants.repository';
import { formatCount, formatDate, formatDateTime } from '../views/format';
import { html, type Html } from '../views/html';
import { WAVE_ACTION_NAMES, type WaveFormValues } from './wave-form';

export const WAVE_STATUS_NAMES: Readonly<Record<WaveStatus, string>> = { draft: 'chờ duyệt', open: 'đang mở', closed: 'đã kết thúc', cancelled: 'đã huỷ' };
const PARTICIPATION_NAMES: Readonly<Record<ParticipationState, string>> = {
  joined: 'đã tham gia, chưa gửi minh chứng',
  proofSubmitted: 'minh chứng chờ duyệt',
  approved: 'minh chứng đã duyệt',
  rejected: 'minh chứng bị từ chối',
};
export const REVIEW_NAMES: Readonly<Record<ReviewState, string>> = { pending: 'chờ duyệt', approved: 'đã duyệt', rejected: 'bị từ chối' };
export const PLATFORM_NAMES: Readonly<Record<ProofPlatform, string>> = {
  facebook: 'Facebook', tiktok: 'TikTok', youtube: 'YouTube', instagram: 'Instagram', threads: 'Threads', zalo: 'Zalo', other: 'Liên kết',
};
const ROLE_NAMES = { cadre: 'Cán bộ Đoàn', member: 'Đoàn viên', youth: 'Thanh niên' } as const;

export function statusBadge(status: WaveStatus): Html {
  const tone = status === 'open' ? ' good' : status === 'draft' ? ' bad' : '';
  return html`<span class="badge${tone}" data-status="${status}">${WAVE_STATUS_NAMES[status]}</span>`;
}

export function href(base: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]): [string, string] => [k, String(v)]));
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}

export function pager(total: number, page: number, pageSize: number, link: (page: number) => string, htmxTarget?: string): Html {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return html``;
  const hx = (p: number) => (htmxTarget ? html` hx-get="${link(p)}" hx-target="${htmxTarget}" hx-swap="outerHTML" hx-push-url="false"` : html``);
  return html`<nav class="pager" aria-label="Trang">
  ${page > 1 ? html`<a href="${link(page - 1)}"${hx(page - 1)} rel="prev">← Trang trước</a>` : ''}
  <span class="muted">Trang ${page}/${pages} · ${formatCount(total)} dòng</span>
  ${page < pages ? html`<a href="${link(page + 1)}"${hx(page + 1)} rel="next">Trang sau →</a>` : ''}
</nav>`;
}

export function hidden(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}" />`;
}

export function waveDays(wave: Pick<StaffWave, 'startsAt' | 'endsAt'>, timeZone: string): string {
  return `${formatDate(wave.startsAt, timeZone)} – ${formatDate(new Date(wave.endsAt.getTime() - 1), timeZone)}`;
}

/** A proof as a link that opens in a new tab (never with access to this page), or its signed image. */
export function proofLink(p: Pick<ParticipantProofLink, 'kind' | 'url' | 'platform' | 'imageSha256'>, mediaUrl: ((sha256: string) => string) | undefined): Html {
  if (p.kind === 'link' && p.url) return html`<a href="${p.url}" target="_blank" rel="noopener noreferrer">${p.platform ? PLATFORM_NAMES[p.platform] : 'Liên kết'}</a>`;
  if (p.kind === 'image' && p.imageSha256 && mediaUrl) return html`<a href="${mediaUrl(p.imageSha256)}" target="_blank" rel="noopener noreferrer">Ảnh</a>`;
  return html`<span class="muted">${p.kind === 'image' ? 'Ảnh đang tải' : 'Liên kết'}</span>`;
}

export function participantsSection(opts: {
  readonly participants: readonly WaveParticipant[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly link: (page: number) => string;
  readonly timeZone: string;
  readonly mediaUrl: ((sha256: string) => string) | undefined;
}): Html {
  const rows = opts.participants.map(
    (p) => html`<tr data-participation="${p.participationId}">
    <td>${p.fullName ?? html`<span class="muted">Đã xoá dữ liệu theo yêu cầu</span>`}<div class="muted">${ROLE_NAMES[p.role]}</div></td>
    <td>${p.branchName ?? '—'}</td>
    <td>${PARTICIPATION_NAMES[p.state]}<div class="muted">từ ${formatDateTime(p.joinedAt, opts.timeZone)}</div></td>
    <td>${p.proofs.length === 0 ? html`<span class="muted">—</span>` : p.proofs.map((proof) => html`<div>${proofLink(proof, opts.mediaUrl)} <span class="muted">(${REVIEW_NAMES[proof.reviewState]})</span></div>`)}</td>
  </tr>`,
  );
  return html`<div id="participants">
  ${opts.total === 0
    ? html`<p class="muted">Chưa có ai trong phạm vi của bạn tham gia đợt này.</p>`
    : html`<div class="table-wrap"><table>
    <thead><tr><th>Họ và tên</th><th>Cơ sở Đoàn</th><th>Tình trạng</th><th>Minh chứng</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`}
  ${pager(opts.total, opts.page, opts.pageSize, opts.link, '#participants')}
</div>`;
}

export function waveActions(base: string, wave: StaffWave, may: WavePermissions, csrf: string, back?: string): Html {
  const backField = back ? html`<input type="hidden" name="back" value="${back}" />` : '';
  return html`<div class="actions">
  ${may.edit ? html`<a class="button secondary" href="${base}/${wave.id}/edit">Sửa</a>` : ''}
  ${may.open ? html`<form method="post" action="${base}/${wave.id}/open">${hidden(csrf)}${backField}<button type="submit">${wave.status === 'draft' ? 'Duyệt và mở đợt' : 'Mở đợt'}</button></form>` : ''}
  ${may.close ? html`<form method="post" action="${base}/${wave.id}/close">${hidden(csrf)}${backField}<button type="submit" class="danger">Kết thúc đợt</button></form>` : ''}
</div>`;
}

export interface OwnerChoices {
  readonly district: UnitChoice | undefined;
  readonly clusters: readonly UnitChoice[];
  readonly branches: readonly UnitChoice[];
}

function option(value: string, label: string, on: boolean): Html {
  return html`<option value="${value}"${on ? html` selected` : ''}>${label}</option>`;
}

export function waveFormView(opts: { action: string; csrf: string; values: WaveFormValues; owners: OwnerChoices | undefined; canPublish: boolean; submit: string }): Html {
  const v = opts.values;
  const owners = opts.owners;
  return html`<form method="post" action="${opts.action}" class="stack" id="wave-form">
  ${hidden(opts.csrf)}
  <label>Tên đợt <input type="text" name="title" maxlength="150" required value="${v.title ?? ''}" /></label>
  <label>Mô tả, hướng dẫn cho đoàn viên <textarea name="description" maxlength="2000">${v.description ?? ''}</textarea></label>
  <label>Hình thức <select name="action">${(Object.keys(WAVE_ACTION_NAMES) as (keyof typeof WAVE_ACTION_NAMES)[]).map((a) => option(a, WAVE_ACTION_NAMES[a], v.action === a))}</select></label>
  <label>Hashtag (cách nhau bằng dấu phẩy) <input type="text" name="hashtags" maxlength="600" placeholder="#TựHàoBìnhTân, #XanhHóaKhôngGianMạng" value="${v.hashtags ?? ''}" /></label>
  <label>Khung ảnh, hình mẫu (không bắt buộc) <input type="url" name="asset_url" placeholder="https://" value="${v.asset_url ?? ''}" /></label>
  <div class="grid"><label>Ngày bắt đầu <input type="date" name="first_day" required value="${v.first_day ?? ''}" /></label>
  <label>Ngày kết thúc (tính cả ngày này) <input type="date" name="last_day" required value="${v.last_day ?? ''}" /></label></div>
  ${owners
    ? html`<label>Đơn vị chủ trì <select name="owner">
    ${owners.district ? option('', `${owners.district.name} (cấp Quận)`, !v.owner) : ''}
    ${owners.clusters.map((c) => option(c.id, `${c.name} (khu vực)`, v.owner === c.id))}
    ${owners.branches.map((b) => option(b.id, b.name, v.owner === b.id))}
  </select></label>`
    : ''}
  ${opts.canPublish && owners
    ? html`<label>Trạng thái <select name="status">${option('open', 'Mở ngay (đoàn viên thấy và tham gia được)', v.status !== 'draft')}${option('draft', 'Lưu nháp', v.status === 'draft')}</select></label>`
    : owners
      ? html`<p class="muted">Đợt của chi đoàn được lưu ở trạng thái chờ duyệt; Quận Đoàn duyệt rồi mới mở.</p>`
      : ''}
  <div class="actions"><button type="submit">${opts.submit}</button></div>
</form>`;
}
