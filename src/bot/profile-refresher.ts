import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelProfile, ChannelSender, InboundEvent, PlatformChannel } from '../channels/channel';
import type { Db } from '../db/database';
import { createGroupCommit } from '../db/group-commit';
import { recordProfiles, type IdentityRecord } from '../domain/identities/identities.repository';
import type { Logger } from '../logging/logger';

export interface ProfileRefresherDeps {
  readonly db: Db;
  readonly senders: Partial<Record<PlatformChannel, ChannelSender>>;
  readonly logger: Logger;
  /** A display name older than this is fetched again. */
  readonly refreshAfterMs?: number;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

export interface ProfileRefresher {
  /** Fetches the member's display name in the background when it is missing or old; never throws, never blocks the turn. */
  afterTurn(identity: IdentityRecord, event: InboundEvent): void;
  /** Waits for the fetches under way (shutdown, tests). */
  drain(): Promise<void>;
}

const THIRTY_DAYS_MS = 30 * 86_400_000;
/** Waits before trying again to record a name while a turn of the member holds its row (about 1.5 s in all). */
const RECORD_RETRY_MS = [100, 400, 1_000] as const;

/**
 * Display names come from the platform's profile endpoint once, then rarely: a failure (the
 * platform refuses, times out) is recorded as a fetch without a name, so it is not retried on
 * every message.
 */
export function createProfileRefresher(deps: ProfileRefresherDeps): ProfileRefresher {
  const inFlight = new Map<string, Promise<void>>();
  const refreshAfter = deps.refreshAfterMs ?? THIRTY_DAYS_MS;
  const timeoutMs = deps.timeoutMs ?? 3_000;
  const now = deps.now ?? (() => new Date());
  // Names fetched at about the same time are recorded together, one statement for all.
  const record = createGroupCommit(async (items: readonly { identityId: string; displayName: string | null }[]) => {
    const recorded = await recordProfiles(deps.db, items);
    return items.map((x) => recorded.has(x.identityId));
  });
  const recordProfile = (identityId: string, displayName: string | null) => record({ identityId, displayName });

  async function fetchAndRecord(identity: IdentityRecord, sender: ChannelSender, userId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    let profile: ChannelProfile | null;
    try {
      profile = await Promise.race([sender.fetchProfile(userId).catch(() => null), timeout]);
    } finally {
      clearTimeout(timer);
    }
    const name = profile?.displayName ?? identity.displayName;
    if (await recordProfile(identity.id, name)) return;
    // A turn of this member holds the row (it commits in milliseconds): try again a few times,
    // waiting without a connection; if it stays busy, a later turn fetches the name again.
    for (const ms of RECORD_RETRY_MS) {
      await sleep(ms);
      if (await recordProfile(identity.id, name)) return;
    }
    deps.logger.debug({ identityId: identity.id }, 'profile not recorded: the identity stayed busy; a later turn fetches it again');
  }

  return {
    afterTurn(identity, event) {
      // After an erasure request the identity holds nothing personal: its profile is not fetched again.
      if (event.kind === 'unfollow' || event.kind === 'delivered' || event.kind === 'read' || event.kind === 'erasureRequest') return;
      const fetchedAt = identity.profileFetchedAt?.getTime();
      if (fetchedAt !== undefined && now().getTime() - fetchedAt < refreshAfter) return;
      const sender = deps.senders[event.channel];
      if (!sender || inFlight.has(identity.id)) return;
      const work = fetchAndRecord(identity, sender, event.userId)
        .catch((err: unknown) => deps.logger.debug({ err, channel: event.channel }, 'profile not fetched'))
        .finally(() => inFlight.delete(identity.id));
      inFlight.set(identity.id, work);
    },
    async drain() {
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
