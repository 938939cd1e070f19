import { createInboundIntake, type WebhookIntake } from '../bot/inbound-intake';
import { createProfileRefresher, type ProfileRefresher } from '../bot/profile-refresher';
import type { ReceiptRecorder, ReplyRecorder, TurnPipelineDeps } from '../bot/turn-pipeline';
import { VungXanhBot } from '../bot/vung-xanh.bot';
import type { PlatformChannel } from '../channels/channel';
import type { Config } from '../config/config';
import type { Db } from '../db/database';
import { insertDeliveries, recordReceipt } from '../domain/deliveries/deliveries.repository';
import { releaseDeferred } from '../domain/deliveries/deferred-deliveries.repository';
import { TEXT } from '../dialogs/messages.vi';
import { createBullMqOutbox } from '../jobs/outbox.bullmq';
import { enqueueProofImages, triggerTurns, triggerTurnsLater, type Queues } from '../jobs/queues';
import { createImageDownloader, DEFAULT_IMAGE_DOWNLOAD, type ImageDownloader } from '../jobs/image-download';
import type { ProofImagesDeps } from '../jobs/proof-images.processor';
import { waitingOutRedis } from '../jobs/turns.processor';
import { createMediaUrlSigner } from '../domain/media/media-url';
import type { Logger } from '../logging/logger';
import { collapsedTotal, expiredTotal } from '../metrics/metrics';
import type { Channels } from './channels';

/** A turn that fails this many times is dead-lettered (staff can replay it) and the member gets an apology. */
export const MAX_TURN_ATTEMPTS = 5;

export interface Conversations {
  /** What the webhooks hand verified events to. */
  readonly intake: WebhookIntake;
  /** What the turns worker runs. */
  readonly pipeline: TurnPipelineDeps;
  readonly profiles: ProfileRefresher;
  /** What the proof-images worker needs (download, tell the member, re-enqueue). */
  readonly proofImages: Omit<ProofImagesDeps, 'db' | 'logger'>;
  readonly imageDownloader: ImageDownloader;
}

/** Wires the conversation side: the bot, the turn pipeline around it, and the webhook intake. */
export function buildConversations(deps: {
  config: Config;
  db: Db;
  intakeDb?: Db | undefined;
  intakeTurns?: Pick<Queues, 'turns'> | undefined;
  logger: Logger;
  queues: Queues;
  channels: Channels;
}): Conversations {
  const { db, logger, queues, channels } = deps;
  const outbox = createBullMqOutbox({ db, queues, logger });
  const profiles = createProfileRefresher({ db, senders: channels.senders, logger });

  const recordReplies: ReplyRecorder = async (tx, sets) => {
    const inserted = await insertDeliveries(
      tx,
      sets.flatMap(({ identityId, keyPrefix, messages }) => messages.map((message, index) => ({ identityId, purpose: 'reply' as const, idempotencyKey: `${keyPrefix}:${index}`, message }))),
    );
    const byPrefix = new Map<string, number[]>();
    for (const d of inserted) {
      const prefix = d.idempotencyKey.slice(0, d.idempotencyKey.lastIndexOf(':'));
      const list = byPrefix.get(prefix) ?? [];
      list.push(d.id);
      byPrefix.set(prefix, list);
    }
    return byPrefix;
  };
  const recordDeliveryReceipt: ReceiptRecorder = async (tx, identityId, receipt) => {
    await recordReceipt(tx, {
      identityId,
      kind: receipt.kind,
      messageIds: receipt.messageIds,
      ...(receipt.watermark === undefined ? {} : { watermark: new Date(receipt.watermark) }),
      at: new Date(receipt.platformTs),
    });
  };

  const media = createMediaUrlSigner({ publicBaseUrl: deps.config.publicBaseUrl, sessionSecret: deps.config.sessionSecret });
  const imageDownloader = createImageDownloader({ ...DEFAULT_IMAGE_DOWNLOAD, maxBytes: deps.config.proofImageMaxBytes });
  const proofImages: Conversations['proofImages'] = {
    download: (url) => imageDownloader.download(url),
    enqueueDeliveries: (ids) => outbox.enqueue(ids),
    requeue: (ids) => enqueueProofImages(queues, ids),
  };

  const pipeline: TurnPipelineDeps = {
    db,
    logger,
    bot: new VungXanhBot({
      db,
      timeZone: deps.config.timezone,
      proofImages: { downloadSoon: (proofId) => enqueueProofImages(queues, [proofId]) },
      mediaUrl: (sha256) => media.signedImageUrl(sha256, new Date()),
    }),
    adapters: channels.adapters,
    recordReplies,
    recordReceipt: recordDeliveryReceipt,
    releaseDeferred,
    onReleased: (released) => {
      for (const e of released.expired) expiredTotal.inc({ purpose: e.purpose });
      for (const c of released.collapsed) collapsedTotal.inc({ purpose: c.purpose });
    },
    // Called after a batch commits: a short Redis outage is waited out, not left to the relay.
    enqueueDeliveries: waitingOutRedis(logger, 'deliveries', (ids: readonly number[], channel?: PlatformChannel) => (channel ? outbox.enqueueOnChannel(channel, ids) : outbox.enqueue(ids))),
    enqueueReplySets: waitingOutRedis(logger, 'replies', (channel: PlatformChannel, sets: readonly (readonly number[])[]) => outbox.enqueueUnits(channel, sets)),
    afterTurn: (identity, event) => profiles.afterTurn(identity, event),
    maxAttempts: MAX_TURN_ATTEMPTS,
    apology: { text: TEXT.apology },
    retryLater: waitingOutRedis(logger, 'delayed drain', (delayMs: number) => triggerTurnsLater(queues, delayMs)),
  };
  return { intake: createInboundIntake(deps.intakeDb ?? db, (keys) => triggerTurns(deps.intakeTurns ?? queues, keys)), pipeline, profiles, proofImages, imageDownloader };
}
