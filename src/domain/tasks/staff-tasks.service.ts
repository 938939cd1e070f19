import { withTransaction, type Db } from '../../db/database';
import type { TaskAction } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import type { StaffPrincipal } from '../staff/staff-scope';
import { listTaskCompletions, listTasksReaching, insertStaffTask, type StaffTask, type TaskCompletionRow } from './staff-tasks.repository';

export type { StaffTask, TaskCompletionRow };

/**
 * Collaborator tasks from the admin web (Nhiệm vụ CTV). Staff see the tasks that reach their
 * branches and, of who did them, only the members of those branches. A task is meant for a unit
 * the staff member answers for: the district admin any (or the whole district), district staff
 * their branches and clusters, a branch cadre their branch.
 */

const NOT_FOUND = 'Không tìm thấy nhiệm vụ này, hoặc nhiệm vụ không thuộc phạm vi của tài khoản.';

function branchesOf(staff: StaffPrincipal): readonly string[] | null {
  return staff.scope === null ? null : staff.scope.branchIds;
}

export async function listTasksForStaff(db: Db, staff: StaffPrincipal, limit: number): Promise<StaffTask[]> {
  return listTasksReaching(db, branchesOf(staff), limit);
}

export async function taskInScope(db: Db, staff: StaffPrincipal, taskId: string): Promise<{ task: StaffTask; completions: TaskCompletionRow[] }> {
  const [task] = await listTasksReaching(db, branchesOf(staff), 1, taskId);
  if (!task) throw new AppError('NOT_FOUND', NOT_FOUND);
  return { task, completions: await listTaskCompletions(db, taskId, branchesOf(staff)) };
}

/** The units a staff member may address a task to (null stands for the whole district). */
export function mayAddressUnit(staff: StaffPrincipal, unitId: string | null): boolean {
  if (staff.role === 'districtAdmin') return true;
  if (unitId === null) return false;
  if (staff.role === 'districtStaff') return staff.clusterIds.includes(unitId) || (staff.scope?.branchIds.includes(unitId) ?? false);
  return staff.branchId === unitId;
}

export interface TaskRequest {
  readonly title: string;
  readonly description: string;
  readonly postUrl: string;
  readonly actions: readonly TaskAction[];
  readonly unitId: string | null;
  readonly deadline: Date;
}

export async function createTaskAsStaff(db: Db, staff: StaffPrincipal, request: TaskRequest, now: Date, ip: string | null): Promise<string> {
  if (!mayAddressUnit(staff, request.unitId)) throw new AppError('NOT_FOUND', 'Không tìm thấy đơn vị này trong phạm vi của tài khoản.');
  if (request.actions.length === 0) throw new AppError('VALIDATION_FAILED', 'Chọn ít nhất một việc: thích, chia sẻ hoặc bình luận.');
  if (request.deadline.getTime() <= now.getTime()) throw new AppError('VALIDATION_FAILED', 'Hạn hoàn thành đã qua. Chọn một thời điểm sau bây giờ.');
  return withTransaction(db, async (tx) => {
    const id = await insertStaffTask(tx, { ...request, staffUserId: staff.id });
    await recordStaffAction(tx, { staffUserId: staff.id, action: 'task.created', subjectKind: 'task', subjectId: id, unitId: request.unitId, details: { actions: [...request.actions] }, ip, at: now });
    return id;
  });
}
