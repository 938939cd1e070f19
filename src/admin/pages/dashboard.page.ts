import type { Request } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import { loadDashboard, SORT_KEYS, type BranchRow, type Dashboard, type DashboardQuery, type SortKey } from '../../domain/reports/dashboard.service';
import { AppError } from '../../errors/app-error';
import { staffOf } from '../admin-context';
import { ALL_STAFF_ROLES, type AdminPage } from '../admin-page';
import { formatCount, formatDate, formatPct } from '../views/format';
import { html, jsonScript, type Html } from '../views/html';
import { sendPage } from '../views/layout';

export interface DashboardPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
}

const CHANNEL_NAMES = { zalo: 'Zalo OA', messenger: 'Messenger' } as const;

const dashboardQuery = z.object({
  wave: z.string().optional(),
  sort: z.enum(SORT_KEYS).optional().catch(undefined),
  dir: z.enum(['asc', 'desc']).optional().catch(undefined),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional()
    .catch(undefined),
});

function queryOf(req: Request): DashboardQuery {
  const q = dashboardQuery.parse(req.query);
  if (q.wave !== undefined && !z.uuid().safeParse(q.wave).success) throw new AppError('NOT_FOUND', 'Không tìm thấy đợt này trong kế hoạch hiện tại.');
  return {
    ...(q.wave ? { waveId: q.wave } : {}),
    ...(q.sort ? { sort: q.sort } : {}),
    ...(q.dir ? { dir: q.dir } : {}),
    ...(q.month ? { month: { year: Number(q.month.slice(0, 4)), month: Number(q.month.slice(5)) } } : {}),
  };
}

function href(base: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}

function targetBadge(meets: boolean, rate: number | null): Html {
  if (rate === null) return html``;
  return meets ? html` <span class="badge good">đạt</span>` : html` <span class="badge bad">chưa đạt</span>`;
}

function branchTable(d: Dashboard, query: DashboardQuery, base: string): Html {
  if (!d.plan || !d.selected) return html`<p class="muted">Chưa có đợt cấp Quận nào đã mở trong kế hoạch này.</p>`;
  const sort = query.sort ?? 'memberRate';
  const dir = query.dir ?? 'asc';
  const header = (key: SortKey, label: string, num = false, extraClass = '') => {
    const nextDir = sort === key && dir === 'asc' ? 'desc' : 'asc';
    const arrow = sort === key ? (dir === 'asc' ? ' ▲' : ' ▼') : '';
    const classes = [num ? 'num' : '', extraClass].filter(Boolean).join(' ');
    return html`<th${classes ? html` class="${classes}"` : ''} aria-sort="${sort === key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}"><a href="${href(base, { wave: d.selected!.wave.id, sort: key, dir: nextDir })}">${label}${arrow}</a></th>`;
  };
  const row = (b: BranchRow) => html`<tr class="${b.meetsCadreTarget && b.meetsMemberTarget ? '' : 'under'}" data-branch="${b.branchId}">
  <td class="code">${b.code}</td><td>${b.name}</td>
  <td class="num">${formatCount(b.cadresTookPart)}/${formatCount(b.cadres)}</td><td class="num">${formatPct(b.cadreRatePct)}${targetBadge(b.meetsCadreTarget, b.cadreRatePct)}</td>
  <td class="num">${formatCount(b.membersTookPart)}/${formatCount(b.members)}</td><td class="num">${formatPct(b.memberRatePct)}${targetBadge(b.meetsMemberTarget, b.memberRatePct)}</td>
</tr>`;
  return html`<div class="table-wrap"><table id="branch-table">
<thead><tr>${header('code', 'Mã', false, 'code')}${header('name', 'Cơ sở Đoàn')}<th class="num">Cán bộ tham gia</th>${header('cadreRate', `Tỷ lệ cán bộ (chỉ tiêu ${d.plan.cadreTargetPct}%)`, true)}<th class="num">Đoàn viên tham gia</th>${header('memberRate', `Tỷ lệ đoàn viên (chỉ tiêu ${d.plan.memberTargetPct}%)`, true)}</tr></thead>
<tbody>${d.branches.map(row)}</tbody>
</table></div>`;
}

