import { choice } from './choice-kit';
import { ActivityTypes, CardFactory, type Activity } from 'botbuilder-core';
import type { Choice, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { addDays, localDayOf } from '../domain/shared/time';
import type { WaveDetails } from '../domain/waves/waves.repository';
import { DIALOG } from './dialog-ids';
import { waveDates, type WaveCard } from './messages.vi';

/** Choice values of waves: stable ids, never titles. */
const WAVE_VALUE_PREFIX = 'wave:';

export function waveChoices(waves: readonly WaveDetails[]): Choice[] {
  return waves.map((w) => choice(`${WAVE_VALUE_PREFIX}${w.id}`, w.title));
}

export function waveIdOfChoice(value: string): string | undefined {
  return value.startsWith(WAVE_VALUE_PREFIX) ? value.slice(WAVE_VALUE_PREFIX.length) : undefined;
}

/** A wave as the catalogue words it, with its local calendar days (the end is exclusive). */
export function waveCardOf(wave: WaveDetails, timeZone: string): WaveCard {
  return {
    title: wave.title,
    dates: waveDates(localDayOf(wave.startsAt, timeZone), addDays(localDayOf(wave.endsAt, timeZone), -1)),
    description: wave.description,
    actionKind: wave.actionKind,
    hashtags: wave.hashtags,
    requiredHashtag: wave.requiredHashtag,
  };
}

/** A message of link buttons (Messenger button template; lines with the URL on Zalo). */
export function linkButtons(text: string, links: readonly { title: string; url: string }[]): Partial<Activity> {
  const card = CardFactory.heroCard('', undefined, links.map((l) => ({ type: 'openUrl', title: l.title, value: l.url })), { text });
  return { type: ActivityTypes.Message, text, attachments: [card] };
}

/**
 * Joining and proofs need a registered member: a stranger is told why in one line and handed to
 * onboarding (when that dialog is part of this build; otherwise the turn simply ends).
 */
export async function toOnboarding(step: WaterfallStepContext, why: string): Promise<DialogTurnResult> {
  await step.context.sendActivity(why);
  if (step.findDialog(DIALOG.onboarding)) return step.replaceDialog(DIALOG.onboarding);
  return step.endDialog();
}
