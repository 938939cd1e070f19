import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import { HANDOVER } from '../../dialogs/catalog/member-services.vi';
import type { Outbox } from '../../domain/deliveries/outbox';
import { closeAsStaff, listInbox, replyAsStaff, threadInScope } from '../../domain/handover/staff-inbox.service';
import type { ThreadMessageRecord } from '../../domain/handover/handover.service';
import { listBranchChoices } from '../../domain/staff/staff-units.repository';
import { AppError, isAppError } from '../../errors/app-error';
import { clientIp, isHtmx, signedIn, staffOf } from '../admin-context';
import { ALL_STAFF_ROLES, type AdminPage } from '../admin-page';
import { formatCount, formatDateTime } from '../views/format';
import { html, type Html } from '../views/html';
import { sendFragment, sendPage } from '../views/layout';

export interface InboxPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
  /** Hands staff replies to the outbound workers at once; absent, the outbox relay picks them up shortly after. */
  readonly outbox?: Outbox | undefined;
}

const CHANNEL_NAMES: Readonly<Record<string, string>> = { zalo: 'Zalo OA', messenger: 'Messenger', simulator: 'Trang thử nghiệm' };
const idParam = z.object({ id: z.uuid() });
const replyForm = z.object({ text: z.string().max(2000, 'trả lời tối đa 2.000 ký tự').default('') });

function threadId(req: Request): string {
  const parsed = idParam.safeParse(req.params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'Không tìm thấy cuộc trò chuyện này.');
  return parsed.data.id;
}

