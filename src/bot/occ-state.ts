import { ConversationState, UserState, type TurnContext } from 'botbuilder-core';

/**
 * botbuilder's BotState.saveChanges always writes with eTag '*', so a concurrent write would be
 * silently overwritten (LIBRARIES.md A6). These keep the etag that was read, so PostgresStorage
 * refuses a stale write and the turn is retried on fresh state. They always write (the cached
 * change hash is private), one small UPDATE per turn.
 */
export class OccConversationState extends ConversationState {
  override async saveChanges(context: TurnContext, _force = false): Promise<void> {
    const state = this.get(context);
    if (!state) return;
    await this.storage.write({ [this.getStorageKey(context) ?? '']: state });
  }
}

export class OccUserState extends UserState {
  override async saveChanges(context: TurnContext, _force = false): Promise<void> {
    const state = this.get(context);
    if (!state) return;
    await this.storage.write({ [this.getStorageKey(context) ?? '']: state });
  }
}
