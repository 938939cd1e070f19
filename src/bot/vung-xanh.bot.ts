import { ActivityTypes, type StatePropertyAccessor, type TurnContext } from 'botbuilder-core';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { Db } from '../db/database';
import { allDialogs } from '../dialogs/all-dialogs';
import type { DialogDeps } from '../dialogs/dialog-deps';
import { GLOBAL_COMMANDS } from '../dialogs/global-commands';
import { allInterceptors, type TurnInterceptor } from '../dialogs/interceptors';
import { MAIN_MENU_DIALOG } from '../dialogs/main-menu.dialog';
import { TEXT } from '../dialogs/messages.vi';
import { matchKey } from '../domain/shared/text';
import { SHARED_INFO_EVENT } from './activity-mapping';
import { hashKeyword } from './recognizer';
import { OccConversationState, OccUserState } from './occ-state';
import { PostgresStorage } from './postgres-storage';

export interface BotDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now?: () => Date;
  readonly mediaUrl?: (sha256: string) => string;
}

interface UserProfileState {
  greetedAt?: string;
}

/** Words that bring the menu back from anywhere, whatever dialog is running. */
const MENU_WORDS = new Set(['menu', 'huy', 'bat dau', 'start', 'get started', 'get_started']);

/**
 * The conversation logic of one turn: greet on follow or first contact, run the active dialog,
 * bring the menu back on "menu"/"hủy", and save dialog and user state (etag-checked) in the
 * turn's transaction. Built once; every turn's state lives in PostgreSQL.
 */
export class VungXanhBot {
  private readonly conversationState: OccConversationState;
  private readonly userState: OccUserState;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly profile: StatePropertyAccessor<UserProfileState>;
  private readonly dialogs: DialogSet;
  private readonly interceptors: TurnInterceptor[];

  constructor(deps: BotDeps) {
    const storage = new PostgresStorage(deps.db);
    this.conversationState = new OccConversationState(storage);
    this.userState = new OccUserState(storage);
    this.dialogState = this.conversationState.createProperty<DialogState>('dialogState');
    this.profile = this.userState.createProperty<UserProfileState>('profile');
    const dialogDeps: DialogDeps = {
      db: deps.db,
      timeZone: deps.timeZone,
      now: deps.now ?? (() => new Date()),
      mediaUrl: deps.mediaUrl ?? ((sha256) => `/media/${sha256}`),
    };
    this.dialogs = new DialogSet(this.dialogState);
    for (const dialog of allDialogs(dialogDeps)) this.dialogs.add(dialog);
    this.interceptors = allInterceptors(dialogDeps);
  }

  async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.type === ActivityTypes.ConversationUpdate) {
      if ((activity.membersAdded?.length ?? 0) > 0) await this.greetAndShowMenu(context, true);
    } else if (activity.type === ActivityTypes.Event && activity.name === SHARED_INFO_EVENT) {
      await context.sendActivity(TEXT.sharedInfoThanks);
    } else if (activity.type === ActivityTypes.Message) {
      await this.onMessage(context);
    }
    await this.conversationState.saveChanges(context);
    await this.userState.saveChanges(context);
  }

  private async onMessage(context: TurnContext): Promise<void> {
    for (const intercept of this.interceptors) if (await intercept(context)) return;
    const dc = await this.dialogs.createContext(context);
    const said = matchKey(String(context.activity.value ?? context.activity.text ?? ''));
    if (MENU_WORDS.has(said)) {
      await dc.cancelAllDialogs();
      await this.greetAndShowMenu(context, false);
      return;
    }
    const typed = String(context.activity.value ?? context.activity.text ?? '');
    const keyword = hashKeyword(typed);
    const command = GLOBAL_COMMANDS.find((c) => c.words.some((w) => (w.startsWith('#') ? w === keyword : w === typed.trim() || matchKey(w) === said)));
    if (command && dc.findDialog(command.dialogId)) {
      await dc.cancelAllDialogs();
      await dc.beginDialog(command.dialogId, command.options);
      return;
    }
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await this.greetAndShowMenu(context, false);
  }

  private async greetAndShowMenu(context: TurnContext, force: boolean): Promise<void> {
    const profile = await this.profile.get(context, {});
    if (force || !profile.greetedAt) {
      await context.sendActivity(TEXT.greeting);
      profile.greetedAt = new Date().toISOString();
      await this.profile.set(context, profile);
    }
    const dc = await this.dialogs.createContext(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(MAIN_MENU_DIALOG);
  }
}
