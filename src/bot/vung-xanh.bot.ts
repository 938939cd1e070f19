import { ActivityTypes, type StatePropertyAccessor, type TurnContext } from 'botbuilder-core';
import { DialogSet, DialogTurnStatus, type DialogContext, type DialogState, type DialogTurnResult } from 'botbuilder-dialogs';
import { DEVELOPMENT_SESSION_SECRET } from '../config/config';
import type { Db } from '../db/database';
import { allDialogs } from '../dialogs/all-dialogs';
import { currentMember } from '../dialogs/current-member';
import type { DialogDeps, ProofImageStarter } from '../dialogs/dialog-deps';
import { DIALOG } from '../dialogs/dialog-ids';
import { createMediaUrlSigner } from '../domain/media/media-url';
import { GLOBAL_COMMANDS, type GlobalCommand } from '../dialogs/global-commands';
import { isHandOff } from '../dialogs/hand-off';
import { allInterceptors, type TurnInterceptor } from '../dialogs/interceptors';
import { menuChoices, type MainMenuOptions } from '../dialogs/main-menu.dialog';
import { MENU_ENTRIES, menuEntriesFor } from '../dialogs/menu';
import { MENU, TEXT } from '../dialogs/messages.vi';
import type { OnboardingOptions } from '../dialogs/onboarding.dialog';
import { consentState } from '../domain/consents/consent.service';
import { matchKey } from '../domain/shared/text';
import { ERASURE_REQUEST_EVENT, SHARED_INFO_EVENT } from './activity-mapping';
import { isTurnStateForgotten } from './forgotten-state';
import { handleErasureRequest } from '../dialogs/erasure-request';
import { OccConversationState, OccUserState } from './occ-state';
import { PostgresStorage } from './postgres-storage';
import { capInput, hashKeyword, interruptionOf, pickedNumber, recognizeChoice } from './recognizer';
import { registrationConsentOf } from './turn-facts';
import { turnPerson } from './turn-person';
import { turnDb } from './turn-scope';

export interface BotDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now?: () => Date;
  /** Default: none started here; the proof-images sweeper finds the awaiting proofs within minutes. */
  readonly proofImages?: ProofImageStarter;
  /** Default: URLs on http://localhost:3000 signed with the development session secret (tests, scripts). */
  readonly mediaUrl?: (sha256: string) => string;
}

const LEFT_TO_THE_SWEEPER: ProofImageStarter = { downloadSoon: () => Promise.resolve() };
const DEVELOPMENT_MEDIA = createMediaUrlSigner({ publicBaseUrl: 'http://localhost:3000', sessionSecret: DEVELOPMENT_SESSION_SECRET });

interface UserProfileState {
  greetedAt?: string;
}

/** Hand-offs followed in one turn at most (a loop between dialogs is a bug, not a conversation). */
const MAX_HAND_OFFS = 5;

/**
 * The conversation logic of one turn, around the dialogs:
 * - first contact (follow, Get Started, a first message): the greeting, then consent and
 *   registration for someone not registered who has not declined, else the menu;
 * - "menu", "hủy", "trợ giúp", #keywords and menu payloads work from anywhere (the running
 *   dialog is cancelled);
 * - a message no dialog waits for opens the menu entry it names, or gets "mình chưa hiểu" with
 *   the menu; never a dead end;
 * - a message longer than a dialog reads is cut (and the member told);
 * and saves dialog and user state (etag-checked) in the turn's transaction.
 */
export class VungXanhBot {
  private readonly conversationState: OccConversationState;
  private readonly userState: OccUserState;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly profile: StatePropertyAccessor<UserProfileState>;
  private readonly dialogs: DialogSet;
  private readonly interceptors: TurnInterceptor[];
  private readonly dialogDeps: DialogDeps;
  private readonly db: Db;

  constructor(deps: BotDeps) {
    const storage = new PostgresStorage(deps.db);
    this.db = deps.db;
    this.conversationState = new OccConversationState(storage);
    this.userState = new OccUserState(storage);
    this.dialogState = this.conversationState.createProperty<DialogState>('dialogState');
    this.profile = this.userState.createProperty<UserProfileState>('profile');
    const now = deps.now ?? (() => new Date());
    const dialogDeps: DialogDeps = {
      db: deps.db,
      timeZone: deps.timeZone,
      now,
      proofImages: deps.proofImages ?? LEFT_TO_THE_SWEEPER,
      mediaUrl: deps.mediaUrl ?? ((sha256) => DEVELOPMENT_MEDIA.signedImageUrl(sha256, now())),
    };
    this.dialogDeps = dialogDeps;
    this.dialogs = new DialogSet(this.dialogState);
    for (const dialog of allDialogs(dialogDeps)) this.dialogs.add(dialog);
    this.interceptors = allInterceptors(dialogDeps);
  }

