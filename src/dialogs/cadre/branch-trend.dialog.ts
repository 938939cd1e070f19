import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type FoundChoice, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnDb } from '../../bot/turn-scope';
import { localDayOf, type LocalDay } from '../../domain/shared/time';
import {
  checkEndDay,
  checkStartDay,
  checkTrendDescription,
  checkTrendTitle,
  normalizeHashtag,
  registerBranchTrend,
  type BranchTrendDraft,
  type DayCheck,
} from '../../domain/waves/branch-trend.service';
import { choice } from '../choice-kit';
import type { DialogDeps } from '../dialog-deps';
import { CADRE_TEXT, dayInThePast, dayText, endBeforeStart, trendSaved, trendSummary, waveDates } from '../messages.vi';
import { VxChoicePrompt } from '../prompts';
import { currentCadre } from './cadre-access';

/** What the waterfall keeps between steps of one pass. */
const vals = (step: WaterfallStepContext): Record<string, unknown> => step.values as Record<string, unknown>;

export const BRANCH_TREND_DIALOG = 'cadre.branchTrend';
const STEPS = 'branchTrend.steps';
const TITLE_PROMPT = 'branchTrend.title';
const START_PROMPT = 'branchTrend.start';
const END_PROMPT = 'branchTrend.end';
const DESCRIPTION_PROMPT = 'branchTrend.description';
const HASHTAG_PROMPT = 'branchTrend.hashtag';
const CONFIRM_PROMPT = 'branchTrend.confirm';

const PICK = { save: 'trend:save', discard: 'trend:discard' } as const;

/** Why a typed day was refused, in words the cadre can act on. */
function dayProblem(check: Extract<DayCheck, { ok: false }>, reference: LocalDay): string {
  switch (check.problem) {
    case 'notADay':
      return CADRE_TEXT.dayNotRead;
    case 'notACalendarDay':
      return CADRE_TEXT.dayNotOnCalendar;
    case 'inThePast':
      return dayInThePast(dayText(reference));
    case 'beforeStart':
      return endBeforeStart(dayText(reference));
    case 'tooLong':
      return CADRE_TEXT.trendTooLong;
  }
}

/**
 * A cadre registers the branch's own trend: title, first and last day (d/m or d/m/yyyy, not in
 * the past, the end on or after the start), what to do, a hashtag. Confirmed before it is saved
 * as a draft wave the branch owns, which district staff see and open.
 */
