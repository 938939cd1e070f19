import { choice } from './choice-kit';
import type { TurnContext } from 'botbuilder-core';
import { ComponentDialog, Dialog, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { InboundChannelData } from '../bot/activity-mapping';
import { recognizeChoice } from '../bot/recognizer';
import { turnPerson } from '../bot/turn-person';
import { afterTurnCommit, turnDb } from '../bot/turn-scope';
import { canonicalizeProofLink, extractLinks } from '../domain/proofs/proof-link';
import { submitImageProof, submitLinkProof, type LinkProofOutcome } from '../domain/proofs/proof.service';
import { findWave, isWaveOpenAt, listOpenWaves } from '../domain/waves/waves.repository';
import { currentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { handOff } from './hand-off';
import { MAX_WAVE_CHOICES } from './join-wave.dialog';
import { PLATFORM_NAME, PROOF_TEXT, WAVES_TEXT, platformList } from './messages.vi';
import { VxChoicePrompt } from './prompts';
import { toOnboarding, waveChoices, waveIdOfChoice } from './wave-dialog-parts';

const STEPS = 'submitProof.steps';
const WAVE_PROMPT = 'submitProof.wave';
const HASHTAG_PROMPT = 'submitProof.hashtag';
const DONE = 'proof:done';
const YES = 'proof:hashtag:yes';
const NO = 'proof:hashtag:no';
const DONE_CHOICES = [choice(DONE, WAVES_TEXT.doneChoice, ['xong roi', 'het', 'thoi', 'done'])];

export interface SubmitProofOptions {
  readonly waveId?: string;
  /** Waiting again after a proof or a refusal: do not repeat the request. */
  readonly quiet?: boolean;
}

/** A proof found in one message. */
type ProofItem = { readonly kind: 'link'; readonly url: string } | { readonly kind: 'image'; readonly url: string };

/** Images and links the member sent: attachments first (Zalo user_send_link, Messenger fallback), then links in the text. */
function proofItemsOf(context: TurnContext): ProofItem[] {
  const event = (context.activity.channelData as InboundChannelData | undefined)?.event;
  const attachments = event?.kind === 'message' ? event.attachments : [];
  const items: ProofItem[] = [];
  for (const a of attachments) {
    if (a.type === 'image' && a.url) items.push({ kind: 'image', url: a.url });
    if (a.type === 'link' && a.url) items.push({ kind: 'link', url: a.url });
  }
  const text = event?.kind === 'message' ? (event.text ?? '') : String(context.activity.text ?? '');
  for (const url of extractLinks(text)) if (!items.some((i) => i.url === url)) items.push({ kind: 'link', url });
  return items;
}

interface StepValues {
  waveId?: string;
  quiet?: boolean;
  pendingLink?: string;
}

/**
 * "Gửi minh chứng": for an open wave (joined on the way if need be), the member sends links or
 * screenshots, as many as they like, until "Xong". Each is checked by the proof service (rules and
 * the rate limit there); an image is recorded as awaiting and downloaded after the turn commits.
 */
export class SubmitProofDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.submitProof);
    this.addDialog(new VxChoicePrompt(WAVE_PROMPT));
    this.addDialog(new VxChoicePrompt(HASHTAG_PROMPT));
    this.addDialog(
      new WaterfallDialog(STEPS, [this.pickWaveStep.bind(this), this.askStep.bind(this), this.receiveStep.bind(this), this.hashtagStep.bind(this)]),
    );
    this.initialDialogId = STEPS;
  }

  private async pickWaveStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const member = await currentMember(step.context, this.deps.db);
    if (!member) return toOnboarding(step, WAVES_TEXT.needsMember);
    const options = (step.options ?? {}) as SubmitProofOptions;
    (step.values as StepValues).quiet = options.quiet === true;
    if (options.waveId) return step.next(options.waveId);
    const waves = await listOpenWaves(turnDb(this.deps.db), this.deps.now(), MAX_WAVE_CHOICES);
    if (waves.length === 0) {
      await step.context.sendActivity(WAVES_TEXT.noOpenWaveForProof);
      return step.endDialog();
    }
    if (waves.length === 1) return step.next(waves[0]!.id);
    return step.prompt(WAVE_PROMPT, { prompt: WAVES_TEXT.pickWaveForProof, retryPrompt: WAVES_TEXT.pickWaveRetry, choices: waveChoices(waves) });
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const waveId = typeof step.result === 'string' ? step.result : waveIdOfChoice((step.result as FoundChoice).value);
    const wave = waveId ? await findWave(turnDb(this.deps.db), waveId) : undefined;
    if (!wave || !isWaveOpenAt(wave, this.deps.now())) {
      await step.context.sendActivity(WAVES_TEXT.waveClosed);
      return step.endDialog();
    }
    (step.values as StepValues).waveId = wave.id;
    if (!(step.values as StepValues).quiet) await step.context.sendActivity(PROOF_TEXT.ask(wave.title));
    return Dialog.EndOfTurn;
  }

  private async receiveStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const waveId = (step.values as StepValues).waveId as string;
    const said = String(step.context.activity.value ?? step.context.activity.text ?? '');
    if (recognizeChoice(said, DONE_CHOICES)) {
      await step.context.sendActivity(PROOF_TEXT.done);
      // The menu follows: on Zalo nothing else would say what to type next.
      return handOff(step, DIALOG.mainMenu);
    }
    const items = proofItemsOf(step.context);
    if (items.length === 0) {
      const single = said.trim();
      const refusal = single !== '' && !/\s/.test(single) ? canonicalizeProofLink(single) : undefined;
      await step.context.sendActivity(refusal && !refusal.ok && refusal.reason !== 'notAUrl' ? refusal.message : PROOF_TEXT.nothingFound);
      return this.waitAgain(step, waveId);
    }
    const member = await currentMember(step.context, this.deps.db);
    if (!member) return step.endDialog();
    const { identityId } = turnPerson(step.context);
    const base = { memberId: member.id, waveId, identityId, now: this.deps.now() };
    const replies: string[] = [];
    let recorded = false;
    let closed = false;
    for (const item of items) {
      if (item.kind === 'image') {
        const outcome = await submitImageProof(turnDb(this.deps.db), { ...base, imageUrl: item.url, caption: step.context.activity.text ?? '' });
        if (outcome.kind === 'recorded') {
          const proofId = outcome.proofId;
          afterTurnCommit(() => this.deps.proofImages.downloadSoon(proofId));
          if (outcome.joinedNow) replies.push(PROOF_TEXT.joinedNow(outcome.wave.title));
          replies.push(PROOF_TEXT.imageRecorded);
          recorded = true;
          continue;
        }
        replies.push(outcome.kind === 'slowDown' ? PROOF_TEXT.slowDown : outcome.kind === 'badImageUrl' ? PROOF_TEXT.badImage : WAVES_TEXT.waveClosed);
        closed = outcome.kind === 'waveNotOpen';
        if (outcome.kind !== 'badImageUrl') break;
        continue;
      }
      const outcome = await submitLinkProof(turnDb(this.deps.db), { ...base, link: item.url });
      if (outcome.kind === 'needsHashtagConfirmation') {
        if (replies.length > 0) await step.context.sendActivity(replies.join('\n\n'));
        (step.values as StepValues).pendingLink = item.url;
        return step.prompt(HASHTAG_PROMPT, {
          prompt: PROOF_TEXT.askHashtag(outcome.hashtag),
          retryPrompt: PROOF_TEXT.hashtagRetry,
          choices: [
            choice(YES, PROOF_TEXT.hashtagYes, ['co', 'roi', 'da gan', 'ok', 'yes']),
            choice(NO, PROOF_TEXT.hashtagNo, ['chua', 'khong', 'no']),
          ],
        });
      }
      replies.push(...this.linkReplies(outcome));
      if (outcome.kind === 'recorded') recorded = true;
      closed = outcome.kind === 'waveNotOpen';
      if (outcome.kind === 'slowDown' || closed) break;
    }
    await step.context.sendActivity(replies.join('\n\n'));
    if (closed) return step.endDialog();
    return this.waitAgain(step, waveId, recorded);
  }

  private async hashtagStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const waveId = (step.values as StepValues).waveId as string;
    const link = (step.values as StepValues).pendingLink as string;
    const confirmed = (step.result as FoundChoice).value === YES;
    const member = await currentMember(step.context, this.deps.db);
    if (!member) return step.endDialog();
    const { identityId } = turnPerson(step.context);
    const outcome = await submitLinkProof(turnDb(this.deps.db), { memberId: member.id, waveId, identityId, now: this.deps.now(), link, hashtagConfirmed: confirmed });
    await step.context.sendActivity(this.linkReplies(outcome).join('\n\n'));
    if (outcome.kind === 'waveNotOpen') return step.endDialog();
    return this.waitAgain(step, waveId, outcome.kind === 'recorded');
  }

  private linkReplies(outcome: LinkProofOutcome): string[] {
    switch (outcome.kind) {
      case 'recorded':
        return [...(outcome.joinedNow ? [PROOF_TEXT.joinedNow(outcome.wave.title)] : []), PROOF_TEXT.linkRecorded(PLATFORM_NAME[outcome.platform])];
      case 'alreadyRecorded':
        return [PROOF_TEXT.alreadyRecorded];
      case 'usedByAnother':
        return [PROOF_TEXT.usedByAnother];
      case 'invalidLink':
        return [outcome.message];
      case 'platformNotAccepted':
        return [PROOF_TEXT.platformNotAccepted(platformList(outcome.accepted))];
      case 'needsHashtagConfirmation':
      case 'hashtagMissing':
        return [PROOF_TEXT.hashtagMissing(outcome.hashtag)];
      case 'slowDown':
        return [PROOF_TEXT.slowDown];
      case 'waveNotOpen':
        return [WAVES_TEXT.waveClosed];
    }
  }

  /** Keeps waiting for proofs of the same wave; after a recorded one, offers "Xong". */
  private async waitAgain(step: WaterfallStepContext, waveId: string, recorded = false): Promise<DialogTurnResult> {
    if (recorded) {
      await step.context.sendActivity({
        text: PROOF_TEXT.askMore,
        suggestedActions: { to: [], actions: [{ type: 'imBack', title: WAVES_TEXT.doneChoice, value: DONE }] },
      });
    }
    return step.replaceDialog(STEPS, { waveId, quiet: true } satisfies SubmitProofOptions);
  }
}
