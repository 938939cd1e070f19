import type { Choice } from 'botbuilder-dialogs';
import type { ChoiceWords } from './messages.vi';

/** A catalogue choice as a prompt choice: the title shown, the value that comes back, the other ways to say it. */
export function choiceOf(words: ChoiceWords): Choice {
  return { value: words.value, action: { type: 'imBack', title: words.title, value: words.value }, synonyms: [words.title, ...words.synonyms] };
}