/** Hộp thư (issue 6 §2): conversations handed to staff, in scope; read, reply (a staffReply delivery), close. */
export function inboxPage(deps: InboxPageDeps): AdminPage {
  const base = `${deps.basePath}/inbox`;

  function messagesView(id: string, messages: readonly ThreadMessageRecord[], poll: boolean): Html {
    const attributes = poll ? html` hx-get="${base}/${id}/messages" hx-trigger="every 10s" hx-swap="outerHTML"` : html``;
    return html`<ol id="thread-messages" class="thread"${attributes}>${messages.length === 0 ? html`<li class="muted">Chưa có tin nhắn nào.</li>` : messages.map(
      (m) => html`<li class="${m.direction === 'staff' ? 'from-staff' : 'from-member'}" data-message="${m.id}"><div class="muted">${m.direction === 'staff' ? (m.fromPlatformInbox ? 'Cán bộ (trả lời trên nền tảng)' : 'Cán bộ') : 'Đoàn viên'} · ${formatDateTime(m.at, deps.timeZone)}</div><div>${m.text}</div>${m.attachments.length > 0 ? html`<div class="muted">${formatCount(m.attachments.length)} tệp đính kèm</div>` : ''}</li>`,
    )}</ol>`;
  }

  async function showThread(req: Request, res: Response, extra: { error?: string; status?: number; draft?: string; notice?: string } = {}): Promise<void> {
    const id = threadId(req);
    const staff = staffOf(res);
    const csrf = signedIn(res).csrfToken;
    const { thread, live, messages } = await threadInScope(deps.db, staff, id, deps.now());
    const branchName = thread.branchId ? (await listBranchChoices(deps.db, { branchIds: [thread.branchId] }))[0]?.name : undefined;
    sendPage(req, res, {
      title: 'Hộp thư',
      ...(extra.status ? { status: extra.status } : {}),
      body: html`<p><a href="${base}">« Hộp thư</a></p><h1>Trò chuyện với đoàn viên</h1>
${extra.error ? html`<p class="flash error" role="alert">${extra.error}</p>` : ''}${extra.notice ? html`<p class="flash" role="status">${extra.notice}</p>` : ''}
<section class="card" id="thread" data-live="${live ? 'yes' : 'no'}"><p class="muted">${branchName ?? 'Chưa xác định đơn vị'} · mở lúc ${formatDateTime(thread.openedAt, deps.timeZone)} · ${live ? `tự kết thúc lúc ${formatDateTime(thread.expiresAt, deps.timeZone)}` : 'đã kết thúc'}</p>
${messagesView(id, messages, live)}
${live
  ? html`<form method="post" action="${base}/${id}/reply" class="stack" id="reply-form">
  <input type="hidden" name="_csrf" value="${csrf}" />
  <label>Trả lời <textarea name="text" maxlength="2000" required>${extra.draft ?? ''}</textarea></label>
  <p class="muted">Tin trả lời được gửi qua kênh đoàn viên đang nhắn, theo chính sách gửi tin của nền tảng.</p>
  <div class="actions"><button type="submit">Gửi trả lời</button></div>
</form>
<form method="post" action="${base}/${id}/close"><input type="hidden" name="_csrf" value="${csrf}" /><button type="submit" class="secondary">Kết thúc trò chuyện</button></form>`
  : ''}
</section>`,
    });
  }

  return {
    path: '/inbox',
    title: 'Hộp thư',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Hộp thư', order: 80 },
    routes: (r) => {
      r.get('/', async (req, res) => {
        const staff = staffOf(res);
        const [threads, branches] = await Promise.all([listInbox(deps.db, staff, deps.now()), listBranchChoices(deps.db, staff.scope)]);
        const names = new Map(branches.map((b) => [b.id, b.name]));
        sendPage(req, res, {
          title: 'Hộp thư',
          body: html`<h1>Hộp thư</h1>
${req.query.closed === '1' ? html`<p class="flash" role="status">Đã kết thúc trò chuyện; trợ lý đã quay lại với đoàn viên.</p>` : ''}
<section class="card">${threads.length === 0 ? html`<p class="muted">Không có cuộc trò chuyện nào đang chờ cán bộ.</p>` : html`<div class="table-wrap"><table id="inbox-table">
  <thead><tr><th>Người nhắn</th><th>Đơn vị</th><th>Kênh</th><th class="num">Tin nhắn</th><th>Gần nhất</th></tr></thead>
  <tbody>${threads.map(
    (t) => html`<tr data-thread="${t.id}"><td><a href="${base}/${t.id}">${t.memberName ?? 'Người chưa đăng ký'}</a></td><td>${t.branchId ? (names.get(t.branchId) ?? '') : 'Chưa xác định'}</td><td>${CHANNEL_NAMES[t.channel] ?? t.channel}</td><td class="num">${formatCount(t.messageCount)}</td><td>${t.lastMessageAt ? formatDateTime(t.lastMessageAt, deps.timeZone) : '—'}</td></tr>`,
  )}</tbody></table></div>`}</section>`,
        });
      });

      r.get('/:id', (req, res) => showThread(req, res, req.query.sent === '1' ? { notice: 'Đã gửi trả lời.' } : {}));

      r.get('/:id/messages', async (req, res) => {
        const id = threadId(req);
        const { live, messages } = await threadInScope(deps.db, staffOf(res), id, deps.now());
        if (!isHtmx(req)) return res.redirect(303, `${base}/${id}`);
        sendFragment(res, messagesView(id, messages, live));
      });

      r.post('/:id/reply', async (req, res) => {
        const id = threadId(req);
        const parsed = replyForm.safeParse(req.body ?? {});
        if (!parsed.success) return showThread(req, res, { status: 400, error: `Trả lời: ${parsed.error.issues[0]?.message ?? 'chưa đúng'}.` });
        try {
          await replyAsStaff(deps.db, deps.outbox ?? null, staffOf(res), id, parsed.data.text, deps.now(), clientIp(req));
        } catch (error) {
          if (isAppError(error, 'VALIDATION_FAILED')) return showThread(req, res, { status: 400, error: error.message });
          if (isAppError(error, 'CONFLICT')) return showThread(req, res, { status: 409, error: error.message, draft: parsed.data.text });
          throw error;
        }
        res.redirect(303, `${base}/${id}?sent=1`);
      });

      r.post('/:id/close', async (req, res) => {
        const id = threadId(req);
        await closeAsStaff(deps.db, deps.outbox ?? null, staffOf(res), id, HANDOVER.closedByStaff, deps.now(), clientIp(req));
        res.redirect(303, `${base}?closed=1`);
      });
    },
  };
}
