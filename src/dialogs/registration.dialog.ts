import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type FoundChoice, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnPerson, updateTurnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import type { MemberRole } from '../db/types';
import { normalizeFullName, registerFromChat, type RegistrationOutcome } from '../domain/members/registration.service';
import { BranchPickDialog, BRANCH_PICK_DIALOG, type PickedBranch } from './branch-pick.dialog';
import { choiceOf } from './choice-words';
import { forgetCurrentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { ONBOARDING } from './messages.vi';
import { PhoneAskDialog, PHONE_ASK_DIALOG } from './phone-ask.dialog';
import { VxChoicePrompt } from './prompts';

const STEPS = 'registration.steps';
const NAME_PROMPT = 'registration.name';
const ROLE_PROMPT = 'registration.role';
const ROLES: readonly MemberRole[] = ['cadre', 'member', 'youth'];

/** What the steps keep between turns (in the waterfall's state). */
interface Answers {
  fullName?: string;
  branch?: PickedBranch;
  role?: MemberRole;
}

const answers = (step: WaterfallStepContext) => step.values as Answers;

/**
 * Registration after consent: full name, branch, role, phone; then the registration rules
 * (domain/members/registration.service.ts) decide: verified by the roster, pending for a cadre,
 * or pending with a note for staff. Ends with the outcome's kind.
 */
export class RegistrationDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.registration);
    this.addDialog(new TextPrompt(NAME_PROMPT, validName));
    this.addDialog(new BranchPickDialog(deps));
    this.addDialog(new VxChoicePrompt(ROLE_PROMPT));
    this.addDialog(new PhoneAskDialog());
    this.addDialog(new WaterfallDialog(STEPS, [this.nameStep.bind(this), this.branchStep.bind(this), this.roleStep.bind(this), this.phoneStep.bind(this), this.finishStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async nameStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(NAME_PROMPT, { prompt: ONBOARDING.askName });
  }

  private async branchStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const name = normalizeFullName(String(step.result));
    if (!name.ok) throw new Error('registration: the name prompt let an invalid name through');
    answers(step).fullName = name.fullName;
    return step.beginDialog(BRANCH_PICK_DIALOG);
  }

  private async roleStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const branch = step.result as PickedBranch;
    answers(step).branch = branch;
    const branchLine = branch.kind === 'branch' ? ONBOARDING.branchChosen(branch.name) : ONBOARDING.branchForStaff;
    return step.prompt(ROLE_PROMPT, {
      prompt: ONBOARDING.askRole(branchLine),
      retryPrompt: ONBOARDING.roleRetry,
      choices: ROLES.map((role) => choiceOf(ONBOARDING.roles[role])),
    });
  }

  private async phoneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const picked = (step.result as FoundChoice).value;
    answers(step).role = ROLES.find((role) => ONBOARDING.roles[role].value === picked);
    return step.beginDialog(PHONE_ASK_DIALOG);
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { fullName, branch, role } = answers(step);
    if (fullName === undefined || branch === undefined || role === undefined) throw new Error('registration: an answer is missing from the dialog state');
    const outcome = await registerFromChat(turnDb(this.deps.db), {
      identityId: turnPerson(step.context).identityId,
      fullName,
      role,
      phone: step.result as string,
      branch: branch.kind === 'branch' ? { kind: 'branch', branchId: branch.branchId } : { kind: 'unmatched', note: branch.note },
    });
    if (outcome.kind !== 'registeredElsewhere') {
      updateTurnPerson(step.context, { memberId: outcome.memberId });
      forgetCurrentMember(step.context);
    }
    await step.context.sendActivity(outcomeText(outcome, fullName));
    return step.endDialog(outcome.kind);
  }
}

function outcomeText(outcome: RegistrationOutcome, fullName: string): string {
  switch (outcome.kind) {
    case 'verifiedByRoster': {
      const verified = ONBOARDING.verifiedByRoster(fullName, outcome.branchName ?? '');
      return outcome.rosterRole ? `${verified}\n\n${ONBOARDING.rosterRoleDiffers(ONBOARDING.roles[outcome.rosterRole].title)}` : verified;
    }
    case 'pending':
      return outcome.branchName ? ONBOARDING.pending(fullName, outcome.branchName) : ONBOARDING.pendingWithoutBranch(fullName);
    case 'phoneTaken':
      return ONBOARDING.phoneTaken(fullName);
    case 'alreadyRegistered':
      return ONBOARDING.alreadyRegistered;
    case 'registeredElsewhere':
      return ONBOARDING.registeredElsewhere;
  }
}

async function validName(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const name = normalizeFullName(prompt.recognized.succeeded ? (prompt.recognized.value ?? '') : '');
  if (name.ok) return true;
  await prompt.context.sendActivity(ONBOARDING.nameProblem[name.problem]);
  return false;
}
