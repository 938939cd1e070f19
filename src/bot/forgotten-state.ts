import type { TurnContext } from 'botbuilder-core';

const FORGOTTEN_KEY = Symbol('vx.stateForgotten');

/**
 * Marks this turn's conversation and user state as erased (the member's data was deleted in the
 * turn, state rows included): the bot must not write them back when the turn ends.
 */
export function forgetTurnState(context: TurnContext): void {
  context.turnState.set(FORGOTTEN_KEY, true);
}

export function isTurnStateForgotten(context: TurnContext): boolean {
  return context.turnState.get(FORGOTTEN_KEY) === true;
}