  async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.type === ActivityTypes.ConversationUpdate) {
      if ((activity.membersAdded?.length ?? 0) > 0) await this.welcome(await this.dialogs.createContext(context));
    } else if (activity.type === ActivityTypes.Event && activity.name === SHARED_INFO_EVENT) {
      await this.onSharedInfo(context);
    } else if (activity.type === ActivityTypes.Event && activity.name === ERASURE_REQUEST_EVENT) {
      await handleErasureRequest(context, this.dialogDeps);
    } else if (activity.type === ActivityTypes.Message) {
      await this.onMessage(context);
    }
    // The member's data (this state included) was erased in this turn: nothing to write back.
    if (isTurnStateForgotten(context)) return;
    await this.conversationState.saveChanges(context);
    await this.userState.saveChanges(context);
  }

  /** Details shared through Zalo's card: the answer to a dialog asking for them, or a kind thank-you. */
  private async onSharedInfo(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    if (dc.activeDialog) await this.follow(dc, await dc.continueDialog());
    else await context.sendActivity(TEXT.sharedInfoThanks);
  }

  private async onMessage(context: TurnContext): Promise<void> {
    for (const intercept of this.interceptors) if (await intercept(context)) return;
    if (this.capMessage(context)) await context.sendActivity(TEXT.inputCut);
    const typed = String(context.activity.value ?? context.activity.text ?? '');
    const dc = await this.dialogs.createContext(context);
    const interruption = interruptionOf(typed);
    if (interruption === 'start' || (interruption === 'greeting' && !dc.activeDialog)) return this.welcome(dc);

    const firstContact = !(await this.profile.get(context, {})).greetedAt;
    if (firstContact) await this.greet(context);
    if (interruption === 'menu' || interruption === 'cancel' || interruption === 'help') {
      const running = dc.activeDialog !== undefined;
      await dc.cancelAllDialogs();
      if (interruption === 'help') await this.begin(dc, DIALOG.help);
      else await this.begin(dc, DIALOG.mainMenu, interruption === 'cancel' && running ? ({ intro: 'cancelled' } satisfies MainMenuOptions) : undefined);
      return;
    }
    const command = commandOf(typed);
    const entry = command && MENU_ENTRIES.find((e) => e.dialogId === command.dialogId);
    if (command && (dc.findDialog(command.dialogId) || entry)) {
      await dc.cancelAllDialogs();
      // A menu entry whose dialog is not registered is answered by the menu itself (the waves list, or help).
      if (dc.findDialog(command.dialogId)) await this.begin(dc, command.dialogId, command.options);
      else if (entry) await this.begin(dc, DIALOG.mainMenu, { picked: MENU[entry.key].value } satisfies MainMenuOptions);
      return;
    }
    // A dialog already running (state older than the user's greeting) is answered, not replaced.
    if (firstContact && !dc.activeDialog) return this.onboardOrShowMenu(dc);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await this.withoutDialog(dc, typed);
    else await this.follow(dc, result);
  }

  /** A message no dialog was waiting for: the menu entry it names (not by number: no list is on screen), or the menu with "mình chưa hiểu". */
  private async withoutDialog(dc: DialogContext, typed: string): Promise<void> {
    const choices = menuChoices(menuEntriesFor(await currentMember(dc.context, this.db)));
    const named = pickedNumber(typed, choices.length) === undefined ? recognizeChoice(typed, choices) : undefined;
    await this.begin(dc, DIALOG.mainMenu, (named ? { picked: named.value } : { intro: 'notUnderstood' }) satisfies MainMenuOptions);
  }

  /** Follow, Get Started, "bắt đầu", "xin chào": the greeting, then onboarding or the menu. */
  private async welcome(dc: DialogContext): Promise<void> {
    await this.greet(dc.context);
    await dc.cancelAllDialogs();
    await this.onboardOrShowMenu(dc);
  }

  /** Someone not registered is asked for consent (or goes on registering) unless they declined the current notice. */
  private async onboardOrShowMenu(dc: DialogContext): Promise<void> {
    if (await currentMember(dc.context, this.db)) return this.begin(dc, DIALOG.mainMenu);
    const latest = await registrationConsentOf(dc.context, turnDb(this.db), turnPerson(dc.context).identityId);
    if (consentState(latest) === 'declined') return this.begin(dc, DIALOG.mainMenu);
    return this.begin(dc, DIALOG.onboarding, { from: 'greeting' } satisfies OnboardingOptions);
  }

  private async greet(context: TurnContext): Promise<void> {
    const profile = await this.profile.get(context, {});
    await context.sendActivity(TEXT.greeting);
    profile.greetedAt = new Date().toISOString();
    await this.profile.set(context, profile);
  }

  private async begin(dc: DialogContext, dialogId: string, options?: object): Promise<void> {
    await this.follow(dc, await dc.beginDialog(dialogId, options));
  }

  /** Runs the dialog a finished one handed over to (see dialogs/hand-off.ts), at the top of the stack. */
  private async follow(dc: DialogContext, result: DialogTurnResult): Promise<void> {
    let last = result;
    for (let i = 0; i < MAX_HAND_OFFS && last.status === DialogTurnStatus.complete && isHandOff(last.result); i += 1) {
      last = await dc.beginDialog(last.result.handOff, last.result.options);
    }
  }

  /** Cuts what dialogs read to MAX_INPUT_CHARS; true when something was cut. */
  private capMessage(context: TurnContext): boolean {
    const activity = context.activity;
    let cut = false;
    if (typeof activity.text === 'string') {
      const capped = capInput(activity.text);
      activity.text = capped.text;
      cut = capped.cut;
    }
    if (typeof activity.value === 'string') {
      const capped = capInput(activity.value);
      activity.value = capped.text;
      cut ||= capped.cut;
    }
    return cut;
  }
}

/** The global command a message is (a #keyword, a menu payload, a command's words), if any. */
function commandOf(typed: string): GlobalCommand | undefined {
  const said = matchKey(typed);
  const keyword = hashKeyword(typed);
  return GLOBAL_COMMANDS.find((c) => c.words.some((w) => (w.startsWith('#') ? w === keyword : w === typed.trim() || matchKey(w) === said)));
}
