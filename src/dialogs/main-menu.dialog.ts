import {
  ComponentDialog,
  ListStyle,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { currentMember } from './current-member';
import { VxChoicePrompt } from './prompts';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { handOff } from './hand-off';
import { MENU_ENTRIES, menuEntriesFor, menuKeywords, type MenuEntry } from './menu';
import { addDays, localDayOf } from '../domain/shared/time';
import { listCurrentAndUpcomingWaves } from '../domain/waves/waves.repository';
import { turnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import { helpMessage, MENU, TEXT, waveDates, waveLines } from './messages.vi';

export const MAIN_MENU_DIALOG = DIALOG.mainMenu;
const MENU_PROMPT = 'mainMenu.choice';
const STEPS = 'mainMenu.steps';
const UPCOMING_DAYS = 30;
const MAX_WAVES_LISTED = 5;

/** How the menu is opened: with other words above it (the help, after "hủy", after a message not understood), or with the entry already picked. */
export interface MainMenuOptions {
  readonly intro?: 'help' | 'notUnderstood' | 'cancelled';
  /** A menu value the member already chose (they typed an entry's name with no dialog running). */
  readonly picked?: string;
}

export function menuChoices(entries: readonly MenuEntry[]): Choice[] {
  return entries.map((entry) => {
    const words = MENU[entry.key];
    return { value: words.value, action: { type: 'imBack', title: words.title, value: words.value }, synonyms: [words.title, words.keyword, ...words.synonyms] };
  });
}

/**
 * The menu every conversation comes back to. Choices go out as suggested actions: quick replies
 * on Messenger, numbered lines on Zalo (where the member answers with the number). A picked entry
 * hands over to its dialog (hand-off.ts); the current waves are listed here until a dialog of
 * their own is registered, and an entry whose dialog is not registered gets the help.
 */
export class MainMenuDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_MENU_DIALOG);
    this.addDialog(new VxChoicePrompt(MENU_PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [this.askStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as MainMenuOptions;
    if (options.picked) return step.next({ value: options.picked, index: 0, score: 1 } satisfies FoundChoice);
    const entries = menuEntriesFor(await currentMember(step.context, this.deps.db));
    const prompt =
      options.intro === 'help' ? helpMessage(turnPerson(step.context).channel, menuKeywords(entries))
      : options.intro === 'notUnderstood' ? TEXT.notUnderstood
      : options.intro === 'cancelled' ? TEXT.cancelled
      : TEXT.menuPrompt;
    return step.prompt(MENU_PROMPT, { prompt, retryPrompt: TEXT.menuRetry, choices: menuChoices(entries), style: ListStyle.suggestedAction });
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const picked = (step.result as FoundChoice).value;
    const entry = MENU_ENTRIES.find((e) => MENU[e.key].value === picked);
    // Feature dialogs are registered beside this one (all-dialogs.ts); findDialog looks there too.
    if (entry && step.findDialog(entry.dialogId)) return handOff(step, entry.dialogId, entry.options);
    if (picked === MENU.currentWaves.value) {
      await step.context.sendActivity(await this.describeWaves());
      return step.endDialog();
    }
    return handOff(step, DIALOG.help);
  }

  private async describeWaves(): Promise<string> {
    const now = this.deps.now?.() ?? new Date();
    const waves = await listCurrentAndUpcomingWaves(turnDb(this.deps.db), now, UPCOMING_DAYS, MAX_WAVES_LISTED);
    if (waves.length === 0) return TEXT.noCurrentWaves;
    const tz = this.deps.timeZone;
    const lines = waves.map((w, i) => waveLines(i + 1, w.title, waveDates(localDayOf(w.startsAt, tz), addDays(localDayOf(w.endsAt, tz), -1)), w.hashtags));
    return `${TEXT.currentWavesIntro}\n\n${lines.join('\n\n')}`;
  }
}
