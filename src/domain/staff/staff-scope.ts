import type { Db, Tx } from '../../db/database';
import type { StaffRole } from '../../db/types';
import type { StaffScope } from '../broadcasts/broadcast.types';
import { listBranchesUnder, listStaffClusterIds } from './staff-users.repository';

/** A signed-in staff member as every staff route sees them: who, their role, and what they may see. */
export interface StaffPrincipal {
  readonly id: string;
  readonly username: string;
  readonly role: StaffRole;
  /** branchCadre: their branch. */
  readonly branchId: string | null;
  /** districtStaff: the clusters they look after. */
  readonly clusterIds: readonly string[];
  readonly scope: StaffScope;
}

/**
 * The branches a staff member may see (issue 6 §1): a districtAdmin everything (null), a
 * districtStaff the branches of their clusters, a branchCadre their own branch.
 */
export async function resolveStaffScope(db: Db | Tx, staff: { readonly id: string; readonly role: StaffRole; readonly branchId: string | null }): Promise<{ scope: StaffScope; clusterIds: string[] }> {
  switch (staff.role) {
    case 'districtAdmin':
      return { scope: null, clusterIds: [] };
    case 'districtStaff': {
      const clusterIds = await listStaffClusterIds(db, staff.id);
      return { scope: { branchIds: await listBranchesUnder(db, clusterIds) }, clusterIds };
    }
    case 'branchCadre':
      return { scope: { branchIds: staff.branchId ? [staff.branchId] : [] }, clusterIds: [] };
  }
}

export function scopeIncludesBranch(scope: StaffScope, branchId: string): boolean {
  return scope === null || scope.branchIds.includes(branchId);
}
