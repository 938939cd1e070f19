import type { Dialog } from 'botbuilder-dialogs';
import type { DialogDeps } from './dialog-deps';
import { MainMenuDialog } from './main-menu.dialog';

/** Every dialog the bot runs, registered in one DialogSet (vung-xanh.bot.ts). */
export function allDialogs(deps: DialogDeps): Dialog[] {
  return [new MainMenuDialog(deps)];
}
