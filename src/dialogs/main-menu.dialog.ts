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
import { MENU_ENTRIES, menuEntriesFor, type MenuEntry } from './menu';
import { MENU, TEXT } from './messages.vi';

export const MAIN_MENU_DIALOG = DIALOG.mainMenu;
const MENU_PROMPT = 'mainMenu.choice';
const STEPS = 'mainMenu.steps';

function choicesOf(entries: readonly MenuEntry[]): Choice[] {
  return entries.map((entry) => {
    const words = MENU[entry.key];
    return { value: words.value, action: { type: 'imBack', title: words.title, value: words.value }, synonyms: [words.title, words.keyword, ...words.synonyms] };
  });
}

/**
 * The menu every conversation starts from. Choices go out as suggested actions: quick replies on
 * Messenger, numbered lines on Zalo (where the member answers with the number).
 */
export class MainMenuDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_MENU_DIALOG);
    this.addDialog(new VxChoicePrompt(MENU_PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [this.askStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const entries = menuEntriesFor(await currentMember(step.context, this.deps.db));
    return step.prompt(MENU_PROMPT, {
      prompt: TEXT.menuPrompt,
      retryPrompt: TEXT.menuRetry,
      choices: choicesOf(entries),
      style: ListStyle.suggestedAction,
    });
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const picked = (step.result as FoundChoice).value;
    const entry = MENU_ENTRIES.find((e) => MENU[e.key].value === picked);
    // Feature dialogs are registered beside this one (all-dialogs.ts); findDialog looks there too.
    if (entry && entry.dialogId !== DIALOG.help && step.findDialog(entry.dialogId)) return step.replaceDialog(entry.dialogId);
    await step.context.sendActivity(TEXT.help);
    return step.endDialog();
  }
}
