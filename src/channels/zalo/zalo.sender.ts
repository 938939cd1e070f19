import type { OutboundMessage } from '../../domain/shared/outbound-message';
import type { ChannelProfile, ChannelSender, SendMode, SendOptions, SendResult } from '../channel';
import type { ZaloClient } from './zalo.client';
import { renderZaloMessages, renderZaloTemplate } from './zalo.render';


/** The outbound half of Zalo: render, then send in order, stopping at the first failure. */
export class ZaloSender implements ChannelSender {
  readonly channel = 'zalo' as const;

  constructor(private readonly client: Pick<ZaloClient, 'sendCs' | 'sendTemplate' | 'getUserProfile'>) {}

  /** Sends the rendered parts in order from `skipParts` on; a failure says which parts went out. */
  async send(userId: string, message: OutboundMessage, mode: SendMode, options: SendOptions = {}): Promise<SendResult> {
    if (mode.channel !== 'zalo') return { ok: false, failure: { kind: 'badRequest', code: 'mode', message: `a ${mode.channel} send mode reached the Zalo sender` } };
    if (mode.kind === 'template') {
      const outcome = await this.client.sendTemplate(renderZaloTemplate(userId, mode.templateId, mode.templateData));
      return outcome.ok ? { ok: true, messageIds: [outcome.messageId] } : { ok: false, failure: outcome.failure, sentMessageIds: [] };
    }
    const messageIds: string[] = [];
    for (const body of renderZaloMessages(userId, message).slice(Math.max(0, options.skipParts ?? 0))) {
      const outcome = await this.client.sendCs(body);
      if (!outcome.ok) return { ok: false, failure: outcome.failure, sentMessageIds: messageIds };
      messageIds.push(outcome.messageId);
    }
    return { ok: true, messageIds };
  }

  async fetchProfile(userId: string): Promise<ChannelProfile | null> {
    const profile = await this.client.getUserProfile(userId);
    return profile === null ? null : profile.displayName === undefined ? {} : { displayName: profile.displayName };
  }
}
