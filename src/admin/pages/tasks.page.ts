import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import type { TaskAction } from '../../db/types';
import type { StaffPrincipal } from '../../domain/staff/staff-scope';
import { listBranchChoices, listClusterChoices, type UnitChoice } from '../../domain/staff/staff-units.repository';
import { createTaskAsStaff, listTasksForStaff, taskInScope, type StaffTask } from '../../domain/tasks/staff-tasks.service';
import { AppError, isAppError } from '../../errors/app-error';
import { clientIp, signedIn, staffOf } from '../admin-context';
import { ALL_STAFF_ROLES, type AdminPage } from '../admin-page';
import { formatCount, formatDateTime } from '../views/format';
import { html, type Html } from '../views/html';
import { sendPage } from '../views/layout';
import { instantOfLocal } from './broadcast-form';

export interface TasksPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
}

const ACTION_NAMES: Readonly<Record<TaskAction, string>> = { like: 'Thích', share: 'Chia sẻ', comment: 'Bình luận' };
const WHOLE_DISTRICT = 'district';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const many = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(['like', 'share', 'comment'])));
const taskForm = z.object({
  title: z.string().trim().min(3, 'hãy đặt tên nhiệm vụ').max(150, 'tên tối đa 150 ký tự'),
  description: z.preprocess(blank, z.string().trim().max(1000, 'mô tả tối đa 1.000 ký tự').optional()),
  post_url: z.url({ protocol: /^https$/, message: 'cần đường dẫn bài viết bắt đầu bằng https://' }),
  actions: many,
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'chọn ngày giờ'),
  unit: z.union([z.literal(WHOLE_DISTRICT), z.uuid()]),
});
type TaskForm = z.output<typeof taskForm>;
const idParam = z.object({ id: z.uuid() });

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  const names: Record<string, string> = { title: 'Tên nhiệm vụ', description: 'Mô tả', post_url: 'Bài viết', actions: 'Việc cần làm', deadline: 'Hạn hoàn thành', unit: 'Đơn vị' };
  return `${names[String(issue?.path[0] ?? '')] ?? 'Biểu mẫu'}: ${issue?.message ?? 'chưa đúng'}.`;
}

async function unitChoices(db: Db, staff: StaffPrincipal): Promise<UnitChoice[]> {
  const [clusters, branches] = await Promise.all([
    staff.role === 'branchCadre' ? Promise.resolve([]) : listClusterChoices(db, staff.role === 'districtAdmin' ? null : staff.clusterIds),
    listBranchChoices(db, staff.scope),
  ]);
  return [...(staff.role === 'districtAdmin' ? [{ id: WHOLE_DISTRICT, name: 'Toàn quận' }] : []), ...clusters, ...branches];
}

