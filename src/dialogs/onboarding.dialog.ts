import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import { consentState, REGISTRATION_NOTICE_VERSION } from '../domain/consents/consent.service';
import { recordConsent } from '../domain/consents/consents.repository';
import { noteRegistrationConsent, registrationConsentOf } from '../bot/turn-facts';
import { choiceOf } from './choice-words';
import { currentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { handOff } from './hand-off';
import { ONBOARDING } from './messages.vi';
import { VxChoicePrompt } from './prompts';

/**
 * Where the dialog was started from. `greeting`: first contact, follow, Get Started; `menu`: the
 * member asked to register. None: another dialog needed a registered member and found none.
 */
export interface OnboardingOptions {
  readonly from?: 'greeting' | 'menu';
}

const STEPS = 'onboarding.steps';
const CONSENT_PROMPT = 'onboarding.consent';

/**
 * Consent, then registration, then the menu. The notice (Decree 13/2023/NĐ-CP) is shown before
 * anything personal is asked, and the answer is recorded with the notice's version; someone who
 * already agreed to this version goes straight to registration, someone registered to the menu.
 * Declining stores nothing personal: the person keeps the public parts of the menu, where
 * "Đăng ký" brings them back here.
 */
export class OnboardingDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.onboarding);
    this.addDialog(new VxChoicePrompt(CONSENT_PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [this.consentStep.bind(this), this.answerStep.bind(this), this.doneStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async consentStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as OnboardingOptions;
    if (await currentMember(step.context, this.deps.db)) {
      if (options.from === 'menu') await step.context.sendActivity(ONBOARDING.alreadyRegistered);
      return handOff(step, DIALOG.mainMenu);
    }
    if (options.from === undefined) await step.context.sendActivity(ONBOARDING.needsRegistration);
    const latest = await registrationConsentOf(step.context, turnDb(this.deps.db), turnPerson(step.context).identityId);
    if (consentState(latest) === 'granted') return step.next({ value: ONBOARDING.consentYes.value, index: 0, score: 1, alreadyGiven: true });
    return step.prompt(CONSENT_PROMPT, {
      prompt: ONBOARDING.consentNotice,
      retryPrompt: ONBOARDING.consentRetry,
      choices: [choiceOf(ONBOARDING.consentYes), choiceOf(ONBOARDING.consentNo)],
    });
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const answer = step.result as FoundChoice & { alreadyGiven?: boolean };
    const granted = answer.value === ONBOARDING.consentYes.value;
    if (!answer.alreadyGiven) {
      const person = turnPerson(step.context);
      await recordConsent(turnDb(this.deps.db), { identityId: person.identityId, memberId: null, purpose: 'registration', granted, noticeVersion: REGISTRATION_NOTICE_VERSION });
      noteRegistrationConsent(step.context, { granted, noticeVersion: REGISTRATION_NOTICE_VERSION, recordedAt: new Date() });
      await step.context.sendActivity(granted ? ONBOARDING.consentAccepted : ONBOARDING.consentDeclined);
    }
    if (!granted) return handOff(step, DIALOG.mainMenu);
    return step.beginDialog(DIALOG.registration);
  }

  private async doneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return handOff(step, DIALOG.mainMenu);
  }
}
