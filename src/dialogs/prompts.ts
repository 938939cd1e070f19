import { ChoiceFactory, ChoicePrompt, ListStyle, type FoundChoice, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder-core';
import { recognizeChoice } from '../bot/recognizer';

/**
 * The choice prompt every dialog uses: choices go out as suggested actions (Messenger quick
 * replies, numbered lines on Zalo) and what comes back is read the way members type
 * (bot/recognizer.ts): a payload, a number, a title without diacritics, a short form.
 */
export class VxChoicePrompt extends ChoicePrompt {
  constructor(dialogId: string) {
    super(dialogId, undefined, 'vi-VN');
    this.style = ListStyle.suggestedAction;
  }

  protected override async onRecognize(context: TurnContext, _state: unknown, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const choices = ChoiceFactory.toChoices(options.choices ?? []);
    const said = String(context.activity.value ?? context.activity.text ?? '');
    const found = recognizeChoice(said, choices);
    return found ? { succeeded: true, value: found } : { succeeded: false };
  }
}
