import { choice } from './choice-kit';
import { MessageFactory } from 'botbuilder-core';
import { ComponentDialog, TextPrompt, WaterfallDialog, type Choice, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { hasWords, recognizeChoice } from '../bot/recognizer';
import { turnDb } from '../bot/turn-scope';
import { BranchDirectory, decideBranch } from '../domain/units/branch-search';
import { branchShortName } from '../domain/units/branch-short-name';
import { listUnits } from '../domain/units/units.repository';
import { choiceOf } from './choice-words';
import type { DialogDeps } from './dialog-deps';
import { ONBOARDING } from './messages.vi';

export const BRANCH_PICK_DIALOG = 'registration.branch';

/** What the member's branch turned out to be: one of the directory, or a note for staff. */
export type PickedBranch = { readonly kind: 'branch'; readonly branchId: string; readonly name: string } | { readonly kind: 'unmatched'; readonly note: string };

interface BranchPickOptions {
  /** Search this at once (what the member typed instead of picking a candidate). */
  readonly query?: string;
  readonly again?: boolean;
}

/** The branch search reads at most this much (BranchDirectory ignores longer queries). */
const MAX_QUERY_CHARS = 150;
const MAX_CANDIDATES = 5;
const BRANCH_TEXT = 'registration.branch.text';
const PICK_TEXT = 'registration.branch.pick';
const NOTE_TEXT = 'registration.branch.note';
const STEPS = 'registration.branch.steps';
const BRANCH_VALUE = 'branch:';

/** What the search step leaves for the pick step (in the waterfall's state). */
interface Offer {
  choices?: Choice[];
  /** Candidate names by unit id. */
  names?: Record<string, string>;
}

const offer = (step: WaterfallStepContext) => step.values as Offer;

/**
 * "Bạn sinh hoạt ở đơn vị nào?": the branch typed freely and found by BranchDirectory (any case,
 * no diacritics, any word order, small typos). One sure match is taken; otherwise up to five
 * candidates are offered with "Không thấy đơn vị" and "Gõ lại tên khác"; typing something else
 * instead of picking searches that. "Không thấy đơn vị" asks what the branch is called, for staff.
 */
export class BranchPickDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(BRANCH_PICK_DIALOG);
    this.addDialog(new TextPrompt(BRANCH_TEXT, wordsRequired(ONBOARDING.branchEmpty)));
    this.addDialog(new TextPrompt(PICK_TEXT));
    this.addDialog(new TextPrompt(NOTE_TEXT, wordsRequired(ONBOARDING.unmatchedBranchEmpty)));
    this.addDialog(new WaterfallDialog(STEPS, [this.askStep.bind(this), this.searchStep.bind(this), this.pickStep.bind(this), this.noteStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as BranchPickOptions;
    if (options.query !== undefined && hasWords(options.query)) return step.next(options.query);
    return step.prompt(BRANCH_TEXT, { prompt: options.again ? ONBOARDING.askBranchAgain : ONBOARDING.askBranch });
  }

  private async searchStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const query = [...String(step.result)].slice(0, MAX_QUERY_CHARS).join('');
    const directory = BranchDirectory.fromUnits(await listUnits(turnDb(this.deps.db)));
    const decision = decideBranch(directory.search(query, MAX_CANDIDATES));
    if (decision.kind === 'pick') return step.endDialog({ kind: 'branch', branchId: decision.candidate.unit.id, name: decision.candidate.unit.name } satisfies PickedBranch);
    const candidates: Choice[] =
      decision.kind === 'choose'
        ? decision.candidates.map((c) => choice(`${BRANCH_VALUE}${c.unit.id}`, branchShortName(c.unit.name), [c.unit.name]))
        : [];
    const choices = [...candidates, choiceOf(ONBOARDING.branchNotListed), choiceOf(ONBOARDING.branchRetype)];
    offer(step).choices = choices;
    offer(step).names = Object.fromEntries(decision.kind === 'choose' ? decision.candidates.map((c) => [c.unit.id, c.unit.name]) : []);
    const text = decision.kind === 'choose' ? ONBOARDING.branchCandidates : ONBOARDING.branchNone;
    const prompt = MessageFactory.suggestedActions(choices.map((c) => c.action!), text);
    return step.prompt(PICK_TEXT, { prompt });
  }

  private async pickStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // A quick-reply tap carries the value; its text is a title Messenger may have cut.
    const said = String(step.context.activity.value ?? step.result ?? '');
    const found = recognizeChoice(said, offer(step).choices ?? []);
    if (!found) return step.replaceDialog(STEPS, { query: said } satisfies BranchPickOptions);
    if (found.value === ONBOARDING.branchRetype.value) return step.replaceDialog(STEPS, { again: true } satisfies BranchPickOptions);
    if (found.value === ONBOARDING.branchNotListed.value) return step.prompt(NOTE_TEXT, { prompt: ONBOARDING.askUnmatchedBranch });
    const branchId = found.value.slice(BRANCH_VALUE.length);
    const names = offer(step).names ?? {};
    return step.endDialog({ kind: 'branch', branchId, name: names[branchId] ?? '' } satisfies PickedBranch);
  }

  private async noteStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog({ kind: 'unmatched', note: String(step.result) } satisfies PickedBranch);
  }
}

/** A text prompt's validator: the answer must hold letters or digits; otherwise `problem` is said and the question stays. */
function wordsRequired(problem: string) {
  return async (prompt: PromptValidatorContext<string>): Promise<boolean> => {
    if (prompt.recognized.succeeded && hasWords(prompt.recognized.value ?? '')) return true;
    await prompt.context.sendActivity(problem);
    return false;
  };
}
