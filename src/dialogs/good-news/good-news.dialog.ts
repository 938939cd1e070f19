import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogContext, type DialogTurnResult, type FoundChoice, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder-core';
import { turnDb } from '../../bot/turn-scope';
import { checkDescription, readGoodNews, submitGoodNews, type GoodNewsPiece, type GoodNewsSubmission } from '../../domain/content/good-news.service';
import type { MemberRecord } from '../../domain/members/members.repository';
import { choice, refuseWithMenu } from '../choice-kit';
import { currentMember } from '../current-member';
import type { DialogDeps } from '../dialog-deps';
import { DIALOG } from '../dialog-ids';
import { CADRE_TEXT, goodNewsSummary, goodNewsTooLong } from '../messages.vi';
import { VxChoicePrompt } from '../prompts';

/** What the waterfall keeps between steps of one pass. */
const vals = (step: WaterfallStepContext): Record<string, unknown> => step.values as Record<string, unknown>;

const STEPS = 'goodNews.steps';
const PIECE_PROMPT = 'goodNews.piece';
const DESCRIPTION_PROMPT = 'goodNews.description';
const CONFIRM_PROMPT = 'goodNews.confirm';
const PICK = { send: 'goodnews:send', discard: 'goodnews:discard' } as const;

/** Any registered member may send good news (a pending registration too: staff review it anyway). */
function mayShare(member: MemberRecord | null): member is MemberRecord {
  return member !== null && (member.status === 'pending' || member.status === 'verified');
}

/** Links the member shared as attachments (Zalo user_send_link, Messenger's fallback attachment). */
function sharedLinks(context: TurnContext): string[] {
  return (context.activity.attachments ?? []).filter((a) => a.contentType === 'text/uri-list' && typeof a.contentUrl === 'string').map((a) => a.contentUrl as string);
}

function readPiece(context: TurnContext): GoodNewsPiece {
  return readGoodNews(String(context.activity.text ?? ''), sharedLinks(context));
}

/**
 * Good news (item 7): a link or a short story, then one line saying what it is about; confirmed,
 * then stored for staff review (content_items, kind goodNews, approval pending).
 */
export class GoodNewsDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.goodNews);
    this.addDialog(new TextPrompt(PIECE_PROMPT, this.validatePiece.bind(this)));
    this.addDialog(new TextPrompt(DESCRIPTION_PROMPT, this.validateDescription.bind(this)));
    this.addDialog(new VxChoicePrompt(CONFIRM_PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [this.askPiece.bind(this), this.askDescription.bind(this), this.confirm.bind(this), this.save.bind(this)]));
    this.initialDialogId = STEPS;
  }

  override async beginDialog(outerDc: DialogContext, options?: object): Promise<DialogTurnResult> {
    if (!mayShare(await currentMember(outerDc.context, this.deps.db))) return refuseWithMenu(outerDc, CADRE_TEXT.notRegistered);
    return super.beginDialog(outerDc, options);
  }

  private async validatePiece(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const piece = readPiece(prompt.context);
    if (piece.ok) return true;
    const said = String(prompt.context.activity.text ?? '').trim();
    const problems = { empty: CADRE_TEXT.goodNewsEmpty, tooShort: CADRE_TEXT.goodNewsTooShort, tooLong: goodNewsTooLong(said.length), badLink: CADRE_TEXT.goodNewsBadLink };
    prompt.options.retryPrompt = problems[piece.problem];
    return false;
  }

  private async validateDescription(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const checked = checkDescription(prompt.recognized.value ?? '');
    if (checked.ok) return true;
    prompt.options.retryPrompt = checked.problem === 'tooShort' ? CADRE_TEXT.goodNewsDescriptionTooShort : CADRE_TEXT.goodNewsDescriptionTooLong;
    return false;
  }

  private async askPiece(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(PIECE_PROMPT, { prompt: CADRE_TEXT.askGoodNews });
  }

  private async askDescription(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const piece = readPiece(step.context);
    if (!piece.ok) return step.replaceDialog(STEPS);
    vals(step).piece = piece.kind === 'link' ? { kind: 'link', link: piece.link } : { kind: 'story', story: piece.story };
    return step.prompt(DESCRIPTION_PROMPT, { prompt: CADRE_TEXT.askGoodNewsDescription });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const checked = checkDescription(step.result as string);
    const piece = vals(step).piece as { kind: 'link'; link: string } | { kind: 'story'; story: string };
    const submission: GoodNewsSubmission = { ...piece, description: checked.ok ? checked.description : '' };
    vals(step).submission = submission;
    return step.prompt(CONFIRM_PROMPT, {
      prompt: goodNewsSummary(submission.kind === 'link' ? { description: submission.description, link: submission.link } : { description: submission.description, story: submission.story }),
      retryPrompt: CADRE_TEXT.goodNewsConfirmRetry,
      choices: [choice(PICK.send, CADRE_TEXT.sendGoodNews, ['dong y', 'ok', 'co', 'gui di']), choice(PICK.discard, CADRE_TEXT.dontSendGoodNews, ['khong', 'bo'])],
    });
  }

  private async save(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice).value !== PICK.send) {
      await step.context.sendActivity(CADRE_TEXT.goodNewsNotSent);
      return step.endDialog();
    }
    const member = await currentMember(step.context, this.deps.db);
    if (!mayShare(member)) return refuseWithMenu(step, CADRE_TEXT.notRegistered);
    await submitGoodNews(turnDb(this.deps.db), member.id, vals(step).submission as GoodNewsSubmission);
    await step.context.sendActivity(CADRE_TEXT.goodNewsThanks);
    return step.endDialog();
  }
}
