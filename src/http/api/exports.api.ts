import { z } from 'zod';
import type { ExportContext } from '../../domain/reports/export-file';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../../domain/reports/export-file';
import { goodNewsCsv, goodNewsWorkbook } from '../../domain/reports/good-news-compliance.service';
import { waveBranchesCsv, waveParticipantsCsv, waveWorkbook } from '../../domain/reports/wave-export.service';
import type { ApiOperations } from './api-operation';
import { id } from './api-schemas';

const waveParams = z.strictObject({ id });
const monthQuery = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'phải có dạng YYYY-MM, ví dụ 2026-11' }).meta({ description: 'Tháng báo cáo, YYYY-MM (giờ APP_TIMEZONE).' }),
});

const SCOPE_NOTE = 'Chỉ gồm các đơn vị trong phạm vi của tài khoản; đợt ngoài phạm vi trả 404.';
const CSV_NOTE = 'CSV UTF-8 có BOM (Excel mở đúng tiếng Việt), phân tách bằng dấu phẩy, xuống dòng CRLF.';

/**
 * The report downloads (issue 6 §3). The handlers are the domain's export functions, so the admin
 * web mounts the very same ones under /admin/exports with its session's StaffPrincipal.
 */
export function addExportOperations(api: ApiOperations, ctx: ExportContext): void {
  api.addDownload({
    path: '/exports/waves/:id.xlsx',
    operationId: 'exportWaveXlsx',
    tag: 'exports',
    summary: 'Báo cáo một đợt (XLSX): theo đơn vị và danh sách tham gia',
    description: `Trang 1: từng đơn vị — số cán bộ, đoàn viên, số tham gia, tỷ lệ, chỉ tiêu, đạt/chưa đạt, dòng tổng cộng. Trang 2: từng minh chứng với liên kết và trạng thái duyệt (không có số điện thoại). ${SCOPE_NOTE}`,
    params: waveParams,
    errors: [404],
    produces: { contentType: XLSX_CONTENT_TYPE, description: 'Tệp Excel.' },
    handle: ({ params, staff }) => waveWorkbook(ctx, staff, params.id),
  });
  api.addDownload({
    path: '/exports/waves/:id.csv',
    operationId: 'exportWaveCsv',
    tag: 'exports',
    summary: 'Báo cáo một đợt theo đơn vị (CSV)',
    description: `Trang 1 của tệp XLSX. ${CSV_NOTE} ${SCOPE_NOTE}`,
    params: waveParams,
    errors: [404],
    produces: { contentType: CSV_CONTENT_TYPE, description: 'Tệp CSV.' },
    handle: ({ params, staff }) => waveBranchesCsv(ctx, staff, params.id),
  });
  api.addDownload({
    path: '/exports/waves/:id/participants.csv',
    operationId: 'exportWaveParticipantsCsv',
    tag: 'exports',
    summary: 'Danh sách tham gia một đợt và minh chứng (CSV)',
    description: `Trang 2 của tệp XLSX. ${CSV_NOTE} ${SCOPE_NOTE}`,
    params: waveParams,
    errors: [404],
    produces: { contentType: CSV_CONTENT_TYPE, description: 'Tệp CSV.' },
    handle: ({ params, staff }) => waveParticipantsCsv(ctx, staff, params.id),
  });
  api.addDownload({
    path: '/exports/good-news.xlsx',
    operationId: 'exportGoodNewsXlsx',
    tag: 'exports',
    summary: 'Báo cáo đăng tin tốt trong tháng theo đơn vị (XLSX)',
    description: 'Mỗi đơn vị: số ngày có tin tốt trên số ngày đã qua của tháng, các ngày còn thiếu. Tháng chưa bắt đầu trả 400.',
    query: monthQuery,
    produces: { contentType: XLSX_CONTENT_TYPE, description: 'Tệp Excel.' },
    handle: ({ query, staff }) => goodNewsWorkbook(ctx, staff, query.month),
  });
  api.addDownload({
    path: '/exports/good-news.csv',
    operationId: 'exportGoodNewsCsv',
    tag: 'exports',
    summary: 'Báo cáo đăng tin tốt trong tháng theo đơn vị (CSV)',
    description: `Như tệp XLSX. ${CSV_NOTE}`,
    query: monthQuery,
    produces: { contentType: CSV_CONTENT_TYPE, description: 'Tệp CSV.' },
    handle: ({ query, staff }) => goodNewsCsv(ctx, staff, query.month),
  });
}
