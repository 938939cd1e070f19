import type { TurnContext } from 'botbuilder-core';
import { turnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import type { Db } from '../db/database';
import { findMemberById, type MemberRecord } from '../domain/members/members.repository';

const MEMBER_KEY = Symbol('vx.currentMember');

/** The member this turn is with (read once per turn, in the turn's transaction), or null before registration. */
export async function currentMember(context: TurnContext, db: Db): Promise<MemberRecord | null> {
  const cached = context.turnState.get(MEMBER_KEY) as MemberRecord | null | undefined;
  if (cached !== undefined) return cached;
  const { memberId } = turnPerson(context);
  const member = memberId ? ((await findMemberById(turnDb(db), memberId)) ?? null) : null;
  context.turnState.set(MEMBER_KEY, member);
  return member;
}

/** Call after changing the member in this turn (registered, verified, erased) so the next read is fresh. */
export function forgetCurrentMember(context: TurnContext): void {
  context.turnState.delete(MEMBER_KEY);
}
