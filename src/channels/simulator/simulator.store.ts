export type SimChannel = 'zalo' | 'messenger';

/** What the app's webhook answered when the simulator delivered a user's event. */
export type WebhookOutcome = { readonly status: number; readonly body: string } | { readonly status: null; readonly error: string };

export interface SimMessage {
  /** The platform's id for it (Messenger mid, Zalo msg_id), or a made-up one for events without. */
  readonly id: string;
  /** Order within the thread; also what an event stream resumes from. */
  readonly seq: number;
  readonly at: number;
  readonly direction: 'user' | 'bot';
  /** user: the action (text, quickReply, follow…); bot: the API that sent it (cs, template, send). */
  readonly kind: string;
  /** As the platform has it: the webhook event the app received, or the body the bot sent. */
  readonly content: unknown;
  readonly webhook?: WebhookOutcome | 'pending';
  readonly seen?: boolean;
}

export interface SimUser {
  readonly channel: SimChannel;
  readonly userId: string;
  readonly displayName: string;
  /** Zalo only: undefined until the person follows or unfollows. */
  readonly follower?: boolean;
  /** Zalo only: what the person shared through a request_user_info card. */
  readonly sharedInfo?: { readonly name: string; readonly phone: string };
  readonly lastActivity: number;
}

export type SimEvent =
  | { readonly type: 'message'; readonly message: SimMessage }
  | { readonly type: 'typing'; readonly on: boolean };

export type SimListener = (event: SimEvent) => void;

export interface SimulatorStoreLimits {
  readonly maxMessagesPerThread: number;
  readonly maxThreads: number;
  readonly maxTotalMessages: number;
  readonly maxSubscribers: number;
}

export const DEFAULT_STORE_LIMITS: SimulatorStoreLimits = {
  maxMessagesPerThread: 200,
  maxThreads: 500,
  maxTotalMessages: 20_000,
  maxSubscribers: 200,
};

interface Thread {
  user: SimUser;
  messages: SimMessage[];
  nextSeq: number;
}

const keyOf = (channel: SimChannel, userId: string): string => `${channel}:${userId}`;

/**
 * The simulator's memory: one thread per (channel, user), both directions, in order. It is a
 * demo, so it forgets: the oldest messages of a long thread, and the least recently active
 * threads once there are too many, are dropped. Listeners are kept apart from threads, so a page
 * watching a thread that was dropped still sees it start again.
 */
export class SimulatorStore {
  private readonly threads = new Map<string, Thread>();
  private readonly listeners = new Map<string, Set<SimListener>>();
  private totalMessages = 0;
  private subscriberCount = 0;
  private readonly limits: SimulatorStoreLimits;

  constructor(
    private readonly now: () => number,
    limits: Partial<SimulatorStoreLimits> = {},
  ) {
    this.limits = { ...DEFAULT_STORE_LIMITS, ...limits };
  }

  /** Creates the thread on first contact, refreshes the name, and marks it recently active. */
  touchUser(channel: SimChannel, userId: string, displayName: string): SimUser {
    const key = keyOf(channel, userId);
    const thread = this.threads.get(key) ?? { user: { channel, userId, displayName, lastActivity: 0 }, messages: [], nextSeq: 1 };
    thread.user = { ...thread.user, displayName, lastActivity: this.now() };
    this.bump(key, thread);
    this.evict();
    return thread.user;
  }

  user(channel: SimChannel, userId: string): SimUser | undefined {
    return this.threads.get(keyOf(channel, userId))?.user;
  }

  updateUser(channel: SimChannel, userId: string, patch: Partial<Pick<SimUser, 'follower' | 'sharedInfo'>>): void {
    const thread = this.threads.get(keyOf(channel, userId));
    if (thread) thread.user = { ...thread.user, ...patch };
  }

  /** Adds a message to an existing thread (a user must have written first); undefined if there is none. */
  append(channel: SimChannel, userId: string, message: Omit<SimMessage, 'seq' | 'at'> & { at?: number }): SimMessage | undefined {
    const key = keyOf(channel, userId);
    const thread = this.threads.get(key);
    if (!thread) return undefined;
    this.bump(key, thread);
    const stored: SimMessage = { ...message, at: message.at ?? this.now(), seq: thread.nextSeq };
    thread.nextSeq += 1;
    thread.messages.push(stored);
    this.totalMessages += 1;
    if (thread.messages.length > this.limits.maxMessagesPerThread) {
      thread.messages.shift();
      this.totalMessages -= 1;
    }
    this.evict();
    this.emit(channel, userId, { type: 'message', message: stored });
    return stored;
  }

  /** Replaces fields of a stored message (its webhook outcome, seen); listeners get the new version. */
  update(channel: SimChannel, userId: string, id: string, patch: Partial<Pick<SimMessage, 'webhook' | 'seen'>>): SimMessage | undefined {
    const messages = this.threads.get(keyOf(channel, userId))?.messages;
    const index = messages?.findIndex((m) => m.id === id) ?? -1;
    if (!messages || index < 0) return undefined;
    const updated: SimMessage = { ...messages[index]!, ...patch };
    messages[index] = updated;
    this.emit(channel, userId, { type: 'message', message: updated });
    return updated;
  }

  messages(channel: SimChannel, userId: string): readonly SimMessage[] {
    return [...(this.threads.get(keyOf(channel, userId))?.messages ?? [])];
  }

  /** Sizes, for tests and the page's footer. */
  stats(): { readonly threads: number; readonly messages: number; readonly subscribers: number } {
    return { threads: this.threads.size, messages: this.totalMessages, subscribers: this.subscriberCount };
  }

  /** Transient events (typing) that are not kept. */
  notify(channel: SimChannel, userId: string, event: SimEvent): void {
    this.emit(channel, userId, event);
  }

  /** Returns the unsubscribe function, or undefined when too many pages already listen. */
  subscribe(channel: SimChannel, userId: string, listener: SimListener): (() => void) | undefined {
    if (this.subscriberCount >= this.limits.maxSubscribers) return undefined;
    const key = keyOf(channel, userId);
    const set = this.listeners.get(key) ?? new Set<SimListener>();
    set.add(listener);
    this.listeners.set(key, set);
    this.subscriberCount += 1;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      set.delete(listener);
      this.subscriberCount -= 1;
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  private emit(channel: SimChannel, userId: string, event: SimEvent): void {
    for (const listener of this.listeners.get(keyOf(channel, userId)) ?? []) listener(event);
  }

  /** Map order is the eviction order: the most recently active thread goes last. */
  private bump(key: string, thread: Thread): void {
    this.threads.delete(key);
    this.threads.set(key, thread);
  }

  private evict(): void {
    while (this.threads.size > this.limits.maxThreads || this.totalMessages > this.limits.maxTotalMessages) {
      const oldest = this.threads.keys().next();
      if (oldest.done) return;
      // The newest thread is never evicted by its own growth: it is capped per thread instead.
      if (this.threads.size === 1) return;
      this.totalMessages -= this.threads.get(oldest.value)?.messages.length ?? 0;
      this.threads.delete(oldest.value);
    }
  }
}
