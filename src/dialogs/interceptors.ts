import type { TurnContext } from 'botbuilder-core';
import type { DialogDeps } from './dialog-deps';
import { handoverInterceptor } from './handover.dialog';
import { linkCodeInterceptor } from './link-channel.dialog';

/**
 * Runs before any dialog on every member message. Returns true when it has handled the turn and
 * the dialogs must not run (a member handed over to a cadre, a member slowed down for flooding).
 */
export type TurnInterceptor = (context: TurnContext) => Promise<boolean>;

/** Every interceptor, in the order they are asked. */
export function allInterceptors(deps: DialogDeps): TurnInterceptor[] {
  // Handover first: while a cadre has the conversation, nothing else answers.
  return [handoverInterceptor(deps), linkCodeInterceptor(deps)];
}
