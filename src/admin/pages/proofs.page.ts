import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import { proofApprovedNotice, proofRejectedNotice, REJECT_REASONS } from '../../dialogs/catalog/cadre.vi';
import type { Outbox } from '../../domain/deliveries/outbox';
import { checkRejectReason, type ReviewDecision } from '../../domain/proofs/proof-review.service';
import { listProofsForStaff } from '../../domain/proofs/staff-proof-queue.repository';
import { reviewProofsAsStaff, type DecidedOutcome, type StaffReviewResult } from '../../domain/proofs/staff-proof-review.service';
import type { OutboundMessage } from '../../domain/shared/outbound-message';
import { listBranchChoices } from '../../domain/staff/staff-units.repository';
import { listWavesFor } from '../../domain/waves/staff-waves.service';
import { AppError } from '../../errors/app-error';
import type { Logger } from '../../logging/logger';
import { clientIp, isHtmx, signedIn, staffOf } from '../admin-context';
import { ALL_STAFF_ROLES, type AdminPage } from '../admin-page';
import { formatCount } from '../views/format';
import { html, type Html } from '../views/html';
import { sendFragment, sendPage } from '../views/layout';
import { alreadyReviewedText, OTHER_REASON, proofCard, reasonPicker } from './proofs-views';
import { hidden, href, pager, REVIEW_NAMES } from './waves-views';

export interface ProofsPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
  readonly mediaUrl?: (sha256: string) => string;
  /** Hands the members' notices to the outbound workers; absent, the outbox relay finds them a little later. */
  readonly outbox?: Outbox;
  readonly logger?: Logger;
}

const PAGE_SIZE = 20;
const optionalUuid = z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()).catch(undefined);
const queueQuery = z.object({
  wave: optionalUuid,
  branch: optionalUuid,
  state: z.enum(['pending', 'approved', 'rejected', 'all']).catch('pending').default('pending'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
type QueueQuery = z.output<typeof queueQuery>;

const many = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.uuid()).max(200));
const reviewForm = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().optional(),
  reason_text: z.string().max(2000).optional(),
});

/** The decision a form asks for; a message when a rejection has no usable reason. */
function decisionOf(body: unknown): ReviewDecision | { problem: string } {
  const parsed = reviewForm.safeParse(body ?? {});
  if (!parsed.success) return { problem: 'Chọn duyệt hoặc không duyệt.' };
  if (parsed.data.decision === 'approve') return { kind: 'approve' };
  const picked = REJECT_REASONS.find((r) => r.value === parsed.data.reason);
  if (picked) return { kind: 'reject', reason: picked.reason };
  if (parsed.data.reason !== OTHER_REASON) return { problem: 'Chọn một lý do chưa duyệt.' };
  const typed = checkRejectReason(parsed.data.reason_text ?? '');
  if (!typed.ok) return { problem: typed.problem === 'tooShort' ? 'Gõ lý do chưa duyệt (ít nhất 3 ký tự).' : 'Lý do dài quá, tối đa 300 ký tự.' };
  return { kind: 'reject', reason: typed.reason };
}

/** What the member reads: the same notices the chat desk sends. */
function noticeOf(decided: DecidedOutcome): OutboundMessage {
  const proof = { kind: decided.proofKind, platform: decided.platform, canonicalUrl: decided.canonicalUrl };
  return { text: decided.kind === 'approved' ? proofApprovedNotice(decided.waveTitle, proof) : proofRejectedNotice(decided.waveTitle, proof, decided.reason) };
}

function resultText(r: StaffReviewResult): { text: string; error: boolean } {
  switch (r.outcome.kind) {
    case 'approved':
      return { text: 'Đã duyệt. Đoàn viên sẽ được báo qua chat.', error: false };
    case 'rejected':
      return { text: `Đã ghi nhận chưa duyệt, lý do “${r.outcome.reason}”. Đoàn viên sẽ được báo cách gửi lại.`, error: false };
    case 'alreadyReviewed':
      return { text: alreadyReviewedText(r.outcome.state, r.outcome.reviewedBy), error: true };
    case 'notFound':
      return { text: 'Minh chứng này không còn trong phạm vi của bạn.', error: true };
  }
}