function wavesSection(d: Dashboard, base: string, timeZone: string): Html {
  if (!d.plan) return html`<section class="card"><p>Chưa có kế hoạch năm của Quận Đoàn. Nạp kế hoạch mẫu bằng <code>npm run seed:example</code> hoặc tạo kế hoạch trước.</p></section>`;
  const chart = {
    type: 'bar',
    data: {
      labels: d.waves.map((w) => w.wave.title),
      datasets: [
        { type: 'bar', label: 'Cán bộ tham gia (%)', data: d.waves.map((w) => w.cadreRatePct ?? 0), backgroundColor: '#1b7a43' },
        { type: 'bar', label: 'Đoàn viên tham gia (%)', data: d.waves.map((w) => w.memberRatePct ?? 0), backgroundColor: '#7cc296' },
        { type: 'line', label: `Chỉ tiêu cán bộ (${d.plan.cadreTargetPct}%)`, data: d.waves.map(() => d.plan!.cadreTargetPct), borderColor: '#125a30', borderDash: [6, 4], pointRadius: 0 },
        { type: 'line', label: `Chỉ tiêu đoàn viên (${d.plan.memberTargetPct}%)`, data: d.waves.map(() => d.plan!.memberTargetPct), borderColor: '#b42318', borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } },
  };
  return html`<section class="card">
  <h2>Tham gia các đợt cấp Quận so với chỉ tiêu</h2>
  <div class="chart-box"><canvas id="waves-chart" data-chart="waves-chart-data" role="img" aria-label="Tỷ lệ cán bộ và đoàn viên tham gia từng đợt so với chỉ tiêu"></canvas></div>
  ${jsonScript('waves-chart-data', chart)}
  <div class="table-wrap"><table>
    <thead><tr><th>Đợt</th><th>Thời gian</th><th class="num">Cán bộ</th><th class="num">Đoàn viên</th><th class="num">Cơ sở chưa đạt</th></tr></thead>
    <tbody>${d.waves.map(
      (w) => html`<tr${w.wave.id === d.selected?.wave.id ? html` aria-current="true"` : ''}>
      <td><a href="${href(base, { wave: w.wave.id })}">${w.wave.title}</a>${w.wave.status === 'open' ? html` <span class="badge good">đang mở</span>` : ''}</td>
      <td>${formatDate(w.wave.startsAt, timeZone)} – ${formatDate(new Date(w.wave.endsAt.getTime() - 1), timeZone)}</td>
      <td class="num">${formatPct(w.cadreRatePct)}${targetBadge(w.meetsCadreTarget, w.cadreRatePct)}</td>
      <td class="num">${formatPct(w.memberRatePct)}${targetBadge(w.meetsMemberTarget, w.memberRatePct)}</td>
      <td class="num">${formatCount(w.branchesUnderTarget)}</td></tr>`,
    )}</tbody>
  </table></div>
</section>`;
}

function reachSection(d: Dashboard): Html {
  const chart = {
    type: 'bar',
    data: {
      labels: d.reach.map((r) => CHANNEL_NAMES[r.channel]),
      datasets: [
        { label: 'Gửi được ngay (miễn phí)', data: d.reach.map((r) => r.openNow), backgroundColor: '#1b7a43' },
        { label: 'Chỉ gửi được có phí (Zalo, 48 giờ – 7 ngày)', data: d.reach.map((r) => r.paidOnly), backgroundColor: '#e0a526' },
        { label: 'Chờ người dùng nhắn lại', data: d.reach.map((r) => r.members - r.openNow - r.paidOnly), backgroundColor: '#c9d3cc' },
      ],
    },
    options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true } } },
  };
  return html`<section class="card">
  <h2>Số đoàn viên mỗi kênh gửi tin được lúc này</h2>
  <div class="grid">${d.reach.map(
    (r) => html`<div data-channel="${r.channel}"><div class="muted">${CHANNEL_NAMES[r.channel]}</div><div class="figure">${formatCount(r.openNow)}</div>
      <div class="muted">trên ${formatCount(r.members)} đoàn viên có tài khoản${r.channel === 'zalo' ? html`; thêm ${formatCount(r.paidOnly)} người nhận được tin có phí` : ''}</div></div>`,
  )}</div>
  <div class="chart-box"><canvas id="reach-chart" data-chart="reach-chart-data" role="img" aria-label="Số đoàn viên gửi được ngay, có phí hoặc phải chờ theo kênh"></canvas></div>
  ${jsonScript('reach-chart-data', chart)}
  <p class="muted">Messenger cho gửi trong 24 giờ sau tin nhắn cuối của người dùng; Zalo OA miễn phí trong 48 giờ, có phí đến 7 ngày. Ngoài khoảng đó tin được hoãn đến khi người dùng nhắn lại.</p>
</section>`;
}

function rankingSection(d: Dashboard): Html {
  if (!d.plan || d.ranking.length === 0) return html``;
  return html`<section class="card">
  <h2>Xếp hạng cơ sở theo mức đạt chỉ tiêu</h2>
  <p class="muted">Mức đạt của mỗi đợt là tỷ lệ tham gia chia cho chỉ tiêu (tối đa 100%, trung bình cán bộ và đoàn viên), lấy trung bình qua ${formatCount(d.waves.length)} đợt — không xếp theo số lượng.</p>
  <div class="table-wrap"><table id="ranking-table">
    <thead><tr><th class="num">Hạng</th><th>Cơ sở Đoàn</th><th class="num">Mức đạt chỉ tiêu</th><th class="num">Số đợt chưa đạt</th></tr></thead>
    <tbody>${d.ranking.map(
      (r, i) => html`<tr${r.wavesUnderTarget > 0 ? html` class="under"` : ''}><td class="num">${i + 1}</td><td>${r.name}</td><td class="num">${formatPct(r.attainmentPct)}</td><td class="num">${formatCount(r.wavesUnderTarget)}</td></tr>`,
    )}</tbody>
  </table></div>
</section>`;
}

