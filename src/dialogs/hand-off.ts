import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import type { DialogId } from './dialog-ids';

/**
 * "Go on with that dialog": what a dialog ends with when the conversation should continue in
 * another one (the menu after help, an entry after the menu). The bot begins it at the top of the
 * stack, so a member going round menu → help → menu all day never nests one dialog in another
 * (replaceDialog from inside a component dialog would: its stack lives inside the component).
 */
export interface HandOff {
  readonly handOff: DialogId;
  readonly options?: object;
}

export function isHandOff(result: unknown): result is HandOff {
  return typeof result === 'object' && result !== null && typeof (result as { handOff?: unknown }).handOff === 'string';
}

/** Ends the running dialog, asking for `dialogId` to run next. */
export function handOff(dc: DialogContext, dialogId: DialogId, options?: object): Promise<DialogTurnResult> {
  return dc.endDialog({ handOff: dialogId, ...(options === undefined ? {} : { options }) } satisfies HandOff);
}
