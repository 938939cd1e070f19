import { choice } from './choice-kit';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import { readMemberData, type MemberDataView } from '../domain/members/member-data.repository';
import { maskOwnPhone } from '../domain/members/phone-mask';
import { localDayOf } from '../domain/shared/time';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { eraseTurnPerson } from './erasure-request';
import { DATA_RIGHTS, SUBSCRIPTIONS } from './messages.vi';
import { VxChoicePrompt } from './prompts';

const STEPS = 'dataRights.steps';
const CONFIRM = 'dataRights.confirm';
const ERASE = 'erase:yes';
const KEEP = 'erase:no';

export interface DataRightsOptions {
  readonly mode: 'show' | 'erase';
}

/** "dữ liệu của tôi" shows what is kept; "xóa dữ liệu của tôi" says exactly what goes, asks once, and erases. */
export class DataRightsDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.dataRights);
    this.addDialog(new VxChoicePrompt(CONFIRM));
    this.addDialog(new WaterfallDialog(STEPS, [this.firstStep.bind(this), this.confirmedStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async firstStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const mode = (step.options as DataRightsOptions | undefined)?.mode ?? 'show';
    if (mode === 'show') {
      await step.context.sendActivity(await this.describe(step));
      return step.endDialog();
    }
    return step.prompt(CONFIRM, {
      prompt: DATA_RIGHTS.eraseExplain,
      retryPrompt: DATA_RIGHTS.eraseRetry,
      choices: [
        choice(ERASE, DATA_RIGHTS.eraseYes, ['xoa', 'co', 'dong y']),
        choice(KEEP, DATA_RIGHTS.eraseNo, ['khong', 'thoi']),
      ],
    });
  }

  private async confirmedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice).value !== ERASE) {
      await step.context.sendActivity(DATA_RIGHTS.eraseCancelled);
      return step.endDialog();
    }
    await eraseTurnPerson(step.context, this.deps, 'chat');
    await step.context.sendActivity(DATA_RIGHTS.erased);
    return step.endDialog();
  }

  private async describe(step: WaterfallStepContext): Promise<string> {
    const { identityId, memberId } = turnPerson(step.context);
    const data = memberId ? await readMemberData(turnDb(this.deps.db), memberId, identityId) : undefined;
    if (!data || data.status === 'erased') return DATA_RIGHTS.nothingKept;
    return this.lines(data).join('\n');
  }

  private lines(data: MemberDataView): string[] {
    const day = (at: Date) => {
      const d = localDayOf(at, this.deps.timeZone);
      return `${d.day}/${d.month}/${d.year}`;
    };
    const lines: string[] = [DATA_RIGHTS.header];
    if (data.fullName) lines.push(DATA_RIGHTS.name(data.fullName));
    if (data.phone) lines.push(DATA_RIGHTS.phone(maskOwnPhone(data.phone)));
    if (data.branchName) lines.push(DATA_RIGHTS.branch(data.branchName));
    else if (data.unmatchedBranchNote) lines.push(DATA_RIGHTS.branchNote(data.unmatchedBranchNote));
    else lines.push(DATA_RIGHTS.noBranch);
    lines.push(DATA_RIGHTS.role(DATA_RIGHTS.roleNames[data.role]), DATA_RIGHTS.status(DATA_RIGHTS.statusNames[data.status]));
    if (data.consents.length === 0) lines.push(DATA_RIGHTS.noConsents);
    else lines.push(DATA_RIGHTS.consentsHeader, ...data.consents.map((c) => DATA_RIGHTS.consentLine(DATA_RIGHTS.consentPurposes[c.purpose], c.granted, day(c.at))));
    lines.push(
      DATA_RIGHTS.waves(data.wavesJoined),
      DATA_RIGHTS.proofs(data.proofs),
      DATA_RIGHTS.subscriptions(data.subscriptions.map((t) => SUBSCRIPTIONS.topicChoice[t])),
      DATA_RIGHTS.channels(data.channels.map((c) => DATA_RIGHTS.channelNames[c])),
      DATA_RIGHTS.footer,
    );
    return lines;
  }
}
