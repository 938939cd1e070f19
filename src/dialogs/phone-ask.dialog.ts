import { ActivityTypes, type Activity } from 'botbuilder-core';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { SHARED_INFO_EVENT, type OutboundChannelData } from '../bot/activity-mapping';
import { normalizeVietnamMobile } from '../domain/members/phone';
import { ONBOARDING } from './messages.vi';

export const PHONE_ASK_DIALOG = 'registration.phone';

/**
 * Asks for a Vietnamese mobile number and ends with it in E.164. The question carries the
 * platform's own way to share it (channelData.requestPhone: Zalo's request_user_info card,
 * Messenger's user_phone_number quick reply); the answer comes back as a shared-info event
 * (Zalo) or a message whose value or text is the number (a Messenger quick reply, or typed on
 * either). A wrong number is explained and asked again, with the card again.
 */
export class PhoneAskDialog extends Dialog {
  constructor() {
    super(PHONE_ASK_DIALOG);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.context.sendActivity(askPhone(ONBOARDING.askPhone));
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const answer = phoneAnswer(dc.context.activity);
    if (answer === undefined) return Dialog.EndOfTurn;
    const phone = normalizeVietnamMobile(answer);
    if (phone.ok) return dc.endDialog(phone.phone);
    await dc.context.sendActivity(askPhone(`${ONBOARDING.phoneProblem[phone.problem]} ${ONBOARDING.phoneRetry}`));
    return Dialog.EndOfTurn;
  }
}

function askPhone(text: string): Partial<Activity> {
  return { type: ActivityTypes.Message, text, channelData: { requestPhone: ONBOARDING.phoneCard } satisfies OutboundChannelData };
}

/** What the member gave as their phone, or undefined for an activity that is no answer. */
function phoneAnswer(activity: Activity): string | undefined {
  if (activity.type === ActivityTypes.Event && activity.name === SHARED_INFO_EVENT) return String((activity.value as { phone?: unknown } | undefined)?.phone ?? '');
  if (activity.type !== ActivityTypes.Message) return undefined;
  return String(activity.value ?? activity.text ?? '');
}
