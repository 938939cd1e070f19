import type { Choice } from 'botbuilder-dialogs';
import { choice } from './choice-kit';
import type { ChoiceWords } from './messages.vi';

/** A catalogue choice as a prompt choice: the title shown, the value that comes back, the other ways to say it. */
export function choiceOf(words: ChoiceWords): Choice {
  return choice(words.value, words.title, words.synonyms);
}
