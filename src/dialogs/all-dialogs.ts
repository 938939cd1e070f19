import type { Dialog } from 'botbuilder-dialogs';
import type { DialogDeps } from './dialog-deps';
import { CadreDeskDialog } from './cadre/cadre-desk.dialog';
import { CollaboratorTasksDialog } from './collaborator/collaborator-tasks.dialog';
import { GoodNewsDialog } from './good-news/good-news.dialog';
import { MainMenuDialog } from './main-menu.dialog';

/** Every dialog the bot runs, registered in one DialogSet (vung-xanh.bot.ts). */
export function allDialogs(deps: DialogDeps): Dialog[] {
  return [
    new MainMenuDialog(deps),
    new CadreDeskDialog(deps),
    new CollaboratorTasksDialog(deps),
    new GoodNewsDialog(deps),
  ];
}
