import { choice } from './choice-kit';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnDb } from '../bot/turn-scope';
import { joinWave } from '../domain/waves/participation.service';
import { listOpenWaves } from '../domain/waves/waves.repository';
import { currentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { WAVES_TEXT } from './messages.vi';
import { VxChoicePrompt } from './prompts';
import { linkButtons, toOnboarding, waveCardOf, waveChoices, waveIdOfChoice } from './wave-dialog-parts';

const STEPS = 'joinWave.steps';
const WAVE_PROMPT = 'joinWave.wave';
const NEXT_PROMPT = 'joinWave.next';
/** Messenger shows 13 quick replies at most. */
export const MAX_WAVE_CHOICES = 10;
const PROOF = 'join:proof';
const LATER = 'join:later';

export interface JoinWaveOptions {
  readonly waveId?: string;
}

interface StepValues {
  waveId?: string;
}

/**
 * "Tham gia đợt": a member picks an open wave (no question when only one is open) and joins it.
 * Joining twice changes nothing and says so. Then: what to do, and "Gửi minh chứng".
 */
export class JoinWaveDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.joinWave);
    this.addDialog(new VxChoicePrompt(WAVE_PROMPT));
    this.addDialog(new VxChoicePrompt(NEXT_PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [this.pickStep.bind(this), this.joinStep.bind(this), this.nextStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async pickStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const member = await currentMember(step.context, this.deps.db);
    if (!member) return toOnboarding(step, WAVES_TEXT.needsMember);
    const waves = await listOpenWaves(turnDb(this.deps.db), this.deps.now(), MAX_WAVE_CHOICES);
    const wanted = (step.options as JoinWaveOptions | undefined)?.waveId;
    if (wanted && waves.some((w) => w.id === wanted)) return step.next(wanted);
    if (waves.length === 0) {
      await step.context.sendActivity(WAVES_TEXT.noOpenWaveToJoin);
      return step.endDialog();
    }
    if (waves.length === 1) return step.next(waves[0]!.id);
    return step.prompt(WAVE_PROMPT, { prompt: WAVES_TEXT.pickWaveToJoin, retryPrompt: WAVES_TEXT.pickWaveRetry, choices: waveChoices(waves) });
  }

  private async joinStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const waveId = typeof step.result === 'string' ? step.result : waveIdOfChoice((step.result as FoundChoice).value);
    const member = await currentMember(step.context, this.deps.db);
    if (!member || !waveId) return step.endDialog();
    const outcome = await joinWave(turnDb(this.deps.db), { memberId: member.id, waveId, now: this.deps.now() });
    if (outcome.kind === 'notOpen') {
      await step.context.sendActivity(WAVES_TEXT.waveClosed);
      return step.endDialog();
    }
    const wave = outcome.wave;
    const said = outcome.kind === 'joined' ? WAVES_TEXT.joined(wave.title) : WAVES_TEXT.alreadyJoined(wave.title);
    await step.context.sendActivity(`${said}\n\n${WAVES_TEXT.whatToDo(waveCardOf(wave, this.deps.timeZone))}`);
    if (wave.assetUrl) await step.context.sendActivity(linkButtons(WAVES_TEXT.assetsIntro, [{ title: WAVES_TEXT.assetButton(1), url: wave.assetUrl }]));
    (step.values as StepValues).waveId = wave.id;
    return step.prompt(NEXT_PROMPT, {
      prompt: WAVES_TEXT.afterJoinPrompt,
      retryPrompt: WAVES_TEXT.pickWaveRetry,
      choices: [
        choice(PROOF, WAVES_TEXT.proofChoice, ['minh chung', 'mc']),
        choice(LATER, WAVES_TEXT.laterChoice, ['khong', 'thoi']),
      ],
    });
  }

  private async nextStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice).value === PROOF) return step.replaceDialog(DIALOG.submitProof, { waveId: (step.values as StepValues).waveId as string });
    await step.context.sendActivity(WAVES_TEXT.later);
    return step.endDialog();
  }
}
