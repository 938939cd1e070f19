import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import type { ContentKind, ReviewState } from '../../db/types';
import { addContent, contentInScope, contentProblem, decideContent, editContent, listContent, type ContentFields, type ContentItem } from '../../domain/content/content-library.service';
import { AppError, isAppError } from '../../errors/app-error';
import { clientIp, isHtmx, signedIn, staffOf } from '../admin-context';
import type { AdminPage } from '../admin-page';
import { formatDate } from '../views/format';
import { html, type Html } from '../views/html';
import { pager } from './waves-views';
import { sendFragment, sendPage } from '../views/layout';

export interface ContentPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
}

const KINDS: readonly ContentKind[] = ['uncleHoTeaching', 'goodNews', 'story', 'legalInfo', 'greenLiving'];
export const CONTENT_KIND_NAMES: Readonly<Record<ContentKind, string>> = {
  uncleHoTeaching: 'Lời Bác dạy',
  goodNews: 'Tin tốt',
  story: 'Câu chuyện đẹp',
  legalInfo: 'Thông tin pháp luật',
  greenLiving: 'Sống xanh',
};
const APPROVAL_NAMES: Readonly<Record<ReviewState, string>> = { pending: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Không duyệt' };
export const CONTENT_PAGE_SIZE = 50;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const listQuery = z.object({
  kind: z.enum(KINDS as [ContentKind, ...ContentKind[]]).catch('uncleHoTeaching'),
  approval: z.preprocess(blank, z.enum(['pending', 'approved', 'rejected']).optional()).catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
const contentForm = z.object({
  kind: z.enum(KINDS as [ContentKind, ...ContentKind[]]),
  title: z.preprocess(blank, z.string().trim().max(200, 'tiêu đề tối đa 200 ký tự').optional()),
  body: z.string().trim().min(1, 'hãy nhập nội dung').max(5000, 'nội dung tối đa 5.000 ký tự'),
  link_url: z.preprocess(blank, z.url({ protocol: /^https?$/, message: 'cần một địa chỉ http(s)://' }).optional()),
  source: z.preprocess(blank, z.string().trim().max(300, 'nguồn tối đa 300 ký tự').optional()),
  scheduled_on: z.preprocess(blank, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'chọn một ngày').optional()),
});
type ContentForm = z.output<typeof contentForm>;
const idParam = z.object({ id: z.uuid() });

function contentId(req: Request): string {
  const parsed = idParam.safeParse(req.params);
  if (!parsed.success) throw new AppError('NOT_FOUND', 'Không tìm thấy nội dung này.');
  return parsed.data.id;
}

function fieldsOf(form: ContentForm): ContentFields {
  return { title: form.title ?? null, body: form.body, linkUrl: form.link_url ?? null, source: form.source ?? null, scheduledOn: form.scheduled_on ?? null };
}

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  const names: Record<string, string> = { title: 'Tiêu đề', body: 'Nội dung', link_url: 'Đường dẫn', source: 'Nguồn', scheduled_on: 'Ngày đăng', kind: 'Loại nội dung' };
  return `${names[String(issue?.path[0] ?? '')] ?? 'Biểu mẫu'}: ${issue?.message ?? 'chưa đúng'}.`;
}

/** Nội dung (issue 6 §2): the library of Lời Bác dạy, good news, stories, legal information and green living; add, edit, schedule, approve. */
export function contentPage(deps: ContentPageDeps): AdminPage {
  const base = `${deps.basePath}/content`;

  function decisionCell(csrf: string, item: ContentItem): Html {
    const form = (decision: 'approve' | 'reject', label: string, cls: string) =>
      html`<form method="post" action="${base}/${item.id}/${decision}" hx-post="${base}/${item.id}/${decision}" hx-target="closest tr" hx-swap="outerHTML"><input type="hidden" name="_csrf" value="${csrf}" /><button type="submit" class="${cls}">${label}</button></form>`;
    return html`<div class="actions">${item.approval !== 'approved' ? form('approve', 'Duyệt', '') : ''}${item.approval !== 'rejected' ? form('reject', 'Không duyệt', 'secondary') : ''}<a href="${base}/${item.id}">Sửa</a></div>`;
  }

  function itemRow(csrf: string, item: ContentItem, message?: { text: string; error: boolean }): Html {
    return html`<tr id="content-${item.id}" data-content="${item.id}" data-approval="${item.approval}">
  <td>${item.title ? html`<strong>${item.title}</strong><br />` : ''}${item.body.length > 240 ? `${item.body.slice(0, 240)}…` : item.body}${item.linkUrl ? html`<div><a href="${item.linkUrl}" rel="noopener noreferrer" target="_blank">${item.linkUrl}</a></div>` : ''}</td>
  <td>${item.source ?? html`<span class="badge bad">Chưa có nguồn</span>`}</td>
  <td>${item.submittedByMemberId ? `Đoàn viên gửi: ${item.submitterName ?? '(đã xóa)'}` : 'Cán bộ'}</td>
  <td>${item.scheduledOn ? formatDate(new Date(`${item.scheduledOn}T12:00:00Z`), deps.timeZone) : '—'}</td>
  <td><span class="badge${item.approval === 'approved' ? ' good' : item.approval === 'pending' ? ' bad' : ''}">${APPROVAL_NAMES[item.approval]}</span>${message ? html`<div class="${message.error ? 'flash error' : 'muted'}" role="${message.error ? 'alert' : 'status'}">${message.text}</div>` : ''}</td>
  <td>${decisionCell(csrf, item)}</td>
</tr>`;
  }

  function editor(csrf: string, action: string, kind: ContentKind, form: Partial<ContentForm>, submit: string): Html {
    return html`<form method="post" action="${action}" class="stack" id="content-form">
  <input type="hidden" name="_csrf" value="${csrf}" />
  <input type="hidden" name="kind" value="${kind}" />
  <label>Tiêu đề (không bắt buộc) <input type="text" name="title" maxlength="200" value="${form.title ?? ''}" /></label>
  <label>Nội dung <textarea name="body" maxlength="5000" required>${form.body ?? ''}</textarea></label>
  <label>Đường dẫn bài viết (không bắt buộc) <input type="url" name="link_url" placeholder="https://" value="${form.link_url ?? ''}" /></label>
  <label>Nguồn trích dẫn${kind === 'uncleHoTeaching' ? ' (bắt buộc để được duyệt)' : ' (không bắt buộc)'} <input type="text" name="source" maxlength="300" value="${form.source ?? ''}" /></label>
  <label>Ngày đăng (để trống: theo lượt của thư viện) <input type="date" name="scheduled_on" value="${form.scheduled_on ?? ''}" /></label>
  <div class="actions"><button type="submit">${submit}</button></div>
</form>`;
  }

  async function showList(req: Request, res: Response, kind: ContentKind, approval: ReviewState | undefined, extra: { error?: string; form?: Partial<ContentForm>; status?: number; notice?: string; page?: number } = {}): Promise<void> {
    const staff = staffOf(res);
    const csrf = signedIn(res).csrfToken;
    const page = extra.page ?? 1;
    const { items, total } = await listContent(deps.db, staff, kind, approval, { number: page, size: CONTENT_PAGE_SIZE });
    const pageLink = (p: number) => `${base}?kind=${kind}${approval ? `&approval=${approval}` : ''}&page=${p}`;
    const tab = (k: ContentKind) => html`<a href="${base}?kind=${k}"${k === kind ? html` aria-current="page"` : ''}>${CONTENT_KIND_NAMES[k]}</a>`;
    sendPage(req, res, {
      title: 'Nội dung',
      ...(extra.status ? { status: extra.status } : {}),
      body: html`<h1>Nội dung: ${CONTENT_KIND_NAMES[kind]}</h1>
<nav class="main" aria-label="Loại nội dung">${KINDS.map(tab)}</nav>
${extra.error ? html`<p class="flash error" role="alert">${extra.error}</p>` : ''}${extra.notice ? html`<p class="flash" role="status">${extra.notice}</p>` : ''}
<section class="card"><div class="actions">
  <a href="${base}?kind=${kind}&approval=pending">Chờ duyệt</a><a href="${base}?kind=${kind}&approval=approved">Đã duyệt</a><a href="${base}?kind=${kind}">Tất cả</a>
</div>
${items.length === 0 ? html`<p class="muted">Chưa có nội dung nào.</p>` : html`<div class="table-wrap"><table id="content-table">
  <thead><tr><th>Nội dung</th><th>Nguồn</th><th>Người gửi</th><th>Ngày đăng</th><th>Duyệt</th><th></th></tr></thead>
  <tbody>${items.map((i) => itemRow(csrf, i))}</tbody></table></div>`}
${pager(total, page, CONTENT_PAGE_SIZE, pageLink)}</section>
<section class="card"><h2>Thêm ${CONTENT_KIND_NAMES[kind].toLowerCase()}</h2>${editor(csrf, base, kind, extra.form ?? {}, 'Thêm (chờ duyệt)')}</section>`,
    });
  }

  async function decide(req: Request, res: Response, decision: 'approved' | 'rejected'): Promise<void> {
    const id = contentId(req);
    const staff = staffOf(res);
    try {
      const item = await decideContent(deps.db, staff, id, decision, deps.now(), clientIp(req));
      if (!isHtmx(req)) return res.redirect(303, `${base}?kind=${item.kind}`);
      sendFragment(res, itemRow(signedIn(res).csrfToken, item, { text: decision === 'approved' ? 'Đã duyệt.' : 'Đã chuyển sang không duyệt.', error: false }));
    } catch (error) {
      if (!isAppError(error, 'CONFLICT')) throw error;
      const item = await contentInScope(deps.db, staff, id);
      if (!isHtmx(req)) return showList(req, res, item.kind, undefined, { status: 409, error: error.message });
      // htmx swaps only 2xx answers: the refusal is shown in the row itself.
      sendFragment(res, itemRow(signedIn(res).csrfToken, item, { text: error.message, error: true }), 200);
    }
  }

  return {
    path: '/content',
    title: 'Nội dung',
    roles: ['districtAdmin', 'districtStaff'],
    nav: { label: 'Nội dung', order: 50 },
    routes: (r) => {
      r.get('/', async (req, res) => {
        const query = listQuery.parse(req.query);
        await showList(req, res, query.kind, query.approval, { page: query.page });
      });

      r.post('/', async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const parsed = contentForm.safeParse(body);
        const kind = listQuery.parse({ kind: body.kind }).kind;
        const problem = parsed.success ? contentProblem(parsed.data.kind, fieldsOf(parsed.data)) : problemOf(parsed.error);
        if (!parsed.success || problem) {
          const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
          return showList(req, res, kind, undefined, { status: 400, error: problem, form: { title: text('title'), body: text('body') ?? '', link_url: text('link_url'), source: text('source'), scheduled_on: text('scheduled_on') } });
        }
        await addContent(deps.db, staffOf(res), parsed.data.kind, fieldsOf(parsed.data), deps.now(), clientIp(req));
        res.redirect(303, `${base}?kind=${parsed.data.kind}&approval=pending`);
      });

      r.get('/:id', async (req, res) => {
        const item = await contentInScope(deps.db, staffOf(res), contentId(req));
        const form = { title: item.title ?? undefined, body: item.body, link_url: item.linkUrl ?? undefined, source: item.source ?? undefined, scheduled_on: item.scheduledOn ?? undefined };
        sendPage(req, res, {
          title: 'Sửa nội dung',
          body: html`<p><a href="${base}?kind=${item.kind}">« ${CONTENT_KIND_NAMES[item.kind]}</a></p><h1>Sửa ${CONTENT_KIND_NAMES[item.kind].toLowerCase()}</h1>
<section class="card"><p>Tình trạng: ${APPROVAL_NAMES[item.approval]}${item.submittedByMemberId ? ` · do đoàn viên ${item.submitterName ?? '(đã xóa)'} gửi` : ''}</p>${editor(signedIn(res).csrfToken, `${base}/${item.id}`, item.kind, form, 'Lưu')}</section>`,
        });
      });

      r.post('/:id', async (req, res) => {
        const id = contentId(req);
        const staff = staffOf(res);
        const item = await contentInScope(deps.db, staff, id);
        const parsed = contentForm.safeParse({ ...((req.body ?? {}) as object), kind: item.kind });
        if (!parsed.success) throw new AppError('VALIDATION_FAILED', problemOf(parsed.error));
        await editContent(deps.db, staff, id, fieldsOf(parsed.data), deps.now(), clientIp(req));
        res.redirect(303, `${base}?kind=${item.kind}`);
      });

      r.post('/:id/approve', (req, res) => decide(req, res, 'approved'));
      r.post('/:id/reject', (req, res) => decide(req, res, 'rejected'));
    },
  };
}
