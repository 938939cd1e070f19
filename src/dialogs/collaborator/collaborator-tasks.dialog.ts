import { ComponentDialog, TextPrompt, WaterfallDialog, type Choice, type DialogContext, type DialogTurnResult, type FoundChoice, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnDb } from '../../bot/turn-scope';
import type { MemberRecord } from '../../domain/members/members.repository';
import { checkTaskLink, completeTask, countTasksToDo, listTasksToDo, type Collaborator } from '../../domain/tasks/collaborator-tasks.service';
import { choice, linkButtons, pickedThisTurn, refuseWithMenu, saidThisTurn, textWithChoices } from '../choice-kit';
import { currentMember } from '../current-member';
import type { DialogDeps } from '../dialog-deps';
import { DIALOG } from '../dialog-ids';
import { localClockOf } from '../local-clock';
import { CADRE_TEXT, TASKS_PICK_PROMPT, actionsText, clockText, openTaskPost, taskDoneChoice, taskLines, taskRecorded, tasksIntro } from '../messages.vi';
import { VxChoicePrompt } from '../prompts';

/** What the waterfall keeps between steps of one pass. */
const vals = (step: WaterfallStepContext): Record<string, unknown> => step.values as Record<string, unknown>;

const STEPS = 'collaboratorTasks.steps';
const PICK_PROMPT = 'collaboratorTasks.pick';
const LINK_PROMPT = 'collaboratorTasks.link';
const LATER = 'tasks:later';
const NO_LINK = 'tasks:nolink';
/** Tasks shown at once: a phone screen's worth, soonest deadline first. */
const TASKS_SHOWN = 5;

function collaboratorOf(member: MemberRecord | null): Collaborator | undefined {
  if (!member || member.status !== 'verified' || !member.isCollaborator) return undefined;
  return { memberId: member.id, branchId: member.branchId };
}

const linkChoices = (): Choice[] => [choice(NO_LINK, CADRE_TEXT.noLink, ['khong co', 'khong', 'bo qua'])];

/**
 * Collaborators' tasks (item 6): the open tasks meant for them (everyone's, their branch's or a
 * unit above it) with the post to open, what to do and the deadline; marking one done, with an
 * optional link to their share or comment, once; then what is left.
 */
export class CollaboratorTasksDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.collaboratorTasks);
    this.addDialog(new VxChoicePrompt(PICK_PROMPT));
    this.addDialog(new TextPrompt(LINK_PROMPT, this.validateLink.bind(this)));
    this.addDialog(new WaterfallDialog(STEPS, [this.list.bind(this), this.askLink.bind(this), this.record.bind(this)]));
    this.initialDialogId = STEPS;
  }

  override async beginDialog(outerDc: DialogContext, options?: object): Promise<DialogTurnResult> {
    if (!collaboratorOf(await currentMember(outerDc.context, this.deps.db))) return refuseWithMenu(outerDc, CADRE_TEXT.notCollaborator);
    return super.beginDialog(outerDc, options);
  }

  private async collaborator(step: WaterfallStepContext): Promise<Collaborator | undefined> {
    return collaboratorOf(await currentMember(step.context, this.deps.db));
  }

  private async list(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const who = await this.collaborator(step);
    if (!who) return refuseWithMenu(step, CADRE_TEXT.notCollaborator);
    const db = turnDb(this.deps.db);
    const now = this.deps.now();
    const tasks = await listTasksToDo(db, who.memberId, who.branchId, now, TASKS_SHOWN);
    if (tasks.length === 0) {
      await step.context.sendActivity(CADRE_TEXT.noTasks);
      return step.endDialog();
    }
    const count = await countTasksToDo(db, who.memberId, who.branchId, now);
    vals(step).tasks = tasks.map((t) => ({ id: t.id, title: t.title }));
    const lines = tasks.map((t, i) =>
      taskLines(i + 1, { title: t.title, actions: actionsText(t.actions), deadline: clockText(localClockOf(t.deadline, this.deps.timeZone)), description: t.description }),
    );
    const choices = [...tasks.map((t, i) => choice(`task:${t.id}`, taskDoneChoice(i + 1), [`xong ${i + 1}`, `da lam ${i + 1}`])), choice(LATER, CADRE_TEXT.later, ['sau', 'chua'])];
    return step.prompt(PICK_PROMPT, {
      prompt: textWithChoices(`${tasksIntro(count)}\n\n${lines.join('\n\n')}\n\n${TASKS_PICK_PROMPT}`, [], [linkButtons(tasks.map((t, i) => ({ title: openTaskPost(i + 1), url: t.postUrl })))]),
      retryPrompt: CADRE_TEXT.tasksRetry,
      choices,
    });
  }

  private async askLink(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const picked = (step.result as FoundChoice).value;
    if (picked === LATER) {
      await step.context.sendActivity(CADRE_TEXT.tasksLater);
      return step.endDialog();
    }
    vals(step).taskId = picked.slice('task:'.length);
    return step.prompt(LINK_PROMPT, { prompt: textWithChoices(CADRE_TEXT.askTaskLink, linkChoices()), retryPrompt: textWithChoices(CADRE_TEXT.badTaskLink, linkChoices()) });
  }

  private async validateLink(prompt: PromptValidatorContext<string>): Promise<boolean> {
    return pickedThisTurn(prompt, linkChoices()) === NO_LINK || checkTaskLink(saidThisTurn(prompt)).ok;
  }

  private async record(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const who = await this.collaborator(step);
    if (!who) return refuseWithMenu(step, CADRE_TEXT.notCollaborator);
    const checked = pickedThisTurn(step, linkChoices()) === NO_LINK ? undefined : checkTaskLink(saidThisTurn(step));
    const link = checked?.ok ? checked.link : null;
    const taskId = vals(step).taskId as string;
    const title = (vals(step).tasks as { id: string; title: string }[]).find((t) => t.id === taskId)?.title ?? '';
    const outcome = await completeTask(turnDb(this.deps.db), who, taskId, link, this.deps.now());
    const said = outcome.kind === 'recorded' ? taskRecorded(title) : outcome.kind === 'alreadyDone' ? CADRE_TEXT.taskAlreadyDone : CADRE_TEXT.taskClosed;
    await step.context.sendActivity(said);
    if (outcome.remaining > 0) return step.replaceDialog(STEPS);
    await step.context.sendActivity(CADRE_TEXT.allTasksDone);
    return step.endDialog();
  }
}
