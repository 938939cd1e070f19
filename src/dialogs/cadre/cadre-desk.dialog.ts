import { ComponentDialog, WaterfallDialog, type DialogContext, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnDb } from '../../bot/turn-scope';
import { countPendingRegistrations } from '../../domain/members/member-verification.service';
import { countProofsToReview } from '../../domain/proofs/proof-review.service';
import { todaysBranchReport } from '../../domain/reports/branch-report.service';
import { findUnitName } from '../../domain/units/unit-name.repository';
import { choice, refuseWithMenu } from '../choice-kit';
import type { DialogDeps } from '../dialog-deps';
import { DIALOG } from '../dialog-ids';
import { CADRE_TEXT, deskIntro, withCount } from '../messages.vi';
import { VxChoicePrompt } from '../prompts';
import { currentCadre } from './cadre-access';
import { BranchReportDialog } from './branch-report.dialog';
import { BranchTrendDialog, BRANCH_TREND_DIALOG } from './branch-trend.dialog';
import { ProofReviewDialog, PROOF_REVIEW_DIALOG } from './proof-review.dialog';
import { RegistrationReviewDialog, REGISTRATION_REVIEW_DIALOG } from './registration-review.dialog';

const STEPS = 'cadreDesk.steps';
const DESK_PROMPT = 'cadreDesk.choice';

const PICK = { proofs: 'desk:proofs', registrations: 'desk:registrations', report: 'desk:report', trend: 'desk:trend', menu: 'desk:menu' } as const;
const OPENS: Readonly<Record<string, string>> = {
  [PICK.proofs]: PROOF_REVIEW_DIALOG,
  [PICK.registrations]: REGISTRATION_REVIEW_DIALOG,
  [PICK.report]: DIALOG.branchReport,
  [PICK.trend]: BRANCH_TREND_DIALOG,
};

/**
 * The cadre's desk in chat (item 5): review the branch's pending proofs, confirm its pending
 * registrations, report the branch's good-news post of the day, register a branch trend. Only verified cadres with a branch get in; each child
 * dialog checks again every turn. After each piece of work the desk shows again with fresh counts.
 */
export class CadreDeskDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.cadreDesk);
    this.addDialog(new VxChoicePrompt(DESK_PROMPT));
    this.addDialog(new ProofReviewDialog(deps));
    this.addDialog(new RegistrationReviewDialog(deps));
    this.addDialog(new BranchReportDialog(deps));
    this.addDialog(new BranchTrendDialog(deps));
    this.addDialog(new WaterfallDialog(STEPS, [this.showDesk.bind(this), this.open.bind(this), this.again.bind(this)]));
    this.initialDialogId = STEPS;
  }

  override async beginDialog(outerDc: DialogContext, options?: object): Promise<DialogTurnResult> {
    if (!(await currentCadre(outerDc.context, this.deps.db))) return refuseWithMenu(outerDc, CADRE_TEXT.notCadre);
    return super.beginDialog(outerDc, options);
  }

  private async showDesk(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const cadre = await currentCadre(step.context, this.deps.db);
    if (!cadre) return refuseWithMenu(step, CADRE_TEXT.notCadre);
    const db = turnDb(this.deps.db);
    const proofs = await countProofsToReview(db, cadre);
    const registrations = await countPendingRegistrations(db, cadre.branchId);
    const branchName = (await findUnitName(db, cadre.branchId)) ?? '';
    const goodNews = await todaysBranchReport(db, cadre.branchId, this.deps.now(), this.deps.timeZone);
    return step.prompt(DESK_PROMPT, {
      prompt: `${deskIntro(branchName, proofs, registrations, goodNews.url !== undefined)}\n\n${CADRE_TEXT.deskPrompt}`,
      retryPrompt: CADRE_TEXT.deskRetry,
      choices: [
        choice(PICK.proofs, withCount(CADRE_TEXT.reviewProofs, proofs), ['minh chung', 'duyet minh chung']),
        choice(PICK.registrations, withCount(CADRE_TEXT.reviewRegistrations, registrations), ['dang ky', 'duyet dang ky']),
        choice(PICK.report, CADRE_TEXT.reportGoodNews, ['bao cao', 'bao cao tin tot', 'tin tot hom nay']),
        choice(PICK.trend, CADRE_TEXT.registerTrend, ['xu huong', 'trao luu']),
        choice(PICK.menu, CADRE_TEXT.backToMenu, ['menu chinh', 've menu']),
      ],
    });
  }

  private async open(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const picked = (step.result as FoundChoice).value;
    const dialogId = OPENS[picked];
    if (dialogId) return step.beginDialog(dialogId);
    return step.replaceDialog(DIALOG.mainMenu);
  }

  private async again(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.replaceDialog(STEPS);
  }
}
