import { REJECT_REASONS } from '../../dialogs/catalog/cadre.vi';
import type { QueuedProof } from '../../domain/proofs/staff-proof-queue.repository';
import { formatDateTime } from '../views/format';
import { html, type Html } from '../views/html';
import { hidden, PLATFORM_NAMES, REVIEW_NAMES } from './waves-views';

export const OTHER_REASON = 'other';

/** The reasons the chat offers (cadre.vi.ts), then "another reason" to type. */
export function reasonPicker(idSuffix: string, formId?: string): Html {
  const form = formId ? html` form="${formId}"` : html``;
  return html`<label>Lý do chưa duyệt <select name="reason" id="reason-${idSuffix}"${form}>${REJECT_REASONS.map((r) => html`<option value="${r.value}">${r.title}</option>`)}<option value="${OTHER_REASON}">Lý do khác (gõ bên dưới)</option></select></label>
  <label>Lý do khác <input type="text" name="reason_text" maxlength="300" placeholder="Gõ lý do nếu chọn “Lý do khác”"${form} /></label>`;
}

/** "đã được duyệt bởi …" / "đã được xét bởi …: chưa duyệt", for a reviewer who came second. */
export function alreadyReviewedText(state: 'pending' | 'approved' | 'rejected', by: string | null): string {
  const who = by ?? 'người khác';
  return state === 'approved' ? `Minh chứng này đã được duyệt bởi ${who}.` : `Minh chứng này đã được xét bởi ${who}: chưa duyệt.`;
}

function evidence(p: QueuedProof, mediaUrl: ((sha256: string) => string) | undefined): Html {
  if (p.kind === 'image') {
    if (!p.imageSha256 || !mediaUrl) return html`<p class="muted">Ảnh chưa xem được.</p>`;
    const src = mediaUrl(p.imageSha256);
    return html`<a href="${src}" target="_blank" rel="noopener noreferrer"><img class="proof-image" src="${src}" alt="Ảnh minh chứng" loading="lazy" /></a>`;
  }
  if (!p.url) return html`<p class="muted">Không có liên kết.</p>`;
  return html`<p><a class="proof-link" href="${p.url}" target="_blank" rel="noopener noreferrer">Mở bài đăng${p.platform ? ` ${PLATFORM_NAMES[p.platform]}` : ''}</a> <span class="muted">${p.url}</span></p>`;
}

function flags(p: QueuedProof): Html {
  return html`${p.duplicateLink ? html`<span class="badge bad" data-flag="duplicate-link">Liên kết trùng với minh chứng của người khác</span> ` : ''}${
    p.reusedImage ? html`<span class="badge bad" data-flag="reused-image">Ảnh đã được người khác gửi</span>` : ''
  }`;
}

/** One proof with its decision buttons (while pending); htmx swaps the card with its new state. */
export function proofCard(p: QueuedProof, opts: { base: string; csrf: string; mediaUrl: ((sha256: string) => string) | undefined; timeZone: string; flash?: { text: string; error: boolean } }): Html {
  const action = `${opts.base}/${p.id}/review`;
  const hx = html` hx-post="${action}" hx-target="#proof-${p.id}" hx-swap="outerHTML"`;
  return html`<article class="card proof" id="proof-${p.id}" data-proof="${p.id}" data-state="${p.reviewState}">
  ${opts.flash ? html`<p class="flash${opts.flash.error ? ' error' : ''}" role="${opts.flash.error ? 'alert' : 'status'}">${opts.flash.text}</p>` : ''}
  <div class="proof-head">${p.reviewState === 'pending' ? html`<label class="inline"><input type="checkbox" name="ids" value="${p.id}" form="bulk-form" /> Chọn</label>` : ''}
    <strong>${p.memberName ?? 'Đã xoá dữ liệu theo yêu cầu'}</strong> <span class="muted">${p.branchName ?? ''}</span></div>
  <p class="muted">Đợt “${p.waveTitle}” · gửi lúc ${formatDateTime(p.submittedAt, opts.timeZone)}</p>
  ${evidence(p, opts.mediaUrl)}
  ${p.caption ? html`<p>Ghi chú: ${p.caption}</p>` : ''}
  ${flags(p)}
  ${p.reviewState === 'pending'
    ? html`<div class="actions">
    <form method="post" action="${action}"${hx}>${hidden(opts.csrf)}<input type="hidden" name="decision" value="approve" /><button type="submit">Duyệt</button></form>
  </div>
  <details><summary>Chưa duyệt…</summary>
    <form method="post" action="${action}" class="stack"${hx}>${hidden(opts.csrf)}<input type="hidden" name="decision" value="reject" />${reasonPicker(p.id)}
      <div class="actions"><button type="submit" class="danger">Không duyệt</button></div></form>
  </details>`
    : html`<p><span class="badge${p.reviewState === 'approved' ? ' good' : ' bad'}">${REVIEW_NAMES[p.reviewState]}</span>${p.reviewedBy ? html` bởi ${p.reviewedBy}` : ''}${
        p.reviewedAt ? html` <span class="muted">lúc ${formatDateTime(p.reviewedAt, opts.timeZone)}</span>` : ''
      }${p.rejectReason ? html`<br />Lý do: ${p.rejectReason}` : ''}</p>`}
</article>`;
}