function trendsSection(d: Dashboard): Html {
  const year = d.plan?.year;
  return html`<section class="card" id="trendless">
  <h2>Cơ sở chưa có trào lưu riêng${year ? ` năm ${year}` : ''}</h2>
  ${d.trendless.length === 0
    ? html`<p>Mọi cơ sở đều đã có trào lưu riêng.</p>`
    : html`<p class="muted">${formatCount(d.trendless.length)} cơ sở; kế hoạch yêu cầu mỗi cơ sở ít nhất ${d.plan?.trendsPerBranchPerYear ?? 1} trào lưu mỗi năm.</p>
  <ul>${d.trendless.map((t) => html`<li>${t.name}${t.trends > 0 ? html` <span class="muted">(${t.trends} trào lưu)</span>` : ''}</li>`)}</ul>`}
</section>`;
}

function calendarSection(d: Dashboard, base: string): Html {
  const c = d.calendar;
  const prev = c.month === 1 ? `${c.year - 1}-12` : `${c.year}-${String(c.month - 1).padStart(2, '0')}`;
  const next = c.month === 12 ? `${c.year + 1}-01` : `${c.year}-${String(c.month + 1).padStart(2, '0')}`;
  const cell = (row: { reported: ReadonlySet<string> }, day: string) => {
    const state = row.reported.has(day) ? 'done' : day > c.today ? 'future' : 'missed';
    const label = `${day.slice(8)}/${day.slice(5, 7)}: ${state === 'done' ? 'đã có tin tốt' : state === 'missed' ? 'chưa có tin tốt' : 'chưa tới'}`;
    return html`<td class="${state}" title="${label}">${state === 'done' ? '✓' : ''}</td>`;
  };
  return html`<section class="card" id="good-news-calendar">
  <h2>Lịch đăng tin tốt của cơ sở — tháng ${c.month}/${c.year}</h2>
  <p class="actions"><a href="${href(base, { month: prev })}">← Tháng trước</a><a href="${href(base, { month: next })}">Tháng sau →</a>
    <a href="${href(`${base}/exports/good-news.xlsx`, { month: `${c.year}-${String(c.month).padStart(2, '0')}` })}" download>Tải báo cáo tin tốt tháng ${c.month}/${c.year} (XLSX)</a></p>
  <p class="muted">Mỗi ô là một ngày: xanh là cơ sở đã báo cáo ít nhất một tin tốt, hồng là chưa. Tỷ lệ tính trên các ngày đã qua của tháng.</p>
  <div class="table-wrap"><table class="calendar">
    <thead><tr><th>Cơ sở</th><th class="num">Tỷ lệ</th>${c.days.map((day) => html`<td class="future">${Number(day.slice(8))}</td>`)}</tr></thead>
    <tbody>${c.rows.map((r) => html`<tr><th>${r.name}</th><th class="num">${formatPct(r.compliancePct)}</th>${c.days.map((day) => cell(r, day))}</tr>`)}</tbody>
  </table></div>
</section>`;
}

/** Tổng quan (issue 6 §2): participation against the plan's targets, in the staff member's scope. */
export function dashboardPage(deps: DashboardPageDeps): AdminPage {
  return {
    path: '/',
    title: 'Tổng quan',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Tổng quan', order: 10 },
    routes: (r) => {
      r.get('/', async (req, res) => {
        const query = queryOf(req);
        const d = await loadDashboard(deps.db, staffOf(res), query, deps.now(), deps.timeZone);
        const base = deps.basePath;
        sendPage(req, res, {
          title: 'Tổng quan',
          body: html`<h1>Tổng quan${d.plan ? html` — ${d.plan.title}` : ''}</h1>
${d.plan ? html`<p class="muted">Chỉ tiêu: ${d.plan.cadreTargetPct}% cán bộ và ${d.plan.memberTargetPct}% đoàn viên tham gia mỗi đợt cấp Quận${d.plan.reference ? html` (${d.plan.reference})` : ''}.</p>` : ''}
${wavesSection(d, base, deps.timeZone)}
${d.selected ? html`<section class="card" id="wave-branches"><h2>Từng cơ sở trong đợt “${d.selected.wave.title}”</h2><p class="muted">Dòng tô hồng là cơ sở chưa đạt chỉ tiêu. Bấm tiêu đề cột để sắp xếp.</p>${branchTable(d, query, base)}
<p class="actions" id="wave-exports"><a href="${base}/exports/waves/${d.selected.wave.id}.xlsx" download>Tải báo cáo đợt (XLSX)</a><a href="${base}/exports/waves/${d.selected.wave.id}.csv" download>CSV theo đơn vị</a><a href="${base}/exports/waves/${d.selected.wave.id}/participants.csv" download>CSV danh sách tham gia</a></p></section>` : ''}
${rankingSection(d)}
${reachSection(d)}
${trendsSection(d)}
${calendarSection(d, base)}`,
        });
      });
    },
  };
}
