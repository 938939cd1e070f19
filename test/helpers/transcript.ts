/**
 * Transcript tests: a member talks to the real bot (dialogs, state in PostgreSQL, the turn's
 * transaction) through the real channel adapter, and each reply is rendered with the channel's
 * real renderer, so a test reads what the member would see on Zalo (numbered lines, the
 * request_user_info card) or on Messenger (text, quick replies, button templates).
 *
 *   const world = await createTranscriptWorld();
 *   const an = world.user('zalo');
 *   const seen = await an.say('menu');          // Seen[]: one per platform message
 *   await an.pick('Tham gia đợt');               // Zalo: answers the choice's number; Messenger: taps the quick reply
 *   expect(an.lastText()).toContain('…');
 *   await world.close();
 *
 * A turn here is what the pipeline runs (bot/turn-pipeline.ts) without the inbound queue: the
 * identity is touched, the bot runs in one transaction, replies are collected (not sent).
 * Deliveries a turn queues for other people (enqueueAfterTurn) are rows in `deliveries`:
 * `world.queuedFor(user)` renders them.
 */
import { randomBytes } from 'node:crypto';
import type { InboundAttachment, InboundEvent, PlatformChannel } from '../../src/channels/channel';
import { renderMessengerMessages } from '../../src/channels/messenger/messenger.render';
import type { SendApiRequest } from '../../src/channels/messenger/messenger.types';
import { renderZaloMessages, type ZaloCsRequest } from '../../src/channels/zalo/zalo.render';
import { activityFromEvent } from '../../src/bot/activity-mapping';
import { CollectingSink, MessengerAdapter, ZaloAdapter, type PlatformBotAdapter } from '../../src/bot/platform-bot.adapter';
import { prefetchTurnFacts, setTurnFacts } from '../../src/bot/turn-facts';
import { setTurnPerson } from '../../src/bot/turn-person';
import { runInTurnTransaction } from '../../src/bot/turn-scope';
import { VungXanhBot } from '../../src/bot/vung-xanh.bot';
import type { Db } from '../../src/db/database';
import { touchIdentity } from '../../src/domain/identities/identities.repository';
import type { OutboundMessage } from '../../src/domain/shared/outbound-message';
import { createImageDownloader, DEFAULT_IMAGE_DOWNLOAD, type ImageDownloader } from '../../src/jobs/image-download';
import { processProofImage } from '../../src/jobs/proof-images.processor';
import { createLogger } from '../../src/logging/logger';
import { createTestDatabase, type TestDatabase } from './test-database';

/** One platform message as the member sees it. */
export interface Seen {
  readonly channel: PlatformChannel;
  /** The text shown (on Zalo it includes the numbered choices and the hint). */
  readonly text: string;
  /** Quick-reply titles (Messenger); empty on Zalo, where choices are numbered lines in `text`. */
  readonly quickReplies: readonly string[];
  /** Link buttons (Messenger button template) — on Zalo, links are lines in `text`. */
  readonly buttons: readonly { title: string; url: string }[];
  readonly imageUrl?: string;
  /** Zalo's request_user_info card, or Messenger's user_phone_number quick reply. */
  readonly asksForPhone: boolean;
  readonly raw: ZaloCsRequest | SendApiRequest;
}

function seenOnZalo(request: ZaloCsRequest): Seen {
  const m = request.message;
  if ('text' in m) return { channel: 'zalo', text: m.text, quickReplies: [], buttons: [], asksForPhone: false, raw: request };
  const payload = m.attachment.payload;
  if (payload.template_type === 'media') return { channel: 'zalo', text: '', quickReplies: [], buttons: [], imageUrl: payload.elements[0]?.url ?? '', asksForPhone: false, raw: request };
  const card = payload.elements[0];
  return { channel: 'zalo', text: `${card?.title ?? ''}\n${card?.subtitle ?? ''}`.trim(), quickReplies: [], buttons: [], asksForPhone: true, raw: request };
}

function seenOnMessenger(request: SendApiRequest): Seen {
  const m = request.message as {
    text?: string;
    quick_replies?: { content_type: string; title?: string }[];
    attachment?: { type: string; payload: { url?: string; text?: string; buttons?: { title: string; url: string }[] } };
  };
  const quickReplies = (m.quick_replies ?? []).filter((q) => q.content_type === 'text').map((q) => q.title ?? '');
  const asksForPhone = (m.quick_replies ?? []).some((q) => q.content_type === 'user_phone_number');
  if (m.attachment?.type === 'image') return { channel: 'messenger', text: '', quickReplies, buttons: [], imageUrl: m.attachment.payload.url ?? '', asksForPhone, raw: request };
  if (m.attachment) return { channel: 'messenger', text: m.attachment.payload.text ?? '', quickReplies, buttons: m.attachment.payload.buttons ?? [], asksForPhone, raw: request };
  return { channel: 'messenger', text: m.text ?? '', quickReplies, buttons: [], asksForPhone, raw: request };
}

