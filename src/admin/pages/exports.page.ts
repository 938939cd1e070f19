import type { Request } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/database';
import type { ExportContext } from '../../domain/reports/export-file';
import { goodNewsCsv, goodNewsWorkbook } from '../../domain/reports/good-news-compliance.service';
import { waveBranchesCsv, waveParticipantsCsv, waveWorkbook } from '../../domain/reports/wave-export.service';
import { localDayOf } from '../../domain/shared/time';
import { listWavesFor } from '../../domain/waves/staff-waves.service';
import { AppError } from '../../errors/app-error';
import { sendExportFile } from '../../http/export-download';
import { staffOf } from '../admin-context';
import { ALL_STAFF_ROLES, type AdminPage } from '../admin-page';
import { html } from '../views/html';
import { sendPage } from '../views/layout';
import { statusBadge, waveDays } from './waves-views';

export interface ExportsPageDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  readonly basePath: string;
}

const WAVE_FILE = /^([0-9a-f-]{36})\.(xlsx|csv)$/i;
const monthQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) });

function waveIdOf(text: string): string {
  const id = z.uuid().safeParse(text);
  if (!id.success) throw new AppError('NOT_FOUND', 'Không tìm thấy đợt này.');
  return id.data;
}

function monthOf(req: Request): string {
  const parsed = monthQuery.safeParse(req.query);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', 'Chọn tháng báo cáo (dạng YYYY-MM, ví dụ 2026-11).');
  return parsed.data.month;
}

/**
 * Báo cáo (issue 6 §3): the wave and good-news exports under /admin/exports, served by the very
 * export functions /api/v1/exports uses, with the session's staff member — so the same scope
 * (another branch's wave reads as absent: 404).
 */
export function exportsPage(deps: ExportsPageDeps): AdminPage {
  const base = `${deps.basePath}/exports`;
  const ctx: ExportContext = { db: deps.db, timeZone: deps.timeZone, now: deps.now };
  return {
    path: '/exports',
    title: 'Báo cáo',
    roles: ALL_STAFF_ROLES,
    nav: { label: 'Báo cáo', order: 70 },
    routes: (r) => {
      r.get('/', async (req, res) => {
        const staff = staffOf(res);
        const today = localDayOf(deps.now(), deps.timeZone);
        const month = `${today.year}-${String(today.month).padStart(2, '0')}`;
        const { waves } = await listWavesFor(deps.db, staff, { limit: 50, offset: 0 });
        sendPage(req, res, {
          title: 'Báo cáo',
          body: html`<h1>Báo cáo</h1>
<section class="card" id="good-news-report"><h2>Báo cáo đăng tin tốt theo tháng</h2>
  <p class="muted">Mỗi cơ sở: số ngày có tin tốt trên số ngày đã qua của tháng, các ngày còn thiếu; theo mẫu gửi Thành Đoàn.</p>
  <form method="get" action="${base}/good-news.xlsx" class="grid">
    <label>Tháng <input type="month" name="month" value="${month}" required /></label>
    <div class="actions"><button type="submit">Tải Excel (XLSX)</button><button type="submit" class="secondary" formaction="${base}/good-news.csv">Tải CSV</button></div>
  </form>
</section>
<section class="card" id="wave-reports"><h2>Báo cáo từng đợt</h2>
  ${waves.length === 0
    ? html`<p class="muted">Chưa có đợt nào trong phạm vi của bạn.</p>`
    : html`<div class="table-wrap"><table><thead><tr><th>Đợt</th><th>Thời gian</th><th>Tải về</th></tr></thead><tbody>${waves.map(
        (w) => html`<tr data-wave="${w.id}"><td>${w.title} ${statusBadge(w.status)}</td><td>${waveDays(w, deps.timeZone)}</td>
        <td class="actions"><a href="${base}/waves/${w.id}.xlsx" download>XLSX</a><a href="${base}/waves/${w.id}.csv" download>CSV theo đơn vị</a><a href="${base}/waves/${w.id}/participants.csv" download>CSV danh sách</a></td></tr>`,
      )}</tbody></table></div>`}
</section>`,
        });
      });

      r.get('/good-news.xlsx', async (req, res) => sendExportFile(res, await goodNewsWorkbook(ctx, staffOf(res), monthOf(req))));
      r.get('/good-news.csv', async (req, res) => sendExportFile(res, await goodNewsCsv(ctx, staffOf(res), monthOf(req))));

      r.get('/waves/:file', async (req, res) => {
        const file = WAVE_FILE.exec(String(req.params.file));
        if (!file) throw new AppError('NOT_FOUND', 'Không tìm thấy báo cáo này.');
        const id = waveIdOf(file[1]!);
        const staff = staffOf(res);
        await sendExportFile(res, await (file[2]!.toLowerCase() === 'xlsx' ? waveWorkbook(ctx, staff, id) : waveBranchesCsv(ctx, staff, id)));
      });

      r.get('/waves/:id/participants.csv', async (req, res) => sendExportFile(res, await waveParticipantsCsv(ctx, staffOf(res), waveIdOf(String(req.params.id)))));
    },
  };
}
