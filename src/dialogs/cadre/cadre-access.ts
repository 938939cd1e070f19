import type { TurnContext } from 'botbuilder-core';
import type { Db } from '../../db/database';
import type { MemberRecord } from '../../domain/members/members.repository';
import type { Reviewer } from '../../domain/proofs/proof-review.service';
import { currentMember } from '../current-member';

/** A verified cadre of a branch: what the desk acts as (read again every turn, so a cadre stood down loses it at once). */
export function cadreOf(member: MemberRecord | null): Reviewer | undefined {
  if (!member || member.status !== 'verified' || member.role !== 'cadre' || !member.branchId) return undefined;
  return { memberId: member.id, branchId: member.branchId };
}

export async function currentCadre(context: TurnContext, db: Db): Promise<Reviewer | undefined> {
  return cadreOf(await currentMember(context, db));
}
