import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder-core';
import type { PlatformChannel } from '../channels/channel';
import type { OutboundMessage } from '../domain/shared/outbound-message';
import { outboundFromActivity } from './activity-mapping';

/** Where a turn's outgoing messages go: collected, then written as deliveries in the turn's transaction. */
export interface OutgoingSink {
  push(message: OutboundMessage): void;
}

export class CollectingSink implements OutgoingSink {
  readonly messages: OutboundMessage[] = [];
  push(message: OutboundMessage): void {
    this.messages.push(message);
  }
}

const SINK_KEY = Symbol('vx.outgoingSink');

/** Sends made outside an inbound turn (reminders, broadcasts): handed to the caller's delivery path. */
export type ProactiveDelivery = (reference: Partial<ConversationReference>, messages: readonly OutboundMessage[]) => Promise<void>;

/**
 * The bridge between botbuilder and our channels (LIBRARIES.md A3). Nothing is sent from inside
 * a turn: sendActivities turns each activity into a channel-neutral message and hands it to the
 * turn's sink, and the pipeline records them as deliveries that commit with the turn, so a turn
 * retried after a crash never sends twice. Trace and delay activities are dropped.
 */
export abstract class PlatformBotAdapter extends BotAdapter {
  abstract readonly channel: PlatformChannel;

  constructor(private readonly proactiveDelivery?: ProactiveDelivery) {
    super();
  }

  /** Runs one inbound turn; what the bot sends goes to `sink`. */
  async processActivity(activity: Partial<Activity>, sink: OutgoingSink, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set(SINK_KEY, sink);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const sink = context.turnState.get(SINK_KEY) as OutgoingSink | undefined;
    if (!sink) throw new Error('sendActivities outside a turn of this adapter');
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === ActivityTypes.Trace || activity.type === 'delay') {
        responses.push({ id: '' });
        continue;
      }
      const message = outboundFromActivity(activity);
      if (message) sink.push(message);
      responses.push({ id: '' });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error(`${this.channel} cannot edit a sent message`);
  }

  async deleteActivity(): Promise<void> {
    throw new Error(`${this.channel} cannot delete a sent message`);
  }

  /**
   * Proactive turn from a stored reference (a worker reminding a member): what the logic sends is
   * handed to the proactive delivery path (deliveries, the delivery policy), never sent inline.
   */
  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    if (!this.proactiveDelivery) throw new Error(`${this.channel} adapter has no proactive delivery path`);
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    const sink = new CollectingSink();
    await this.processActivity(activity, sink, logic);
    if (sink.messages.length > 0) await this.proactiveDelivery(reference, sink.messages);
  }
}

/** Zalo OA conversations. Consultation messages have no documented buttons: choices render as numbered lines (zalo.render.ts). */
export class ZaloAdapter extends PlatformBotAdapter {
  readonly channel = 'zalo' as const;
}

/** Messenger conversations: choices render as quick replies (messenger.render.ts). */
export class MessengerAdapter extends PlatformBotAdapter {
  readonly channel = 'messenger' as const;
}

/** The conversation reference stored per identity, from which workers message a member. */
export function referenceFor(channel: PlatformChannel, userId: string, accountId: string | null): Partial<ConversationReference> {
  return {
    channelId: channel,
    conversation: { id: `${channel}:${userId}`, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: userId, name: '' },
    bot: { id: accountId ?? '', name: '' },
    serviceUrl: '',
  };
}
