import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { turnPerson } from '../bot/turn-person';
import { currentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { handOff } from './hand-off';
import { menuEntriesFor, menuKeywords } from './menu';
import { helpMessage } from './messages.vi';

/** "Trợ giúp": what the member can say anywhere (and, on Zalo, the #keywords of their menu), then the menu. */
export class HelpDialog extends Dialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.help);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const entries = menuEntriesFor(await currentMember(dc.context, this.deps.db));
    await dc.context.sendActivity(helpMessage(turnPerson(dc.context).channel, menuKeywords(entries)));
    return handOff(dc, DIALOG.mainMenu);
  }
}