export class BranchTrendDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(BRANCH_TREND_DIALOG);
    this.addDialog(new TextPrompt(TITLE_PROMPT, (p) => this.validateText(p, checkTrendTitle, CADRE_TEXT.trendTitleTooShort, CADRE_TEXT.trendTitleTooLong)));
    this.addDialog(new TextPrompt(START_PROMPT, this.validateStart.bind(this)));
    this.addDialog(new TextPrompt(END_PROMPT, this.validateEnd.bind(this)));
    this.addDialog(
      new TextPrompt(DESCRIPTION_PROMPT, (p) => this.validateText(p, checkTrendDescription, CADRE_TEXT.trendDescriptionTooShort, CADRE_TEXT.trendDescriptionTooLong)),
    );
    this.addDialog(new TextPrompt(HASHTAG_PROMPT, this.validateHashtag.bind(this)));
    this.addDialog(new VxChoicePrompt(CONFIRM_PROMPT));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.askTitle.bind(this),
        this.askStart.bind(this),
        this.askEnd.bind(this),
        this.askDescription.bind(this),
        this.askHashtag.bind(this),
        this.confirm.bind(this),
        this.save.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private today(): LocalDay {
    return localDayOf(this.deps.now(), this.deps.timeZone);
  }

  private async validateText(
    prompt: PromptValidatorContext<string>,
    check: (text: string) => { ok: true } | { ok: false; problem: 'tooShort' | 'tooLong' },
    tooShort: string,
    tooLong: string,
  ): Promise<boolean> {
    const result = check(prompt.recognized.value ?? '');
    if (result.ok) return true;
    prompt.options.retryPrompt = result.problem === 'tooShort' ? tooShort : tooLong;
    return false;
  }

  private async validateStart(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const today = this.today();
    const result = checkStartDay(prompt.recognized.value ?? '', today);
    if (result.ok) return true;
    prompt.options.retryPrompt = dayProblem(result, today);
    return false;
  }

  private async validateEnd(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const start = prompt.options.validations as LocalDay;
    const result = checkEndDay(prompt.recognized.value ?? '', start);
    if (result.ok) return true;
    prompt.options.retryPrompt = dayProblem(result, start);
    return false;
  }

  private async validateHashtag(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const result = normalizeHashtag(prompt.recognized.value ?? '');
    if (result.ok) return true;
    prompt.options.retryPrompt = result.problem === 'empty' ? CADRE_TEXT.hashtagEmpty : CADRE_TEXT.hashtagTooLong;
    return false;
  }

  private async askTitle(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (!(await currentCadre(step.context, this.deps.db))) return step.endDialog(); // no longer a cadre: the desk says so and shows the menu
    await step.context.sendActivity(CADRE_TEXT.trendIntro);
    return step.prompt(TITLE_PROMPT, { prompt: CADRE_TEXT.askTrendTitle });
  }

  private async askStart(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const title = checkTrendTitle(step.result as string);
    vals(step).title = title.ok ? title.value : '';
    return step.prompt(START_PROMPT, { prompt: CADRE_TEXT.askTrendStart });
  }

  private async askEnd(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const start = checkStartDay(step.result as string, this.today());
    if (!start.ok) return step.replaceDialog(STEPS);
    vals(step).first = start.day;
    return step.prompt(END_PROMPT, { prompt: CADRE_TEXT.askTrendEnd, validations: start.day });
  }

  private async askDescription(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const end = checkEndDay(step.result as string, vals(step).first as LocalDay);
    if (!end.ok) return step.replaceDialog(STEPS);
    vals(step).last = end.day;
    return step.prompt(DESCRIPTION_PROMPT, { prompt: CADRE_TEXT.askTrendDescription });
  }

  private async askHashtag(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const description = checkTrendDescription(step.result as string);
    vals(step).description = description.ok ? description.value : '';
    return step.prompt(HASHTAG_PROMPT, { prompt: CADRE_TEXT.askHashtag });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const hashtag = normalizeHashtag(step.result as string);
    vals(step).hashtag = hashtag.ok ? hashtag.hashtag : '';
    const draft = this.draft(step);
    return step.prompt(CONFIRM_PROMPT, {
      prompt: trendSummary({ title: draft.title, dates: waveDates(draft.first, draft.last), description: draft.description, hashtag: draft.hashtag }),
      retryPrompt: CADRE_TEXT.confirmRetry,
      choices: [choice(PICK.save, CADRE_TEXT.saveTrend, ['dong y', 'ok', 'luu lai', 'co']), choice(PICK.discard, CADRE_TEXT.dontSaveTrend, ['khong', 'bo'])],
    });
  }

  private async save(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice).value !== PICK.save) {
      await step.context.sendActivity(CADRE_TEXT.trendNotSaved);
      return step.endDialog();
    }
    const cadre = await currentCadre(step.context, this.deps.db);
    if (!cadre) return step.endDialog(); // no longer a cadre: the desk says so and shows the menu
    const draft = this.draft(step);
    const saved = await registerBranchTrend(turnDb(this.deps.db), cadre, draft, this.deps.timeZone, this.deps.now());
    await step.context.sendActivity(
      trendSaved({ title: draft.title, dates: waveDates(draft.first, draft.last), hashtag: draft.hashtag, count: saved.trendsThisYear, year: draft.first.year }),
    );
    return step.endDialog();
  }

  private draft(step: WaterfallStepContext): BranchTrendDraft {
    const v = step.values as unknown as { title: string; description: string; hashtag: string; first: LocalDay; last: LocalDay };
    return { title: v.title, description: v.description, hashtag: v.hashtag, first: v.first, last: v.last };
  }
}
