import { ComponentDialog, WaterfallDialog, type Choice, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnDb } from '../../bot/turn-scope';
import { countPendingRegistrations, decideRegistration, maskPhone, nextPendingRegistration, type RegistrationOutcome } from '../../domain/members/member-verification.service';
import { choice } from '../choice-kit';
import type { DialogDeps } from '../dialog-deps';
import { localClockOf } from '../local-clock';
import { noticeToMember, registrationNoticeKey, registrationTopic } from '../member-notice';
import {
  CADRE_TEXT,
  REGISTRATION_DECLINED_NOTICE,
  REGISTRATION_VERIFIED_NOTICE,
  clockText,
  registrationCard,
  registrationDeclinedDone,
  registrationSummary,
  registrationVerifiedDone,
} from '../messages.vi';
import { VxChoicePrompt } from '../prompts';
import { currentCadre } from './cadre-access';

/** What the waterfall keeps between steps of one pass. */
const vals = (step: WaterfallStepContext): Record<string, unknown> => step.values as Record<string, unknown>;

export const REGISTRATION_REVIEW_DIALOG = 'cadre.registrationReview';
const STEPS = 'registrationReview.steps';
const DECISION_PROMPT = 'registrationReview.decision';

const PICK = { verify: 'registration:verify', decline: 'registration:decline', skip: 'registration:skip', stop: 'registration:stop' } as const;
const MAX_SKIPPED = 200;

interface Sitting {
  readonly skipped: string[];
  readonly verified: number;
  readonly declined: number;
}

const decisionChoices = (): Choice[] => [
  choice(PICK.verify, CADRE_TEXT.confirmRegistration, ['dong y', 'ok', 'dung', 'xac nhan']),
  choice(PICK.decline, CADRE_TEXT.declineRegistration, ['khong', 'khong dung', 'tu choi']),
  choice(PICK.skip, CADRE_TEXT.skip, ['de sau', 'tiep']),
  choice(PICK.stop, CADRE_TEXT.stop, ['thoi', 'xong', 'ket thuc']),
];

/**
 * A cadre confirms the branch's pending registrations (those the roster did not verify) one at a
 * time: name, role and a masked phone. Confirmed: the member is verified and told. Declined: the
 * member stays pending for staff, leaves the branch's queue, and is asked to contact the branch.
 */
export class RegistrationReviewDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(REGISTRATION_REVIEW_DIALOG);
    this.addDialog(new VxChoicePrompt(DECISION_PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [this.showNext.bind(this), this.decide.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private sitting(step: WaterfallStepContext): Sitting {
    const given = (step.options ?? {}) as Partial<Sitting>;
    return { skipped: given.skipped ?? [], verified: given.verified ?? 0, declined: given.declined ?? 0 };
  }

  private async showNext(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const cadre = await currentCadre(step.context, this.deps.db);
    if (!cadre) return step.endDialog(); // no longer a cadre: the desk says so and shows the menu
    const sitting = this.sitting(step);
    const db = turnDb(this.deps.db);
    const next = await nextPendingRegistration(db, cadre.branchId, sitting.skipped);
    if (!next) {
      const decidedAny = sitting.verified + sitting.declined + sitting.skipped.length > 0;
      const summary = registrationSummary(sitting.verified, sitting.declined, sitting.skipped.length);
      await step.context.sendActivity(decidedAny ? `${CADRE_TEXT.noRegistrationsLeft}\n${summary}` : CADRE_TEXT.noRegistrationsLeft);
      return step.endDialog();
    }
    vals(step).memberId = next.memberId;
    vals(step).name = next.fullName;
    return step.prompt(DECISION_PROMPT, {
      prompt: registrationCard({
        fullName: next.fullName,
        role: next.role,
        maskedPhone: maskPhone(next.phone),
        registeredAt: clockText(localClockOf(next.registeredAt, this.deps.timeZone)),
        waiting: await countPendingRegistrations(db, cadre.branchId),
      }),
      retryPrompt: CADRE_TEXT.registrationRetry,
      choices: decisionChoices(),
    });
  }

  private async decide(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const sitting = this.sitting(step);
    const memberId = vals(step).memberId as string;
    const picked = (step.result as FoundChoice).value;
    if (picked === PICK.skip) return step.replaceDialog(STEPS, { ...sitting, skipped: [...sitting.skipped, memberId].slice(-MAX_SKIPPED) });
    if (picked === PICK.stop) {
      await step.context.sendActivity(registrationSummary(sitting.verified, sitting.declined, sitting.skipped.length));
      return step.endDialog();
    }
    const cadre = await currentCadre(step.context, this.deps.db);
    if (!cadre) return step.endDialog(); // no longer a cadre: the desk says so and shows the menu
    const outcome = await decideRegistration(turnDb(this.deps.db), cadre, memberId, picked === PICK.verify ? 'verify' : 'decline', this.deps.now());
    await this.tell(step, outcome, memberId, vals(step).name as string);
    return step.replaceDialog(STEPS, {
      ...sitting,
      verified: sitting.verified + (outcome === 'verified' ? 1 : 0),
      declined: sitting.declined + (outcome === 'declined' ? 1 : 0),
    });
  }

  private async tell(step: WaterfallStepContext, outcome: RegistrationOutcome, memberId: string, name: string): Promise<void> {
    switch (outcome) {
      case 'verified':
        await noticeToMember(this.deps.db, memberId, {
          purpose: 'reviewResult',
          topic: registrationTopic(memberId),
          idempotencyKey: registrationNoticeKey(memberId, 'verified'),
          message: { text: REGISTRATION_VERIFIED_NOTICE },
        });
        await step.context.sendActivity(registrationVerifiedDone(name));
        return;
      case 'declined':
        await noticeToMember(this.deps.db, memberId, {
          purpose: 'reviewResult',
          topic: registrationTopic(memberId),
          idempotencyKey: registrationNoticeKey(memberId, 'declined'),
          message: { text: REGISTRATION_DECLINED_NOTICE },
        });
        await step.context.sendActivity(registrationDeclinedDone(name));
        return;
      case 'alreadyDecided':
        await step.context.sendActivity(CADRE_TEXT.registrationAlreadyDecided);
    }
  }
}
