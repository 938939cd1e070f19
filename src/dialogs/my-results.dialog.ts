import { handOff } from './hand-off';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnDb } from '../bot/turn-scope';
import { myResults, type MyResults } from '../domain/waves/my-results.service';
import { currentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { PARTICIPATION_STATE_TEXT, PLATFORM_NAME, RESULTS_TEXT, REVIEW_STATE_TEXT, joinedWaveLine } from './messages.vi';
import { toOnboarding } from './wave-dialog-parts';

const STEPS = 'myResults.steps';

function proofLines(results: MyResults): string[] {
  return results.proofs.map((p) => {
    const what = p.kind === 'link' ? `${PLATFORM_NAME[p.platform ?? 'other']}: ${p.canonicalUrl ?? ''}` : RESULTS_TEXT.imageProof;
    const state = p.imageState === 'awaiting' ? RESULTS_TEXT.imageAwaiting : REVIEW_STATE_TEXT[p.reviewState];
    const reason = p.reviewState === 'rejected' && p.rejectReason ? ` (${RESULTS_TEXT.rejectReason(p.rejectReason)})` : '';
    return `• ${what} — ${state}${reason}\n  ${p.waveTitle}`;
  });
}

/** "Kết quả của tôi": waves joined, proofs and their review, the branch against the plan's targets. */
export class MyResultsDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.myResults);
    this.addDialog(new WaterfallDialog(STEPS, [this.showStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async showStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const member = await currentMember(step.context, this.deps.db);
    if (!member) return toOnboarding(step, RESULTS_TEXT.needsMember);
    const results = await myResults(turnDb(this.deps.db), member, this.deps.now());
    const sections: string[] = [];
    if (results.joined.length === 0) sections.push(RESULTS_TEXT.nothingYet);
    else sections.push(`${RESULTS_TEXT.wavesTitle}\n${results.joined.map((j) => joinedWaveLine(j.title, PARTICIPATION_STATE_TEXT[j.state])).join('\n')}`);
    if (results.joined.length > 0) sections.push(results.proofs.length === 0 ? RESULTS_TEXT.noProofs : `${RESULTS_TEXT.proofsTitle}\n${proofLines(results).join('\n')}`);
    if (member.branchId === null) sections.push(RESULTS_TEXT.noBranch);
    else if (results.branch.length > 0) {
      const waves = results.branch.map(
        (b) => `${b.title}\n${RESULTS_TEXT.turnout('cadre', b.cadresTookPart, b.cadres, b.cadreTargetPct)}\n${RESULTS_TEXT.turnout('member', b.membersTookPart, b.members, b.memberTargetPct)}`,
      );
      sections.push(`${RESULTS_TEXT.branchTitle}\n${waves.join('\n\n')}`);
    }
    if (member.status === 'pending') sections.push(RESULTS_TEXT.pendingNote);
    await step.context.sendActivity(sections.join('\n\n'));
    // Never a dead end: the menu follows (on Zalo nothing else would say what to type next).
    return handOff(step, DIALOG.mainMenu);
  }
}
