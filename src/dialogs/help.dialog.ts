import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { DIALOG } from './dialog-ids';
import { handOff } from './hand-off';
import type { MainMenuOptions } from './main-menu.dialog';

/**
 * "Trợ giúp": what the member can say anywhere (and, on Zalo, the #keywords of their menu), with
 * the menu's choices under it: one message, so help is never a dead end and costs one send.
 */
export class HelpDialog extends Dialog {
  constructor() {
    super(DIALOG.help);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return handOff(dc, DIALOG.mainMenu, { intro: 'help' } satisfies MainMenuOptions);
  }
}
