import { z } from 'zod';
import type { Db } from '../../db/database';
import { participationReport } from '../../domain/reports/participation-report.service';
import { AppError } from '../../errors/app-error';
import type { ApiOperations } from './api-operation';
import { id, waveJson, waveOut } from './api-schemas';

const figures = {
  cadres: z.number().int(),
  cadresTookPart: z.number().int(),
  members: z.number().int(),
  membersTookPart: z.number().int(),
  cadreRatePct: z.number().nullable(),
  memberRatePct: z.number().nullable(),
  meetsCadreTarget: z.boolean().nullable(),
  meetsMemberTarget: z.boolean().nullable(),
};

const reportOut = z.object({
  wave: waveOut,
  targets: z.object({ cadreTargetPct: z.number(), memberTargetPct: z.number() }).nullable().meta({ description: 'Chỉ tiêu của kế hoạch; null khi đợt không thuộc kế hoạch nào.' }),
  branches: z.array(z.object({ branchId: z.string(), code: z.string(), name: z.string(), ...figures })),
  totals: z.object(figures),
});

export function addReportOperations(api: ApiOperations, deps: { readonly db: Db }): void {
  api.add({
    method: 'get',
    path: '/reports/participation',
    operationId: 'participationReport',
    tag: 'reports',
    summary: 'Tỷ lệ tham gia một đợt theo từng chi đoàn, so với chỉ tiêu',
    description: 'Tham gia = đã gửi minh chứng và minh chứng không bị từ chối. Chỉ tính đoàn viên đã xác minh; mỗi người một lần dù dùng hai kênh.',
    query: z.strictObject({ wave: id }),
    errors: [404],
    response: { statuses: [200], schema: reportOut, description: 'Số liệu theo chi đoàn trong phạm vi.' },
    handle: async ({ query, staff }) => {
      const report = await participationReport(deps.db, staff, query.wave);
      if (!report) throw new AppError('NOT_FOUND', 'Không tìm thấy đợt này.');
      return { body: { wave: waveJson(report.wave), targets: report.targets, branches: [...report.branches], totals: report.totals } };
    },
  });
}
