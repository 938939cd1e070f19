import { choice } from './choice-kit';
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
import { turnPerson } from '../bot/turn-person';
import { helpMessage, MENU, TEXT } from './messages.vi';

export const MAIN_MENU_DIALOG = DIALOG.mainMenu;
const MENU_PROMPT = 'mainMenu.choice';
const STEPS = 'mainMenu.steps';

/** How the menu is opened: with other words above it (the help, after "hủy", after a message not understood), or with the entry already picked. */
export interface MainMenuOptions {
  readonly intro?: 'help' | 'notUnderstood' | 'cancelled';
  /** A menu value the member already chose (they typed an entry's name with no dialog running). */
  readonly picked?: string;
}

export function menuChoices(entries: readonly MenuEntry[]): Choice[] {
  return entries.map((entry) => {
    const words = MENU[entry.key];
    return choice(words.value, words.title, [words.keyword, ...words.synonyms]);
  });
}

/**
 * The menu every conversation comes back to. Choices go out as suggested actions: quick replies
 * on Messenger, numbered lines on Zalo (where the member answers with the number). A picked entry
 * hands over to its dialog (hand-off.ts); an entry whose dialog is not registered gets the help.
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
    return handOff(step, DIALOG.help);
  }
}
