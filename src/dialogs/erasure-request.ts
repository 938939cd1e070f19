import type { TurnContext } from 'botbuilder-core';
import { forgetTurnState } from '../bot/forgotten-state';
import { turnPerson, updateTurnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import { eraseMemberData } from '../domain/members/erasure.service';
import { forgetCurrentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';

/**
 * Erases the data of the person this turn is with, in the turn's transaction. `keepConversation`:
 * the member is told in this turn (the chat confirmation); a platform request (Zalo user_withdraw)
 * is answered with silence, since the member has left the conversation.
 */
export async function eraseTurnPerson(context: TurnContext, deps: DialogDeps, trigger: 'chat' | 'platformRequest'): Promise<void> {
  const { identityId, memberId } = turnPerson(context);
  await eraseMemberData(turnDb(deps.db), { memberId, identityId, keepConversation: trigger === 'chat', trigger, now: deps.now() });
  forgetTurnState(context);
  updateTurnPerson(context, { memberId: null });
  forgetCurrentMember(context);
}

/** The platform told us the member asked for their data to be deleted: no confirmation is asked, it was the member's own request there. */
export async function handleErasureRequest(context: TurnContext, deps: DialogDeps): Promise<void> {
  await eraseTurnPerson(context, deps, 'platformRequest');
}
