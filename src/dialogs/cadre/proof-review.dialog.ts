import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { turnDb } from '../../bot/turn-scope';
import type { DecidedProof } from '../../domain/proofs/proof-review.repository';
import { checkRejectReason, countProofsToReview, nextProofToReview, reviewProof, type ProofToReview, type ReviewOutcome } from '../../domain/proofs/proof-review.service';
import { choice, imageAttachment, linkButtons, pickedThisTurn, saidThisTurn, textWithChoices } from '../choice-kit';
import type { DialogDeps } from '../dialog-deps';
import { localClockOf } from '../local-clock';
import { noticeToMember, proofTopic } from '../member-notice';
import { CADRE_TEXT, REJECT_REASONS, clockText, proofApprovedNotice, proofCard, proofRejectedNotice, rejectedDone, reviewSummary, type NoticedProof } from '../messages.vi';
import { VxChoicePrompt } from '../prompts';
import { currentCadre } from './cadre-access';

/** What the waterfall keeps between steps of one pass. */
const vals = (step: WaterfallStepContext): Record<string, unknown> => step.values as Record<string, unknown>;

export const PROOF_REVIEW_DIALOG = 'cadre.proofReview';
const STEPS = 'proofReview.steps';
const DECISION_PROMPT = 'proofReview.decision';
const REASON_PROMPT = 'proofReview.reason';

const PICK = { approve: 'review:approve', reject: 'review:reject', skip: 'review:skip', stop: 'review:stop' } as const;
const OTHER_REASON = 'reason:other';
// Skips are remembered for this sitting only; a long one forgets the oldest.
const MAX_SKIPPED = 200;

/** Carried from one proof to the next (the waterfall starts again for each proof). */
interface ReviewSitting {
  readonly skipped: string[];
  readonly approved: number;
  readonly rejected: number;
}

const decisionChoices = (): Choice[] => [
  choice(PICK.approve, CADRE_TEXT.approve, ['dong y', 'ok', 'duyet', 'dat']),
  choice(PICK.reject, CADRE_TEXT.reject, ['tu choi', 'khong dat', 'khong']),
  choice(PICK.skip, CADRE_TEXT.skip, ['de sau', 'tiep']),
  choice(PICK.stop, CADRE_TEXT.stop, ['thoi', 'xong', 'ket thuc']),
];

const noticed = (decided: DecidedProof): NoticedProof => ({ kind: decided.proofKind, platform: decided.platform, canonicalUrl: decided.canonicalUrl });

const reasonChoices = (): Choice[] => [...REJECT_REASONS.map((r) => choice(r.value, r.title)), choice(OTHER_REASON, CADRE_TEXT.otherReason)];

/**
 * A cadre reviews the branch's pending proofs one at a time, oldest first: the member's name, the
 * wave, the link (a button) or the image, a warning when another member sent the same; then
 * approve, reject with a reason (picked or typed), skip or stop. The member is told the outcome
 * through the outbox. Two cadres on the same proof: the first decision stands, the second is told.
 */
