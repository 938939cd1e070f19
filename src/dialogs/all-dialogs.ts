import type { Dialog } from 'botbuilder-dialogs';
import type { DialogDeps } from './dialog-deps';
import { BranchReportDialog } from './cadre/branch-report.dialog';
import { CadreDeskDialog } from './cadre/cadre-desk.dialog';
import { CollaboratorTasksDialog } from './collaborator/collaborator-tasks.dialog';
import { GoodNewsDialog } from './good-news/good-news.dialog';
import { MainMenuDialog } from './main-menu.dialog';
import { CurrentWavesDialog } from './current-waves.dialog';
import { JoinWaveDialog } from './join-wave.dialog';
import { SubmitProofDialog } from './submit-proof.dialog';
import { MyResultsDialog } from './my-results.dialog';
import { DataRightsDialog } from './data-rights.dialog';
import { HandoverDialog } from './handover.dialog';
import { LinkChannelDialog } from './link-channel.dialog';
import { OfficialPagesDialog } from './official-pages.dialog';
import { SubscriptionsDialog } from './subscriptions.dialog';
import { HelpDialog } from './help.dialog';
import { OnboardingDialog } from './onboarding.dialog';
import { RegistrationDialog } from './registration.dialog';

/** Every dialog the bot runs, registered in one DialogSet (vung-xanh.bot.ts). */
export function allDialogs(deps: DialogDeps): Dialog[] {
  return [
    new MainMenuDialog(deps),
    new HelpDialog(),
    new OnboardingDialog(deps),
    new RegistrationDialog(deps),
    new CurrentWavesDialog(deps),
    new JoinWaveDialog(deps),
    new SubmitProofDialog(deps),
    new MyResultsDialog(deps),
    new SubscriptionsDialog(deps),
    new OfficialPagesDialog(deps),
    new HandoverDialog(deps),
    new DataRightsDialog(deps),
    new LinkChannelDialog(deps),
    new CadreDeskDialog(deps),
    new BranchReportDialog(deps),
    new CollaboratorTasksDialog(deps),
    new GoodNewsDialog(deps),
  ];
}
