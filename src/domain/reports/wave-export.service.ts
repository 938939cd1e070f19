import type { MemberRole, ProofPlatform, ReviewState } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { localDateOf, localDayOf } from '../shared/time';
import type { StaffPrincipal } from '../staff/staff-scope';
import { writeCsv } from './csv-writer';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, fileSlug, type ExportContext, type ExportFile } from './export-file';
import { streamedFile } from './export-stream';
import { participationReport, type BranchStanding, type ParticipationReport } from './participation-report.service';
import { lastDayBefore, reportHeading, shortDate } from './report-heading';
import type { ReportColumn, ReportTable, Row } from './report-table';
import { findClusterNames, findRootUnitName, streamParticipantProofs, type ParticipantProof } from './wave-export.repository';
import { writeXlsx } from './xlsx-writer';

const BRANCH_COLUMNS: readonly ReportColumn[] = [
  { header: 'STT', width: 6, format: 'integer' },
  { header: 'Đơn vị', width: 36 },
  { header: 'Cụm', width: 22 },
  { header: 'Số cán bộ Đoàn', width: 11, format: 'integer' },
  { header: 'Số đoàn viên', width: 11, format: 'integer' },
  { header: 'Số cán bộ tham gia', width: 11, format: 'integer' },
  { header: 'Số đoàn viên tham gia', width: 11, format: 'integer' },
  { header: 'Tỷ lệ cán bộ tham gia (%)', width: 12, format: 'percent' },
  { header: 'Tỷ lệ đoàn viên tham gia (%)', width: 12, format: 'percent' },
  { header: 'Chỉ tiêu cán bộ (%)', width: 11, format: 'integer' },
  { header: 'Chỉ tiêu đoàn viên (%)', width: 11, format: 'integer' },
  { header: 'Kết quả', width: 26 },
];

const PARTICIPANT_COLUMNS: readonly ReportColumn[] = [
  { header: 'STT', width: 7, format: 'integer' },
  { header: 'Họ và tên', width: 28 },
  { header: 'Vai trò', width: 13 },
  { header: 'Đơn vị', width: 32 },
  { header: 'Hình thức', width: 11 },
  { header: 'Minh chứng', width: 60 },
  { header: 'Nền tảng', width: 11 },
  { header: 'Thời điểm gửi', width: 17, format: 'dateTime' },
  { header: 'Trạng thái duyệt', width: 14 },
  { header: 'Lý do từ chối', width: 30 },
  { header: 'Được tính vào tỷ lệ', width: 12 },
];