/** How a channel shows one neutral message, with the renderer the sender uses. */
export function render(channel: PlatformChannel, userId: string, message: OutboundMessage): Seen[] {
  if (channel === 'zalo') return renderZaloMessages(userId, message).map(seenOnZalo);
  return renderMessengerMessages(userId, message, { channel: 'messenger', messagingType: 'RESPONSE' }).map(seenOnMessenger);
}

export interface TranscriptWorldOptions {
  /** The bot's clock (waves open now, codes expire…); default the real time. */
  readonly now?: () => Date;
  readonly timeZone?: string;
  /** Proof images larger than this are refused by the in-process download (default 5 MB). */
  readonly imageMaxBytes?: number;
}

export interface TranscriptWorld {
  readonly db: Db;
  readonly database: TestDatabase;
  /** A new member on `channel` (a fresh platform id unless given). */
  user(channel: PlatformChannel, platformUserId?: string): TranscriptUser;
  /** Deliveries queued for this user outside their own turns' replies (review outcomes, nudges…), oldest first, rendered. */
  queuedFor(user: TranscriptUser): Promise<Seen[]>;
  close(): Promise<void>;
}

export async function createTranscriptWorld(options: TranscriptWorldOptions = {}): Promise<TranscriptWorld> {
  const database = await createTestDatabase();
  const db = database.db;
  // Proof images are downloaded in-process, right after the turn commits (BullMQ in production).
  const downloader: ImageDownloader = createImageDownloader({ ...DEFAULT_IMAGE_DOWNLOAD, timeoutMs: 5_000, maxBytes: options.imageMaxBytes ?? 5 * 1024 * 1024 });
  const imageDeps = { db, logger: createLogger({ level: 'silent', pretty: false }), download: downloader.download, enqueueDeliveries: () => Promise.resolve() };
  const bot = new VungXanhBot({
    db,
    timeZone: options.timeZone ?? 'Asia/Ho_Chi_Minh',
    ...(options.now ? { now: options.now } : {}),
    proofImages: { downloadSoon: async (proofId) => void (await processProofImage(imageDeps, proofId, true)) },
  });
  const adapters: Record<PlatformChannel, PlatformBotAdapter> = { zalo: new ZaloAdapter(), messenger: new MessengerAdapter() };
  const world: TranscriptWorld = {
    db,
    database,
    user: (channel, platformUserId) => new TranscriptUser(db, bot, adapters[channel], channel, platformUserId ?? newPlatformId(channel), options.now),
    async queuedFor(user) {
      const identity = await user.identityId();
      const rows = await db
        .selectFrom('deliveries')
        .select(['payload'])
        .where('identity_id', '=', identity)
        .where('purpose', '<>', 'reply')
        .orderBy('id')
        .execute();
      return rows.flatMap((r) => render(user.channel, user.platformUserId, r.payload as unknown as OutboundMessage));
    },
    async close() {
      await downloader.close();
      await database.drop();
    },
  };
  return world;
}

function newPlatformId(channel: PlatformChannel): string {
  // Zalo ids exceed 2^53 and stay strings; PSIDs are 16 digits.
  const digits = BigInt(`0x${randomBytes(8).toString('hex')}`).toString().padStart(19, '7');
  return channel === 'zalo' ? digits : digits.slice(0, 16);
}

let sequence = 0;

export class TranscriptUser {
  /** Every message the bot sent this user, in order. */
  readonly seen: Seen[] = [];
  private last: Seen[] = [];

  constructor(
    private readonly db: Db,
    private readonly bot: VungXanhBot,
    private readonly adapter: PlatformBotAdapter,
    readonly channel: PlatformChannel,
    readonly platformUserId: string,
    private readonly now?: () => Date,
  ) {}

  /** The member types `text`. */
  say(text: string): Promise<Seen[]> {
    return this.send({ kind: 'message', text, attachments: [] });
  }

  /**
   * The member picks a choice of the last reply by its title (or a unique part of it): on
   * Messenger a quick-reply tap (the payload comes back); on Zalo the member answers its number.
   */
  pick(title: string): Promise<Seen[]> {
    const match = this.choiceOf(title);
    if (this.channel === 'messenger') return this.send({ kind: 'message', text: match.title, value: match.value, attachments: [] });
    return this.say(String(match.number));
  }

  /** Taps a Messenger postback (persistent menu, Get Started) carrying `payload`. */
  postback(payload: string, title = payload): Promise<Seen[]> {
    return this.send({ kind: 'message', value: payload, valueTitle: title, attachments: [] });
  }

  /** Follows the OA / opens the conversation. */
  follow(): Promise<Seen[]> {
    return this.send({ kind: 'follow' });
  }

