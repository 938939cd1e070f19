import { channelsOfMember } from '../domain/linking/linking.repository';
import type { TurnContext } from 'botbuilder-core';
import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnPerson, updateTurnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import { createLinkCode, isLinkCode, LINK_CODE_MINUTES, redeemLinkCode, type RedeemOutcome } from '../domain/linking/linking.service';
import { matchKey } from '../domain/shared/text';
import { currentMember, forgetCurrentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { LINKING } from './messages.vi';

const STEPS = 'linkChannel.steps';

export interface LinkChannelOptions {
  /** Ask for a code even from a registered member (a retry). */
  readonly askCode?: boolean;
  readonly quiet?: boolean;
}
const CODE = 'linkChannel.code';

/** "mã 123456", "ma lien ket 123456" or "123456" typed where a code is expected. */
export function codeIn(text: string, bare: boolean): string | undefined {
  const key = matchKey(text);
  const m = (bare ? /^(?:ma(?: lien ket)? )?(\d{6})$/ : /^ma(?: lien ket)? (\d{6})$/).exec(key.replace(/(\d) (?=\d)/g, '$1'));
  return m?.[1];
}

/** Redeems a code for this turn's identity and says how it went; true when the member may try again. */
async function redeem(context: TurnContext, deps: DialogDeps, code: string): Promise<boolean> {
  const { identityId } = turnPerson(context);
  const outcome: RedeemOutcome = await redeemLinkCode(turnDb(deps.db), identityId, code, deps.now());
  switch (outcome.kind) {
    case 'linked':
      updateTurnPerson(context, { memberId: outcome.memberId });
      forgetCurrentMember(context);
      await context.sendActivity(LINKING.linked);
      return false;
    case 'alreadyThisMember':
      await context.sendActivity(LINKING.alreadyThisMember);
      return false;
    case 'linkedToAnother':
      await context.sendActivity(LINKING.linkedToAnother);
      return false;
    case 'tooManyAttempts':
      await context.sendActivity(LINKING.tooMany(outcome.retryInMinutes));
      return false;
    case 'wrong':
      await context.sendActivity(LINKING.wrong(outcome.attemptsLeft));
      return true;
  }
}

/**
 * "liên kết": a registered member gets a 6-digit code valid 10 minutes; on the other channel the
 * person says "liên kết" and types it (or types "mã 123456" anywhere, see linkCodeInterceptor).
 */
export class LinkChannelDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.linkChannel);
    this.addDialog(new TextPrompt(CODE));
    this.addDialog(new WaterfallDialog(STEPS, [this.startStep.bind(this), this.codeStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async startStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const member = await currentMember(step.context, this.deps.db);
    const options = step.options as LinkChannelOptions | undefined;
    if (member && member.status !== 'erased' && !options?.askCode) {
      // Both channels already speak for this member: a code would have nowhere to go.
      if ((await channelsOfMember(turnDb(this.deps.db), member.id)).length >= 2) {
        await step.context.sendActivity(LINKING.alreadyBoth);
        return step.endDialog();
      }
      const { code } = await createLinkCode(turnDb(this.deps.db), member.id, this.deps.now());
      await step.context.sendActivity(LINKING.yourCode(code, LINK_CODE_MINUTES));
      return step.endDialog();
    }
    // After a wrong code the answer already asked again: wait for the next one silently.
    if (options?.quiet) return step.prompt(CODE, {});
    return step.prompt(CODE, { prompt: options?.askCode ? LINKING.askCode : LINKING.notRegistered });
  }

  private async codeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const code = codeIn(String(step.result ?? ''), true);
    if (!code || !isLinkCode(code)) {
      await step.context.sendActivity(LINKING.notACode);
      return step.replaceDialog(DIALOG.linkChannel, { askCode: true, quiet: true } satisfies LinkChannelOptions);
    }
    const again = await redeem(step.context, this.deps, code);
    return again ? step.replaceDialog(DIALOG.linkChannel, { askCode: true, quiet: true } satisfies LinkChannelOptions) : step.endDialog();
  }
}

/**
 * "mã 123456" typed at any point redeems the code, whatever dialog runs; so does a bare 6-digit
 * number from someone not registered on this channel (no question of ours has such an answer).
 */
export function linkCodeInterceptor(deps: DialogDeps): (context: TurnContext) => Promise<boolean> {
  return async (context) => {
    const code = codeIn(String(context.activity.text ?? ''), turnPerson(context).memberId === null);
    if (!code) return false;
    await redeem(context, deps, code);
    return true;
  };
}