const ROLE_LABELS: Readonly<Record<MemberRole, string>> = { cadre: 'Cán bộ Đoàn', member: 'Đoàn viên', youth: 'Thanh niên' };
const REVIEW_LABELS: Readonly<Record<ReviewState, string>> = { pending: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Bị từ chối' };
const PLATFORM_LABELS: Readonly<Record<ProofPlatform, string>> = {
  facebook: 'Facebook', tiktok: 'TikTok', youtube: 'YouTube', instagram: 'Instagram', threads: 'Threads', zalo: 'Zalo', other: 'Khác',
};

type Standing = Pick<BranchStanding, 'cadres' | 'members' | 'cadreRatePct' | 'memberRatePct' | 'meetsCadreTarget' | 'meetsMemberTarget'>;

/** Đạt / Chưa đạt, naming the target missed. */
export function resultLabel(s: Standing): string {
  if (s.cadres === 0 && s.members === 0) return 'Chưa có đoàn viên';
  if (s.meetsCadreTarget === null || s.meetsMemberTarget === null) return 'Không có chỉ tiêu';
  const missed = [s.meetsCadreTarget ? null : 'cán bộ', s.meetsMemberTarget ? null : 'đoàn viên'].filter((x) => x !== null);
  return missed.length === 0 ? 'Đạt' : `Chưa đạt (${missed.join(', ')})`;
}

function figuresOf(s: BranchStanding | ParticipationReport['totals'], report: ParticipationReport): Row {
  return [
    s.cadres, s.members, s.cadresTookPart, s.membersTookPart, s.cadreRatePct, s.memberRatePct,
    report.targets?.cadreTargetPct ?? null, report.targets?.memberTargetPct ?? null, resultLabel(s),
  ];
}

function participantRow(n: number, p: ParticipantProof): Row {
  const evidence = p.kind === 'link' ? p.link : p.imageSha256 === null ? null : `Ảnh chụp màn hình (mã ${p.imageSha256.slice(0, 12)})`;
  return [
    n, p.fullName ?? 'Đã xoá dữ liệu theo yêu cầu', ROLE_LABELS[p.role], p.branchName, p.kind === 'link' ? 'Liên kết' : 'Ảnh',
    evidence, p.platform === null ? null : PLATFORM_LABELS[p.platform], p.submittedAt, REVIEW_LABELS[p.reviewState], p.rejectReason,
    p.counted ? 'Có' : 'Không',
  ];
}

interface WaveExport {
  readonly report: ParticipationReport;
  readonly slug: string;
  readonly day: string;
  branches(): ReportTable;
  participants(): ReportTable;
}

/** Everything a wave's files need, looked up before the first byte goes out (so a 404 is still a 404). */
async function prepareWaveExport(ctx: ExportContext, staff: StaffPrincipal, waveId: string): Promise<WaveExport> {
  const report = await participationReport(ctx.db, staff, waveId);
  if (!report) throw new AppError('NOT_FOUND', 'Không tìm thấy đợt này.');
  const at = ctx.now();
  const branchIds = report.branches.map((b) => b.branchId);
  const [clusters, unitName] = await Promise.all([findClusterNames(ctx.db, branchIds), findRootUnitName(ctx.db)]);
  const { wave, targets } = report;
  const only = report.branches.length === 1 ? report.branches[0] : undefined;
  const details = [
    `Đợt: “${wave.title}”, từ ${shortDate(localDayOf(wave.startsAt, ctx.timeZone))} đến ${shortDate(lastDayBefore(wave.endsAt, ctx.timeZone))}`,
    targets === null
      ? 'Trào lưu của đơn vị: không tính theo chỉ tiêu của kế hoạch'
      : `Chỉ tiêu: ${targets.cadreTargetPct}% cán bộ Đoàn và ${targets.memberTargetPct}% đoàn viên tham gia`,
    staff.scope === null ? 'Phạm vi: toàn đơn vị' : only ? `Phạm vi: ${only.name}` : `Phạm vi: ${report.branches.length} đơn vị thuộc khu vực phụ trách`,
  ];
  const heading = (title: string) => reportHeading({ unitName: unitName ?? '', title, details, at, timeZone: ctx.timeZone });
  const tookPart = report.totals.cadresTookPart + report.totals.membersTookPart;
  return {
    report,
    slug: fileSlug(wave.title),
    day: localDateOf(at, ctx.timeZone),
    branches: () => ({
      sheetName: 'Theo đơn vị',
      heading: heading('Báo cáo kết quả tham gia đợt hoạt động'),
      columns: BRANCH_COLUMNS,
      bordered: true,
      rows: report.branches.map((b, i) => [i + 1, b.name, clusters.get(b.branchId) ?? null, ...figuresOf(b, report)]),
      footer: () => [null, 'Tổng cộng', null, ...figuresOf(report.totals, report)],
    }),
    participants: () => {
      let n = 0;
      return {
        sheetName: 'Danh sách tham gia',
        heading: heading('Danh sách tham gia và minh chứng'),
        columns: PARTICIPANT_COLUMNS,
        bordered: false,
        rows: (async function* () {
          for await (const proof of streamParticipantProofs(ctx.db, wave.id, branchIds)) yield participantRow(++n, proof);
        })(),
        footer: () => [null, `Tổng cộng: ${n} minh chứng; ${tookPart} cán bộ, đoàn viên được tính vào tỷ lệ`],
      };
    },
  };
}

/**
 * The wave's report as a workbook: sheet 1 per branch in the staff member's scope (figures, rates,
 * the plan's targets, Đạt / Chưa đạt, totals), sheet 2 every proof with its link and review state.
 * A wave out of scope is NOT_FOUND.
 */
export async function waveWorkbook(ctx: ExportContext, staff: StaffPrincipal, waveId: string): Promise<ExportFile> {
  const w = await prepareWaveExport(ctx, staff, waveId);
  return streamedFile(`bao-cao-dot-${w.slug}-${w.day}.xlsx`, XLSX_CONTENT_TYPE, (out) =>
    writeXlsx([w.branches(), w.participants()], out, { timeZone: ctx.timeZone, created: ctx.now() }),
  );
}

/** Sheet 1 of the workbook as CSV. */
export async function waveBranchesCsv(ctx: ExportContext, staff: StaffPrincipal, waveId: string): Promise<ExportFile> {
  const w = await prepareWaveExport(ctx, staff, waveId);
  return streamedFile(`bao-cao-dot-${w.slug}-${w.day}.csv`, CSV_CONTENT_TYPE, (out) => writeCsv(w.branches(), out, { timeZone: ctx.timeZone }));
}

/** Sheet 2 of the workbook (participants and their proofs) as CSV. */
export async function waveParticipantsCsv(ctx: ExportContext, staff: StaffPrincipal, waveId: string): Promise<ExportFile> {
  const w = await prepareWaveExport(ctx, staff, waveId);
  return streamedFile(`danh-sach-tham-gia-${w.slug}-${w.day}.csv`, CSV_CONTENT_TYPE, (out) => writeCsv(w.participants(), out, { timeZone: ctx.timeZone }));
}
