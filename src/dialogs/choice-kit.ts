import { ActionTypes, ActivityTypes, CardFactory, InputHints, type Activity, type Attachment } from 'botbuilder-core';
import type { Choice, DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { recognizeChoice } from '../bot/recognizer';
import { DIALOG } from './dialog-ids';

/** A choice whose `value` (a stable id) comes back, shown as `title`; recognised by title and synonyms too. */
export function choice(value: string, title: string, synonyms: readonly string[] = []): Choice {
  return { value, action: { type: ActionTypes.ImBack, title, value }, synonyms: [title, ...synonyms] };
}

/**
 * A message with suggested replies for a text prompt (where the member may pick or type freely):
 * quick replies on Messenger, numbered lines on Zalo.
 */
export function textWithChoices(text: string, choices: readonly Choice[], attachments: readonly Attachment[] = []): Partial<Activity> {
  return {
    type: ActivityTypes.Message,
    text,
    inputHint: InputHints.ExpectingInput,
    ...(attachments.length > 0 ? { attachments: [...attachments] } : {}),
    ...(choices.length > 0 ? { suggestedActions: { to: [], actions: choices.map((c) => c.action!) } } : {}),
  };
}

/** A link button: a Messenger button, a "title: url" line on Zalo. */
export function linkButtons(links: readonly { title: string; url: string }[]): Attachment {
  return CardFactory.heroCard('', undefined, links.map((l) => ({ type: ActionTypes.OpenUrl, title: l.title, value: l.url })));
}

/** An image shown with the message (downloaded proof images, served by our media route). */
export function imageAttachment(url: string): Attachment {
  return { contentType: 'image/jpeg', contentUrl: url };
}

/** What the member sent this turn: a quick-reply payload first, else the text. */
export function saidThisTurn(dc: { context: DialogContext['context'] }): string {
  const activity = dc.context.activity;
  return String(activity.value ?? activity.text ?? '');
}

/** Which of `choices` the member picked this turn, if any. */
export function pickedThisTurn(dc: { context: DialogContext['context'] }, choices: readonly Choice[]): string | undefined {
  return recognizeChoice(saidThisTurn(dc), choices)?.value;
}

/**
 * A member who may not use a dialog is told why, politely, and gets the menu: never an error,
 * never anything of a branch that is not theirs.
 */
export async function refuseWithMenu(dc: DialogContext, text: string): Promise<DialogTurnResult> {
  await dc.context.sendActivity(text);
  return dc.replaceDialog(DIALOG.mainMenu);
}
