import type { ChannelProfile, ChannelSender, PlatformChannel, SendFailure, SendFailureKind, SendMode, SendOptions, SendResult } from '../../src/channels/channel';
import type { OutboundMessage } from '../../src/domain/shared/outbound-message';

export interface FakeSendCall {
  /** 1 for the first call this sender received. */
  readonly n: number;
  readonly userId: string;
  readonly message: OutboundMessage;
  readonly mode: SendMode;
  readonly options: SendOptions | undefined;
  readonly at: number;
}

/** What one call answers: a result, or a function of the call (to answer by user, or to throw). */
export type FakeAnswer = SendResult | ((call: FakeSendCall) => SendResult | Promise<SendResult>);

export interface FakeSenderOptions {
  /** Each call takes this long before answering (a platform's latency). */
  readonly delayMs?: number;
  /** Runs before a call answers, e.g. to record the send somewhere another process can count it. */
  readonly onSend?: (call: FakeSendCall) => Promise<void> | void;
}

export function ok(...messageIds: string[]): SendResult {
  return { ok: true, messageIds };
}

export function failure(kind: SendFailureKind, code: string, extra: Partial<Omit<SendFailure, 'kind' | 'code'>> & { sentMessageIds?: readonly string[] } = {}): SendResult {
  return {
    ok: false,
    failure: { kind, code, message: extra.message ?? `${kind} (${code})`, ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}) },
    ...(extra.sentMessageIds ? { sentMessageIds: extra.sentMessageIds } : {}),
  };
}

/**
 * A ChannelSender in process, for tests of what sits in front of the real clients. Answers are
 * scripted per call, in order (`answerNext`); when none is scripted it answers `fallback`, by
 * default a success with one message id `<channel>-m<n>`. Every call is recorded.
 */
export class FakeSender implements ChannelSender {
  readonly calls: FakeSendCall[] = [];
  private readonly scripted: FakeAnswer[] = [];
  private readonly answeredOk = new Map<number, boolean>();
  fallback: FakeAnswer;

  constructor(
    readonly channel: PlatformChannel,
    private readonly options: FakeSenderOptions = {},
  ) {
    this.fallback = (call) => ok(`${channel}-m${call.n}`);
  }

  /** The next calls answer these, in order. */
  answerNext(...answers: FakeAnswer[]): this {
    this.scripted.push(...answers);
    return this;
  }

  /** The calls that answered ok. */
  get successes(): FakeSendCall[] {
    return this.calls.filter((c) => this.answeredOk.get(c.n) === true);
  }

  async send(userId: string, message: OutboundMessage, mode: SendMode, options?: SendOptions): Promise<SendResult> {
    const call: FakeSendCall = { n: this.calls.length + 1, userId, message, mode, options, at: Date.now() };
    this.calls.push(call);
    const answer = this.scripted.shift() ?? this.fallback;
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    await this.options.onSend?.(call);
    const result = typeof answer === 'function' ? await answer(call) : answer;
    this.answeredOk.set(call.n, result.ok);
    return result;
  }

  async fetchProfile(): Promise<ChannelProfile | null> {
    return null;
  }
}
