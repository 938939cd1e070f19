import { z } from 'zod';
import type { Db } from '../../db/database';
import { listDirectoryMembers } from '../../domain/members/member-directory.repository';
import { maskPhone } from '../../domain/members/phone-mask';
import { scopeIncludesBranch } from '../../domain/staff/staff-scope';
import { AppError } from '../../errors/app-error';
import type { ApiOperations } from './api-operation';
import { id, pageOf, pageQuery, paged } from './api-schemas';

const ROLES = ['cadre', 'member', 'youth'] as const;
const STATUSES = ['pending', 'verified', 'left', 'erased'] as const;

const memberOut = z.object({
  id: z.string(),
  fullName: z.string().nullable(),
  phone: z.string().meta({ description: 'Che bớt: "09xx xxx 123".' }),
  role: z.enum(ROLES),
  status: z.enum(STATUSES),
  branchId: z.string().nullable(),
  isCollaborator: z.boolean(),
  isTheoryClub: z.boolean(),
  isBranchSecretary: z.boolean().meta({ description: 'Bí thư chi đoàn (từ cột “Chức vụ” của danh sách nhập): nhận tên cán bộ đã được nhắc hai lần mà chưa tham gia đợt.' }),
  verifiedAt: z.string().nullable(),
});

export function addMemberOperations(api: ApiOperations, deps: { readonly db: Db }): void {
  api.add({
    method: 'get',
    path: '/members',
    operationId: 'listMembers',
    tag: 'members',
    summary: 'Tìm đoàn viên, thanh niên trong phạm vi',
    query: z.strictObject({
      branch: id.optional().meta({ description: 'Chỉ chi đoàn này (trong phạm vi).' }),
      role: z.enum(ROLES).optional(),
      status: z.enum(STATUSES).optional().meta({ description: 'Mặc định: mọi trạng thái trừ erased.' }),
      q: z.string().trim().min(2).max(100).optional().meta({ description: 'Một phần họ tên, hoặc (chỉ chữ số) một phần số điện thoại.' }),
      ...pageQuery,
    }),
    errors: [404],
    response: { statuses: [200], schema: paged(memberOut), description: 'Một trang thành viên theo họ tên; số điện thoại đã che.' },
    handle: async ({ query, staff }) => {
      if (query.branch !== undefined && !scopeIncludesBranch(staff.scope, query.branch)) throw new AppError('NOT_FOUND', 'Không tìm thấy chi đoàn này.');
      const branchIds = query.branch !== undefined ? [query.branch] : staff.scope === null ? null : staff.scope.branchIds;
      const { total, rows } = await listDirectoryMembers(deps.db, {
        branchIds,
        ...(query.role ? { role: query.role } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.q ? { q: query.q } : {}),
        ...pageOf(query),
      });
      const items = rows.map((m) => ({
        id: m.id,
        fullName: m.fullName,
        phone: maskPhone(m.phone),
        role: m.role,
        status: m.status,
        branchId: m.branchId,
        isCollaborator: m.isCollaborator,
        isTheoryClub: m.isTheoryClub,
        isBranchSecretary: m.isBranchSecretary,
        verifiedAt: m.verifiedAt?.toISOString() ?? null,
      }));
      return { body: { items, page: query.page, pageSize: query.pageSize, total } };
    },
  });
}
