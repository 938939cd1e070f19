import type { TurnContext } from 'botbuilder-core';
import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogContext, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnDb } from '../../bot/turn-scope';
import { canonicalizeProofLink, extractLinks } from '../../domain/proofs/proof-link';
import { reportGoodNewsPost, todaysBranchReport, type BranchReportOutcome } from '../../domain/reports/branch-report.service';
import { formatVietnameseDay } from '../../domain/shared/time';
import { findUnitName } from '../../domain/units/unit-name.repository';
import { choice, pickedThisTurn, refuseWithMenu, textWithChoices } from '../choice-kit';
import type { DialogDeps } from '../dialog-deps';
import { DIALOG } from '../dialog-ids';
import { askReportLink, CADRE_TEXT, reportRecorded, reportReplaced, reportUnchanged } from '../messages.vi';
import { currentCadre } from './cadre-access';

const STEPS = 'branchReport.steps';
const LINK_PROMPT = 'branchReport.link';
const LATER = 'report:later';
const LATER_CHOICES = [choice(LATER, CADRE_TEXT.reportLater, ['de sau', 'chua', 'thoi', 'huy'])];

/** The link in what the cadre sent: a shared link (attachment) first, then the first link in the text. */
function linkSent(context: TurnContext): string | undefined {
  const shared = (context.activity.attachments ?? []).find((a) => a.contentType === 'text/uri-list' && typeof a.contentUrl === 'string');
  return (shared?.contentUrl as string | undefined) ?? extractLinks(String(context.activity.text ?? ''))[0];
}

/** Why a message is no report link, in words the cadre can act on; undefined when it is one. */
function linkProblem(context: TurnContext): string | undefined {
  const link = linkSent(context);
  const said = String(context.activity.text ?? '').trim();
  // A single word that is no link we found may still be one the checker can explain (ftp:, a shortener…).
  const candidate = link ?? (said !== '' && !/\s/.test(said) ? said : undefined);
  if (candidate === undefined) return CADRE_TEXT.reportNoLink;
  const checked = canonicalizeProofLink(candidate);
  if (checked.ok) return undefined;
  // The checker's notAPost words speak of proofs and screenshots; a report needs the post itself.
  if (checked.reason === 'notAPost') return CADRE_TEXT.reportNotAPost;
  return checked.reason === 'notAUrl' ? CADRE_TEXT.reportNoLink : checked.message;
}

/**
 * "Báo cáo tin tốt" (the desk, the menu, #baocao): a verified cadre reports the link of the
 * branch's good-news post of the day, checked like a proof link. A second report the same day
 * replaces the link and says so. A branch that reported gets no evening reminder that day.
 */
export class BranchReportDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.branchReport);
    this.addDialog(new TextPrompt(LINK_PROMPT, this.validateLink.bind(this)));
    this.addDialog(new WaterfallDialog(STEPS, [this.askLink.bind(this), this.record.bind(this)]));
    this.initialDialogId = STEPS;
  }

  override async beginDialog(outerDc: DialogContext, options?: object): Promise<DialogTurnResult> {
    if (!(await currentCadre(outerDc.context, this.deps.db))) return refuseWithMenu(outerDc, CADRE_TEXT.reportNotCadre);
    return super.beginDialog(outerDc, options);
  }

  private async validateLink(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (pickedThisTurn(prompt, LATER_CHOICES)) return true;
    const problem = linkProblem(prompt.context);
    if (problem === undefined) return true;
    prompt.options.retryPrompt = textWithChoices(problem, LATER_CHOICES);
    return false;
  }

  private async askLink(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const cadre = await currentCadre(step.context, this.deps.db);
    if (!cadre) return step.endDialog(); // no longer a cadre: the desk says so and shows the menu
    const db = turnDb(this.deps.db);
    const today = await todaysBranchReport(db, cadre.branchId, this.deps.now(), this.deps.timeZone);
    const branchName = (await findUnitName(db, cadre.branchId)) ?? '';
    return step.prompt(LINK_PROMPT, { prompt: textWithChoices(askReportLink(branchName, formatVietnameseDay(today.day), today.url), LATER_CHOICES) });
  }

  private async record(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (pickedThisTurn(step, LATER_CHOICES)) {
      await step.context.sendActivity(CADRE_TEXT.reportLaterDone);
      return step.endDialog();
    }
    const cadre = await currentCadre(step.context, this.deps.db);
    if (!cadre) return step.endDialog();
    const db = turnDb(this.deps.db);
    const outcome = await reportGoodNewsPost(db, cadre, linkSent(step.context) ?? String(step.context.activity.text ?? '').trim(), this.deps.now(), this.deps.timeZone);
    await step.context.sendActivity(this.told(outcome, (await findUnitName(db, cadre.branchId)) ?? ''));
    return step.endDialog();
  }

  private told(outcome: BranchReportOutcome, branchName: string): string {
    switch (outcome.kind) {
      case 'recorded':
        return reportRecorded(branchName, formatVietnameseDay(outcome.day), outcome.url);
      case 'replaced':
        return reportReplaced(branchName, formatVietnameseDay(outcome.day), outcome.url, outcome.previousUrl);
      case 'unchanged':
        return reportUnchanged(formatVietnameseDay(outcome.day));
      case 'invalidLink':
        // The prompt's validator let only checked links through; kept for the type's sake.
        return outcome.reason === 'notAPost' ? CADRE_TEXT.reportNotAPost : outcome.message;
    }
  }
}
