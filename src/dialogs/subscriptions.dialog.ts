import { choice } from './choice-kit';
import { ComponentDialog, WaterfallDialog, type Choice, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import type { SubscriptionTopic } from '../db/types';
import { hasSubscriptionConsent, recordSubscriptionConsent, setSubscription, stopAllSubscriptions, subscriptionStates, TOPICS } from '../domain/subscriptions/subscriptions.service';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { SUBSCRIPTIONS, SUBSCRIPTIONS_NOTICE_VERSION, subscriptionLine } from './messages.vi';
import { VxChoicePrompt } from './prompts';

const STEPS = 'subscriptions.steps';
const PICK = 'subscriptions.pick';
const CONSENT = 'subscriptions.consent';
const DONE = 'sub:done';
const STOP_ALL = 'sub:stopAll';
const AGREE = 'consent:yes';
const DECLINE = 'consent:no';

export interface SubscriptionsOptions {
  /** "dừng nhận tin": stop every topic at once and confirm. */
  readonly stopAll?: boolean;
}

function topicValue(topic: SubscriptionTopic): string {
  return `sub:${topic}`;
}

function topicOf(value: string): SubscriptionTopic | undefined {
  return TOPICS.find((t) => topicValue(t) === value);
}

/**
 * "Nhận tin định kỳ": each topic with its state, toggled by picking it; the first opt-in asks for
 * consent once, in plain words. Subscriptions belong to the channel the member reads them on.
 */
export class SubscriptionsDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.subscriptions);
    this.addDialog(new VxChoicePrompt(PICK));
    this.addDialog(new VxChoicePrompt(CONSENT));
    this.addDialog(new WaterfallDialog(STEPS, [this.showStep.bind(this), this.pickStep.bind(this), this.consentStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private who(step: WaterfallStepContext): { identityId: string; memberId: string | null } {
    const { identityId, memberId } = turnPerson(step.context);
    return { identityId, memberId };
  }

  private async showStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const db = turnDb(this.deps.db);
    const { identityId } = this.who(step);
    if ((step.options as SubscriptionsOptions | undefined)?.stopAll) {
      const stopped = await stopAllSubscriptions(db, identityId);
      await step.context.sendActivity(stopped > 0 ? SUBSCRIPTIONS.stoppedAll : SUBSCRIPTIONS.nothingToStop);
      return step.endDialog();
    }
    const states = await subscriptionStates(db, identityId);
    const lines = TOPICS.map((t) => subscriptionLine(SUBSCRIPTIONS.topicTitle[t], states[t]));
    const choices: Choice[] = [
      ...TOPICS.map((t) => choice(topicValue(t), SUBSCRIPTIONS.topicChoice[t], [SUBSCRIPTIONS.topicTitle[t]])),
      choice(STOP_ALL, SUBSCRIPTIONS.stopAllChoice),
      choice(DONE, SUBSCRIPTIONS.done),
    ];
    const text = [SUBSCRIPTIONS.intro, ...lines, SUBSCRIPTIONS.perChannelNote, SUBSCRIPTIONS.pickHint].join('\n');
    return step.prompt(PICK, { prompt: text, retryPrompt: SUBSCRIPTIONS.retry, choices });
  }

  private async pickStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const db = turnDb(this.deps.db);
    const who = this.who(step);
    const picked = (step.result as FoundChoice).value;
    if (picked === DONE) {
      await step.context.sendActivity(SUBSCRIPTIONS.finished);
      return step.endDialog();
    }
    if (picked === STOP_ALL) return step.replaceDialog(DIALOG.subscriptions, { stopAll: true } satisfies SubscriptionsOptions);
    const topic = topicOf(picked);
    if (!topic) return step.endDialog();
    const states = await subscriptionStates(db, who.identityId);
    if (states[topic]) {
      await setSubscription(db, who, topic, false);
      await step.context.sendActivity(SUBSCRIPTIONS.turnedOff(SUBSCRIPTIONS.topicTitle[topic]));
      return step.replaceDialog(DIALOG.subscriptions);
    }
    if (await hasSubscriptionConsent(db, who.identityId, who.memberId)) return this.turnOn(step, topic);
    (step.values as { topic?: SubscriptionTopic }).topic = topic;
    return step.prompt(CONSENT, {
      prompt: SUBSCRIPTIONS.consent,
      retryPrompt: SUBSCRIPTIONS.consentRetry,
      choices: [
        choice(AGREE, SUBSCRIPTIONS.agree, ['dong y', 'co', 'duoc']),
        choice(DECLINE, SUBSCRIPTIONS.decline, ['khong', 'khong dong y']),
      ],
    });
  }

  private async consentStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const topic = (step.values as { topic?: SubscriptionTopic }).topic;
    if (!topic) return step.endDialog();
    const granted = (step.result as FoundChoice).value === AGREE;
    await recordSubscriptionConsent(turnDb(this.deps.db), this.who(step), granted, SUBSCRIPTIONS_NOTICE_VERSION, this.deps.now());
    if (!granted) {
      await step.context.sendActivity(SUBSCRIPTIONS.declined);
      return step.endDialog();
    }
    return this.turnOn(step, topic);
  }

  private async turnOn(step: WaterfallStepContext, topic: SubscriptionTopic): Promise<DialogTurnResult> {
    await setSubscription(turnDb(this.deps.db), this.who(step), topic, true);
    await step.context.sendActivity(SUBSCRIPTIONS.turnedOn(SUBSCRIPTIONS.topicTitle[topic]));
    return step.replaceDialog(DIALOG.subscriptions);
  }
}
