import type { Dialog } from 'botbuilder-dialogs';
import type { DialogDeps } from './dialog-deps';
import { HelpDialog } from './help.dialog';
import { MainMenuDialog } from './main-menu.dialog';
import { OnboardingDialog } from './onboarding.dialog';
import { RegistrationDialog } from './registration.dialog';

/** Every dialog the bot runs, registered in one DialogSet (vung-xanh.bot.ts). */
export function allDialogs(deps: DialogDeps): Dialog[] {
  return [
    new MainMenuDialog(deps),
    new HelpDialog(),
    new OnboardingDialog(deps),
    new RegistrationDialog(deps),
  ];
}