  /** Shares the phone the platform's own way: Zalo's request_user_info form; Messenger's user_phone_number quick reply. */
  sharePhone(phone: string, name = 'Nguyễn Văn An'): Promise<Seen[]> {
    if (this.channel === 'zalo') return this.send({ kind: 'sharedInfo', name, phone });
    return this.send({ kind: 'message', text: phone, value: phone, attachments: [] });
  }

  /** The member asks the platform to delete their data (Zalo user_withdraw). */
  requestErasure(): Promise<Seen[]> {
    return this.send({ kind: 'erasureRequest' });
  }

  /** Sends attachments (an image, a link shared as an attachment). */
  attach(attachments: readonly InboundAttachment[], text?: string): Promise<Seen[]> {
    return this.send({ kind: 'message', ...(text === undefined ? {} : { text }), attachments });
  }

  /** The last reply's texts joined, for `toContain` checks. */
  lastText(): string {
    return this.last.map((s) => s.text).join('\n');
  }

  lastReply(): readonly Seen[] {
    return this.last;
  }

  /** The identity row of this user (created by the first turn). */
  async identityId(): Promise<string> {
    const row = await this.db
      .selectFrom('channel_identities')
      .select('id')
      .where('channel', '=', this.channel)
      .where('platform_user_id', '=', this.platformUserId)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The member this user registered as, if any. */
  async memberId(): Promise<string | null> {
    const row = await this.db
      .selectFrom('channel_identities')
      .select('member_id')
      .where('channel', '=', this.channel)
      .where('platform_user_id', '=', this.platformUserId)
      .executeTakeFirst();
    return row?.member_id ?? null;
  }

  private choiceOf(title: string): { title: string; value: string; number: number } {
    const message = [...this.last].reverse().find((s) => (this.channel === 'messenger' ? s.quickReplies.length > 0 : /^\d+\. /m.test(s.text)));
    if (!message) throw new Error(`no choices in the last reply: ${JSON.stringify(this.last.map((s) => s.text))}`);
    if (this.channel === 'messenger') {
      const replies = (message.raw as SendApiRequest).message.quick_replies ?? [];
      const found = replies.filter((q) => q.content_type === 'text' && (q.title === title || q.title?.includes(title)));
      if (found.length !== 1 || found[0]?.content_type !== 'text') throw new Error(`"${title}" matches ${found.length} quick replies of ${JSON.stringify(replies.map((q) => ('title' in q ? q.title : q.content_type)))}`);
      return { title: found[0].title, value: found[0].payload, number: 0 };
    }
    const lines = message.text.split('\n').map((line) => /^(\d+)\. (.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null);
    const found = lines.filter((m) => m[2] === title || m[2]!.includes(title));
    if (found.length !== 1) throw new Error(`"${title}" matches ${found.length} numbered choices of ${JSON.stringify(lines.map((m) => m[0]))}`);
    return { title: found[0]![2]!, value: found[0]![2]!, number: Number(found[0]![1]) };
  }

  private async send(event: DistributiveOmit<InboundEvent, 'channel' | 'eventKey' | 'userId' | 'accountId' | 'platformTs'>): Promise<Seen[]> {
    sequence += 1;
    const full = {
      ...event,
      channel: this.channel,
      eventKey: `transcript-${process.pid}-${sequence}`,
      userId: this.platformUserId,
      accountId: this.channel === 'zalo' ? '579745863508352884' : '108000000000001',
      platformTs: (this.now?.() ?? new Date()).getTime(),
    } as InboundEvent;
    const activity = activityFromEvent(full);
    if (!activity) throw new Error(`event kind ${full.kind} runs no turn`);
    const sink = new CollectingSink();
    const turn = await this.db.transaction().execute(async (tx) => {
      const identity = await touchIdentity(tx, {
        channel: this.channel,
        platformUserId: this.platformUserId,
        accountId: full.accountId,
        actedAt: new Date(full.platformTs),
        ...(full.kind === 'follow' ? { followState: 'following' as const } : {}),
      });
      const person = { identityId: identity.id, channel: this.channel, platformUserId: this.platformUserId, memberId: identity.memberId };
      // As the pipeline does: the facts every turn asks about, read before the turn.
      const facts = (await prefetchTurnFacts(tx, [identity.id])).get(identity.id);
      return runInTurnTransaction(tx, () =>
        this.adapter.processActivity(activity, sink, (context) => {
          setTurnPerson(context, person);
          if (facts) setTurnFacts(context, facts);
          return this.bot.onTurn(context);
        }),
      );
    });
    // As the pipeline does: what the turn asked for after its commit runs now (awaited, so that a test sees its effect).
    for (const task of turn.tasksAfterCommit) await task();
    this.last = sink.messages.flatMap((m) => render(this.channel, this.platformUserId, m));
    this.seen.push(...this.last);
    return this.last;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