/** Minh chứng (issue 6 §2): the review queue in scope, filtered; approve or reject one by one or in bulk. */
export function proofsPage(deps: ProofsPageDeps): AdminPage {
  const base = `${deps.basePath}/proofs`;

  async function decide(req: Request, res: Response, ids: readonly string[], decision: ReviewDecision): Promise<StaffReviewResult[]> {
    const { results, deliveryIds } = await reviewProofsAsStaff(deps.db, staffOf(res), ids, decision, deps.now(), noticeOf, clientIp(req));
    // After the commit (never before); a failure here only delays the notices until the outbox relay runs.
    if (deps.outbox && deliveryIds.length > 0) await deps.outbox.enqueue(deliveryIds).catch((error: unknown) => deps.logger?.warn({ err: error }, 'admin proofs: enqueue failed; the outbox relay will send'));
    return results;
  }

  async function show(req: Request, res: Response, q: QueueQuery, notice?: Html, status?: number): Promise<void> {
    const staff = staffOf(res);
    const csrf = signedIn(res).csrfToken;
    const scope = staff.scope === null ? null : staff.scope.branchIds;
    const [{ total, proofs }, waves, branches] = await Promise.all([
      listProofsForStaff(deps.db, { branchIds: scope, ...(q.wave ? { waveId: q.wave } : {}), ...(q.branch ? { branchId: q.branch } : {}), ...(q.state === 'all' ? {} : { state: q.state }), limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE }),
      listWavesFor(deps.db, staff, { limit: 100, offset: 0 }),
      listBranchChoices(deps.db, staff.scope),
    ]);
    const filters = { wave: q.wave, branch: q.branch, state: q.state };
    const cards = proofs.map((p) => proofCard(p, { base, csrf, mediaUrl: deps.mediaUrl, timeZone: deps.timeZone }));
    const pending = proofs.some((p) => p.reviewState === 'pending');
    sendPage(req, res, {
      title: 'Minh chứng',
      ...(status ? { status } : {}),
      body: html`<h1>Minh chứng</h1>
${notice ?? ''}
<form method="get" action="${base}" class="grid" id="proof-filters">
  <label>Đợt <select name="wave"><option value="">Tất cả các đợt</option>${waves.waves.map((w) => html`<option value="${w.id}"${q.wave === w.id ? html` selected` : ''}>${w.title}</option>`)}</select></label>
  <label>Cơ sở Đoàn <select name="branch"><option value="">Tất cả trong phạm vi</option>${branches.map((b) => html`<option value="${b.id}"${q.branch === b.id ? html` selected` : ''}>${b.name}</option>`)}</select></label>
  <label>Tình trạng <select name="state">${(['pending', 'approved', 'rejected'] as const).map((s) => html`<option value="${s}"${q.state === s ? html` selected` : ''}>${REVIEW_NAMES[s]}</option>`)}<option value="all"${q.state === 'all' ? html` selected` : ''}>Tất cả</option></select></label>
  <div class="actions"><button type="submit" class="secondary">Lọc</button></div>
</form>
<p class="muted">${formatCount(total)} minh chứng. Liên kết mở trong thẻ mới; ảnh hiện qua đường dẫn có chữ ký, hết hạn sau một ngày.</p>
${pending
  ? html`<section class="card" id="bulk"><h2>Duyệt nhiều minh chứng</h2><p class="muted">Đánh dấu “Chọn” ở từng minh chứng bên dưới, rồi:</p>
  <form method="post" action="${base}/review" id="bulk-form" class="stack">${hidden(csrf)}
    ${(['wave', 'branch', 'state', 'page'] as const).map((k) => html`<input type="hidden" name="back_${k}" value="${String(q[k] ?? '')}" />`)}
    <div class="actions"><button type="submit" name="decision" value="approve">Duyệt các minh chứng đã chọn</button></div>
    <details><summary>Không duyệt các minh chứng đã chọn…</summary>${reasonPicker('bulk')}<div class="actions"><button type="submit" name="decision" value="reject" class="danger">Không duyệt các minh chứng đã chọn</button></div></details>
  </form></section>`
  : ''}
<div id="proof-list">${cards.length === 0 ? html`<p class="muted">Không có minh chứng nào khớp bộ lọc.</p>` : cards}</div>
${pager(total, q.page, PAGE_SIZE, (page) => href(base, { ...filters, page }))}`,
    });
  }

  return {
    path: '/proofs',
    title: 'Minh chứng',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Minh chứng', order: 30 },
    routes: (r) => {
      r.get('/', (req, res) => show(req, res, queueQuery.parse(req.query)));

      r.post('/review', async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const back = queueQuery.parse({ wave: body.back_wave, branch: body.back_branch, state: body.back_state, page: body.back_page });
        const ids = many.safeParse(body.ids);
        if (!ids.success || ids.data.length === 0) return show(req, res, back, html`<p class="flash error" role="alert">Chưa chọn minh chứng nào.</p>`, 400);
        const decision = decisionOf(body);
        if ('problem' in decision) return show(req, res, back, html`<p class="flash error" role="alert">${decision.problem}</p>`, 400);
        const results = await decide(req, res, ids.data, decision);
        const done = results.filter((x) => x.outcome.kind === 'approved' || x.outcome.kind === 'rejected').length;
        const missed = results.filter((x) => x.outcome.kind !== 'approved' && x.outcome.kind !== 'rejected');
        await show(
          req,
          res,
          back,
          html`<div class="flash" role="status" id="bulk-result">${decision.kind === 'approve' ? 'Đã duyệt' : 'Đã ghi nhận chưa duyệt'} ${formatCount(done)} minh chứng; các đoàn viên sẽ được báo qua chat.${
            missed.length > 0 ? html`<ul>${missed.map((m) => html`<li>${resultText(m).text}</li>`)}</ul>` : ''
          }</div>`,
        );
      });

      r.post('/:id/review', async (req, res) => {
        const id = z.uuid().safeParse(req.params.id);
        if (!id.success) throw new AppError('NOT_FOUND', 'Không tìm thấy minh chứng này.');
        const staff = staffOf(res);
        const scope = staff.scope === null ? null : staff.scope.branchIds;
        const before = await listProofsForStaff(deps.db, { branchIds: scope, proofId: id.data, limit: 1, offset: 0 });
        if (before.proofs.length === 0) throw new AppError('NOT_FOUND', 'Không tìm thấy minh chứng này.');
        const decision = decisionOf(req.body);
        if ('problem' in decision) {
          if (!isHtmx(req)) throw new AppError('VALIDATION_FAILED', decision.problem);
          return sendFragment(res, proofCard(before.proofs[0]!, { base, csrf: signedIn(res).csrfToken, mediaUrl: deps.mediaUrl, timeZone: deps.timeZone, flash: { text: decision.problem, error: true } }));
        }
        const [result] = await decide(req, res, [id.data], decision);
        const flash = resultText(result!);
        if (!isHtmx(req)) return show(req, res, queueQuery.parse({}), html`<p class="flash${flash.error ? ' error' : ''}" role="${flash.error ? 'alert' : 'status'}">${flash.text}</p>`, flash.error ? 409 : 200);
        const after = await listProofsForStaff(deps.db, { branchIds: scope, proofId: id.data, limit: 1, offset: 0 });
        sendFragment(res, proofCard(after.proofs[0] ?? before.proofs[0]!, { base, csrf: signedIn(res).csrfToken, mediaUrl: deps.mediaUrl, timeZone: deps.timeZone, flash }));
      });
    },
  };
}