export class ProofReviewDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(PROOF_REVIEW_DIALOG);
    this.addDialog(new VxChoicePrompt(DECISION_PROMPT));
    this.addDialog(new TextPrompt(REASON_PROMPT, this.validateReason.bind(this)));
    this.addDialog(new WaterfallDialog(STEPS, [this.showNext.bind(this), this.decide.bind(this), this.rejectWithReason.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private sitting(step: WaterfallStepContext): ReviewSitting {
    const given = (step.options ?? {}) as Partial<ReviewSitting>;
    return { skipped: given.skipped ?? [], approved: given.approved ?? 0, rejected: given.rejected ?? 0 };
  }

  private async showNext(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const reviewer = await currentCadre(step.context, this.deps.db);
    if (!reviewer) return step.endDialog(); // no longer a cadre: the desk says so and shows the menu
    const sitting = this.sitting(step);
    const db = turnDb(this.deps.db);
    const proof = await nextProofToReview(db, reviewer, sitting.skipped);
    if (!proof) {
      const reviewedAny = sitting.approved + sitting.rejected + sitting.skipped.length > 0;
      await step.context.sendActivity(reviewedAny ? `${CADRE_TEXT.noProofsLeft}\n${reviewSummary(sitting.approved, sitting.rejected, sitting.skipped.length)}` : CADRE_TEXT.noProofsLeft);
      return step.endDialog();
    }
    vals(step).proofId = proof.id;
    const waiting = await countProofsToReview(db, reviewer);
    return step.prompt(DECISION_PROMPT, {
      prompt: this.card(proof, waiting),
      retryPrompt: CADRE_TEXT.reviewRetry,
      choices: decisionChoices(),
    });
  }

  private card(proof: ProofToReview, waiting: number) {
    const text = proofCard({
      memberName: proof.memberName,
      waveTitle: proof.waveTitle,
      submittedAt: clockText(localClockOf(proof.submittedAt, this.deps.timeZone)),
      caption: proof.caption,
      duplicate: proof.duplicatesAnotherMember ? proof.kind : null,
      waiting,
    });
    const url = proof.canonicalUrl ?? proof.originalUrl;
    const attachment = proof.kind === 'image' && proof.imageSha256 ? imageAttachment(this.deps.mediaUrl(proof.imageSha256)) : url ? linkButtons([{ title: CADRE_TEXT.openLink, url }]) : undefined;
    return textWithChoices(text, [], attachment ? [attachment] : []);
  }

  private async decide(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const sitting = this.sitting(step);
    const proofId = vals(step).proofId as string;
    switch ((step.result as FoundChoice).value) {
      case PICK.approve:
        return this.record(step, proofId, { kind: 'approve' });
      case PICK.reject:
        return step.prompt(REASON_PROMPT, {
          prompt: textWithChoices(CADRE_TEXT.reasonPrompt, reasonChoices()),
          retryPrompt: textWithChoices(CADRE_TEXT.reasonPrompt, reasonChoices()),
        });
      case PICK.skip:
        return step.replaceDialog(STEPS, { ...sitting, skipped: [...sitting.skipped, proofId].slice(-MAX_SKIPPED) });
      default:
        await step.context.sendActivity(reviewSummary(sitting.approved, sitting.rejected, sitting.skipped.length));
        return step.endDialog();
    }
  }

  /** A picked reason, or a typed one (3–300 characters); "Lý do khác" asks for it to be typed. */
  private async validateReason(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const picked = pickedThisTurn(prompt, reasonChoices());
    if (picked === OTHER_REASON) {
      prompt.options.retryPrompt = CADRE_TEXT.typeReason;
      return false;
    }
    if (picked) return true;
    const typed = checkRejectReason(saidThisTurn(prompt));
    if (typed.ok) return true;
    prompt.options.retryPrompt = typed.problem === 'tooShort' ? textWithChoices(CADRE_TEXT.reasonTooShort, reasonChoices()) : CADRE_TEXT.reasonTooLong;
    return false;
  }

  private async rejectWithReason(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const picked = pickedThisTurn(step, reasonChoices());
    const reason = REJECT_REASONS.find((r) => r.value === picked)?.reason ?? saidThisTurn(step);
    return this.record(step, vals(step).proofId as string, { kind: 'reject', reason });
  }

  private async record(step: WaterfallStepContext, proofId: string, decision: Parameters<typeof reviewProof>[3]): Promise<DialogTurnResult> {
    const reviewer = await currentCadre(step.context, this.deps.db);
    if (!reviewer) return step.endDialog(); // no longer a cadre: the desk says so and shows the menu
    const sitting = this.sitting(step);
    const outcome = await reviewProof(turnDb(this.deps.db), reviewer, proofId, decision, this.deps.now());
    await this.tell(step, outcome);
    return step.replaceDialog(STEPS, {
      ...sitting,
      approved: sitting.approved + (outcome.kind === 'approved' ? 1 : 0),
      rejected: sitting.rejected + (outcome.kind === 'rejected' ? 1 : 0),
    });
  }

  /** Tells the cadre what happened and, when the decision stood, the member. */
  private async tell(step: WaterfallStepContext, outcome: ReviewOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'approved':
        await noticeToMember(this.deps.db, outcome.memberId, {
          purpose: 'reviewResult',
          topic: proofTopic(outcome.proofId),
          idempotencyKey: `review:${outcome.proofId}`,
          message: { text: proofApprovedNotice(outcome.waveTitle, noticed(outcome)) },
        });
        await step.context.sendActivity(CADRE_TEXT.approvedDone);
        return;
      case 'rejected':
        await noticeToMember(this.deps.db, outcome.memberId, {
          purpose: 'reviewResult',
          topic: proofTopic(outcome.proofId),
          idempotencyKey: `review:${outcome.proofId}`,
          message: { text: proofRejectedNotice(outcome.waveTitle, noticed(outcome), outcome.reason) },
        });
        await step.context.sendActivity(rejectedDone(outcome.reason));
        return;
      case 'alreadyReviewed':
        await step.context.sendActivity(CADRE_TEXT.alreadyReviewed);
        return;
      case 'notFound':
        await step.context.sendActivity(CADRE_TEXT.proofGone);
    }
  }
}
