import type { ChannelProfile, ChannelSender, SendFailure, SendMode } from '../channel';
import type { OutboundMessage } from '../../domain/shared/outbound-message';
import type { MessengerClient } from './messenger.client';
import { renderMessengerMessages, type RenderOptions } from './messenger.render';

/**
 * A SendResult that always says, on failure, which parts were already delivered, so the outbound
 * queue resumes with `skipParts` instead of re-sending the parts a member already has.
 */
export type MessengerSendResult =
  | { readonly ok: true; readonly messageIds: readonly string[] }
  | { readonly ok: false; readonly failure: SendFailure; readonly sentMessageIds: readonly string[] };

export interface MessengerSendOptions extends RenderOptions {
  /**
   * Parts of the rendered message to skip, because an earlier attempt delivered them (the length
   * of its `sentMessageIds`). Rendering is deterministic, so the same message splits the same way.
   */
  readonly skipParts?: number;
}

export class MessengerSender implements ChannelSender {
  readonly channel = 'messenger' as const;
  readonly #client: Pick<MessengerClient, 'sendMessage' | 'getProfile'>;

  constructor(client: Pick<MessengerClient, 'sendMessage' | 'getProfile'>) {
    this.#client = client;
  }

  /**
   * Renders and sends the parts in order, stopping at the first failure, which is returned with
   * the ids of the parts already sent. Never throws for a platform answer.
   */
  async send(userId: string, message: OutboundMessage, mode: SendMode, options: MessengerSendOptions = {}): Promise<MessengerSendResult> {
    if (mode.channel !== 'messenger') {
      return { ok: false, failure: { kind: 'badRequest', code: 'wrongChannel', message: `a ${mode.channel} send mode reached the messenger sender` }, sentMessageIds: [] };
    }
    const requests = renderMessengerMessages(userId, message, mode, options).slice(Math.max(0, options.skipParts ?? 0));
    const messageIds: string[] = [];
    for (const request of requests) {
      const outcome = await this.#client.sendMessage(request);
      if (!outcome.ok) return { ok: false, failure: outcome.failure, sentMessageIds: messageIds };
      messageIds.push(outcome.messageId);
    }
    return { ok: true, messageIds };
  }

  async fetchProfile(userId: string): Promise<ChannelProfile | null> {
    const profile = await this.#client.getProfile(userId);
    if (!profile) return null;
    // Graph's `name` is already in the member's locale order; the fallback uses the Vietnamese one (họ + tên).
    const displayName = profile.name?.trim() || [profile.last_name, profile.first_name].filter((part) => part?.trim()).join(' ').trim();
    return displayName ? { displayName } : null;
  }
}