/** Nhiệm vụ CTV (issue 6 §2): create a like / share / comment task for a unit's collaborators and see who did it. */
export function tasksPage(deps: TasksPageDeps): AdminPage {
  const base = `${deps.basePath}/tasks`;

  function taskRow(task: StaffTask): Html {
    const open = task.status === 'open' && task.deadline.getTime() > deps.now().getTime();
    return html`<tr data-task="${task.id}"><td><a href="${base}/${task.id}">${task.title}</a><div class="muted">${task.actions.map((a) => ACTION_NAMES[a]).join(', ')}</div></td>
  <td>${task.unitName ?? 'Toàn quận'}</td><td>${formatDateTime(task.deadline, deps.timeZone)}${open ? '' : html` <span class="badge">Đã hết hạn</span>`}</td><td class="num">${formatCount(task.completions)}</td></tr>`;
  }

  async function show(req: Request, res: Response, extra: { error?: string; form?: Partial<Record<keyof TaskForm, unknown>>; status?: number; notice?: string } = {}): Promise<void> {
    const staff = staffOf(res);
    const [tasks, units] = await Promise.all([listTasksForStaff(deps.db, staff, 100), unitChoices(deps.db, staff)]);
    const form = extra.form ?? {};
    const text = (k: keyof TaskForm) => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const chosen = new Set(Array.isArray(form.actions) ? (form.actions as string[]) : typeof form.actions === 'string' ? [form.actions] : ['like', 'share']);
    sendPage(req, res, {
      title: 'Nhiệm vụ CTV',
      ...(extra.status ? { status: extra.status } : {}),
      body: html`<h1>Nhiệm vụ cộng tác viên</h1>
${extra.error ? html`<p class="flash error" role="alert">${extra.error}</p>` : ''}${extra.notice ? html`<p class="flash" role="status">${extra.notice}</p>` : ''}
<section class="card"><h2>Nhiệm vụ</h2>${tasks.length === 0 ? html`<p class="muted">Chưa có nhiệm vụ nào.</p>` : html`<div class="table-wrap"><table id="task-table">
  <thead><tr><th>Nhiệm vụ</th><th>Dành cho</th><th>Hạn</th><th class="num">Đã làm${staff.scope === null ? '' : ' (trong phạm vi)'}</th></tr></thead>
  <tbody>${tasks.map(taskRow)}</tbody></table></div>`}</section>
<section class="card"><h2>Giao nhiệm vụ mới</h2>
<form method="post" action="${base}" class="stack" id="task-form">
  <input type="hidden" name="_csrf" value="${signedIn(res).csrfToken}" />
  <label>Tên nhiệm vụ <input type="text" name="title" maxlength="150" required value="${text('title')}" /></label>
  <label>Đường dẫn bài viết của trang chính thống <input type="url" name="post_url" placeholder="https://" required value="${text('post_url')}" /></label>
  <fieldset><legend>Việc cần làm</legend>${(['like', 'share', 'comment'] as const).map((a) => html`<label class="inline"><input type="checkbox" name="actions" value="${a}"${chosen.has(a) ? html` checked` : ''} /> ${ACTION_NAMES[a]}</label>`)}</fieldset>
  <label>Hướng dẫn thêm (không bắt buộc) <textarea name="description" maxlength="1000">${text('description')}</textarea></label>
  <label>Hạn hoàn thành (giờ Việt Nam) <input type="datetime-local" name="deadline" required value="${text('deadline')}" /></label>
  <label>Dành cho cộng tác viên của <select name="unit">${units.map((u) => html`<option value="${u.id}"${text('unit') === u.id ? html` selected` : ''}>${u.name}</option>`)}</select></label>
  <div class="actions"><button type="submit">Giao nhiệm vụ</button></div>
</form></section>`,
    });
  }

  return {
    path: '/tasks',
    title: 'Nhiệm vụ CTV',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Nhiệm vụ CTV', order: 70 },
    routes: (r) => {
      r.get('/', (req, res) => show(req, res, req.query.created === '1' ? { notice: 'Đã giao nhiệm vụ. Cộng tác viên thấy nhiệm vụ trong mục “Nhiệm vụ CTV” khi nhắn cho trang.' } : {}));

      r.post('/', async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const parsed = taskForm.safeParse(body);
        if (!parsed.success) return show(req, res, { status: 400, error: problemOf(parsed.error), form: body });
        const f = parsed.data;
        try {
          await createTaskAsStaff(
            deps.db,
            staffOf(res),
            { title: f.title, description: f.description ?? '', postUrl: f.post_url, actions: [...new Set(f.actions)], unitId: f.unit === WHOLE_DISTRICT ? null : f.unit, deadline: instantOfLocal(f.deadline, deps.timeZone) },
            deps.now(),
            clientIp(req),
          );
        } catch (error) {
          if (isAppError(error, 'VALIDATION_FAILED')) return show(req, res, { status: 400, error: error.message, form: body });
          throw error;
        }
        res.redirect(303, `${base}?created=1`);
      });

      r.get('/:id', async (req, res) => {
        const parsed = idParam.safeParse(req.params);
        if (!parsed.success) throw new AppError('NOT_FOUND', 'Không tìm thấy nhiệm vụ này.');
        const staff = staffOf(res);
        const { task, completions } = await taskInScope(deps.db, staff, parsed.data.id);
        sendPage(req, res, {
          title: task.title,
          body: html`<p><a href="${base}">« Nhiệm vụ CTV</a></p><h1>${task.title}</h1>
<section class="card"><p><a href="${task.postUrl}" target="_blank" rel="noopener noreferrer">${task.postUrl}</a></p>
<p>${task.actions.map((a) => ACTION_NAMES[a]).join(', ')} · dành cho ${task.unitName ?? 'toàn quận'} · hạn ${formatDateTime(task.deadline, deps.timeZone)}</p>${task.description ? html`<p>${task.description}</p>` : ''}</section>
<section class="card"><h2>Đã hoàn thành: ${formatCount(completions.length)} người${staff.scope === null ? '' : ' (trong phạm vi của bạn)'}</h2>${completions.length === 0 ? html`<p class="muted">Chưa có ai báo hoàn thành.</p>` : html`<div class="table-wrap"><table id="completion-table">
  <thead><tr><th>Cộng tác viên</th><th>Đơn vị</th><th>Lúc</th><th>Đường dẫn</th></tr></thead>
  <tbody>${completions.map((c) => html`<tr data-member="${c.memberId}"><td>${c.fullName ?? '(đã xóa)'}</td><td>${c.branchName ?? ''}</td><td>${formatDateTime(c.completedAt, deps.timeZone)}</td><td>${c.linkUrl ? html`<a href="${c.linkUrl}" target="_blank" rel="noopener noreferrer">Mở</a>` : ''}</td></tr>`)}</tbody></table></div>`}</section>`,
        });
      });
    },
  };
}
