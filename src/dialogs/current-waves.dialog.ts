import { choice } from './choice-kit';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { turnDb } from '../bot/turn-scope';
import { isWaveOpenAt, listCurrentAndUpcomingWaves } from '../domain/waves/waves.repository';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { WAVES_TEXT, waveCard } from './messages.vi';
import { VxChoicePrompt } from './prompts';
import { linkButtons, waveCardOf } from './wave-dialog-parts';

const STEPS = 'currentWaves.steps';
const NEXT_PROMPT = 'currentWaves.next';
/** Upcoming waves are listed when they start within this many days. */
const UPCOMING_DAYS = 30;
const MAX_WAVES_LISTED = 6;
/** Messenger's button template holds three buttons. */
const MAX_ASSET_BUTTONS = 3;
const JOIN = 'waves:join';
const MENU = 'waves:menu';

/**
 * "Đợt đang diễn ra": the open waves (with local dates, what to do, hashtags and the frame or asset
 * link as a button), then those starting soon. Anyone may read it, registered or not.
 */
export class CurrentWavesDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.currentWaves);
    this.addDialog(new VxChoicePrompt(NEXT_PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [this.listStep.bind(this), this.nextStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async listStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const now = this.deps.now();
    const waves = await listCurrentAndUpcomingWaves(turnDb(this.deps.db), now, UPCOMING_DAYS, MAX_WAVES_LISTED);
    const open = waves.filter((w) => isWaveOpenAt(w, now));
    const upcoming = waves.filter((w) => !isWaveOpenAt(w, now));
    if (waves.length === 0) {
      await step.context.sendActivity(WAVES_TEXT.noneAtAll);
      return step.endDialog();
    }
    const tz = this.deps.timeZone;
    const parts: string[] = [];
    parts.push(open.length > 0 ? `${WAVES_TEXT.openIntro}\n\n${open.map((w, i) => waveCard(i + 1, waveCardOf(w, tz))).join('\n\n')}` : WAVES_TEXT.noneOpen);
    if (upcoming.length > 0) parts.push(`${WAVES_TEXT.upcomingIntro}\n\n${upcoming.map((w, i) => waveCard(open.length + i + 1, waveCardOf(w, tz))).join('\n\n')}`);
    await step.context.sendActivity(parts.join('\n\n'));
    const assets = [...open, ...upcoming]
      .map((w, i) => ({ index: i + 1, url: w.assetUrl }))
      .filter((a): a is { index: number; url: string } => a.url !== null)
      .slice(0, MAX_ASSET_BUTTONS);
    if (assets.length > 0) {
      await step.context.sendActivity(linkButtons(WAVES_TEXT.assetsIntro, assets.map((a) => ({ title: WAVES_TEXT.assetButton(a.index), url: a.url }))));
    }
    if (open.length === 0) return step.endDialog();
    return step.prompt(NEXT_PROMPT, {
      prompt: WAVES_TEXT.nextPrompt,
      retryPrompt: WAVES_TEXT.pickWaveRetry,
      choices: [
        choice(JOIN, WAVES_TEXT.joinChoice, ['tham gia', 'tg']),
        choice(MENU, WAVES_TEXT.menuChoice, [WAVES_TEXT.laterChoice]),
      ],
    });
  }

  private async nextStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const picked = (step.result as FoundChoice).value;
    if (picked === JOIN) return step.replaceDialog(DIALOG.joinWave);
    return step.replaceDialog(DIALOG.mainMenu);
  }
}
