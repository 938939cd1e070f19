import type { TurnContext } from 'botbuilder-core';
import type { PlatformChannel } from '../channels/channel';

/** Who a turn is with: the channel identity the event came from and, once registered, its member. */
export interface TurnPerson {
  readonly identityId: string;
  readonly channel: PlatformChannel;
  readonly platformUserId: string;
  readonly memberId: string | null;
}

const PERSON_KEY = Symbol('vx.turnPerson');

/** Set by the turn pipeline before the bot runs (it has just touched the identity). */
export function setTurnPerson(context: TurnContext, person: TurnPerson): void {
  context.turnState.set(PERSON_KEY, person);
}

/** The person of this turn; throws outside a pipeline turn (a programming error). */
export function turnPerson(context: TurnContext): TurnPerson {
  const person = context.turnState.get(PERSON_KEY) as TurnPerson | undefined;
  if (!person) throw new Error('turnPerson: no person on this turn (was it run by the turn pipeline?)');
  return person;
}

/** After registration or erasure the member changes within the turn. */
export function updateTurnPerson(context: TurnContext, change: Partial<Pick<TurnPerson, 'memberId'>>): void {
  setTurnPerson(context, { ...turnPerson(context), ...change });
}
