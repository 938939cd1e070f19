import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Agent } from 'undici';
import type { Config } from '../../config/config';
import type { Db } from '../../db/database';
import type { Logger } from '../../logging/logger';
import type { SendFailure } from '../channel';
import { decryptSecret, encryptSecret, SecretDecryptionError } from '../token-crypto';
import { markZaloRefreshRefused, readZaloTokenRow, seedZaloTokenRow, writeRotatedZaloTokens, type ZaloTokenRow } from './zalo-token.repository';
import { requestZaloTokenRefresh, ZALO_ACCESS_TOKEN_LIFETIME_MS } from './zalo.oauth';
import { RedisTokenLock } from './zalo.token-lock';

/**
 * The Zalo OA access token, shared by every process (zalo.md §3).
 *
 * Inputs:   the `channel_tokens` row `zalo` (sealed with SECRETS_KEY); when there is none, it is
 *           seeded once from ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN with an assumed expiry 25 h
 *           after seeding (the settings do not say when the token was issued).
 * getAccessToken(): the current token; refreshes first when less than 5 h of its 25 h remain.
 * refreshAfterRejection(token): after -216 / -220; at most one call to Zalo per rejection.
 * Refresh:  single-flight within the process (one promise) and across processes (Redis lock
 *           `<prefix>:zalo:token-refresh-lock`, SET NX PX 30 s, released by compare-and-delete).
 *           Holding the lock, the row is re-read: a version that moved means another process
 *           rotated, so its token is used and Zalo is not called. Otherwise Zalo is called and the
 *           new pair is WRITTEN (sealed, version + 1) BEFORE the new access token is handed out,
 *           because the old refresh token is single-use. A process finding the lock taken polls the
 *           row until the version moves or the lock is free, for at most 15 s.
 * Failure:  Zalo refusing the refresh token → the row's refresh token is dropped (no process tries
 *           it again), an alert is logged at error, badToken comes back; an OA admin must
 *           re-authorise (then delete the row so that it reseeds from settings). No answer (network,
 *           5xx) → retryable, nothing marked, proactive attempts paused for a minute.
 * Never logs a token, and never throws: every failure comes back as a SendFailure.
 */
export type ZaloTokenResult = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly failure: SendFailure };

/** What the client needs from the token store. */
export interface ZaloAccessTokenSource {
  getAccessToken(): Promise<ZaloTokenResult>;
  refreshAfterRejection(rejectedToken: string): Promise<ZaloTokenResult>;
}

export interface ZaloTokenManagerOptions {
  readonly db: Db;
  readonly redis: Redis;
  readonly config: Pick<Config['zalo'], 'appId' | 'appSecret' | 'accessToken' | 'refreshToken' | 'oauthBase'>;
  readonly secretsKey: Buffer;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Prefix of the Redis keys (QUEUE_PREFIX). */
  readonly keyPrefix?: string;
  readonly lockTtlMs?: number;
  readonly waitForOtherMs?: number;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  /** How long a read of the row is reused before the next send reads it again. */
  readonly cacheMs?: number;
}

const HOUR_MS = 3_600_000;
const REFRESH_WHEN_LEFT_MS = 5 * HOUR_MS;
const PROACTIVE_PAUSE_MS = 60_000;

interface TokenState {
  readonly token: string;
  readonly version: number;
  readonly expiresAt: number | null;
  readonly refreshable: boolean;
  readonly readAt: number;
}

function isDue(state: TokenState, now: number): boolean {
  return state.token === '' || (state.expiresAt !== null && state.expiresAt - now < REFRESH_WHEN_LEFT_MS);
}

const fail = (kind: SendFailure['kind'], code: string, message: string): ZaloTokenResult => ({ ok: false, failure: { kind, code, message } });

export class ZaloTokenManager implements ZaloAccessTokenSource {
  private readonly now: () => number;
  private readonly lock: RedisTokenLock;
  private readonly agent: Agent;
  private readonly logger: Logger;
  private cached: TokenState | undefined;
  private inflight: Promise<ZaloTokenResult> | undefined;
  private proactivePausedUntil = 0;

  constructor(private readonly options: ZaloTokenManagerOptions) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger.child({ channel: 'zalo', component: 'token' });
    this.lock = new RedisTokenLock(options.redis, `${options.keyPrefix ?? 'vx'}:zalo:token-refresh-lock`, options.lockTtlMs ?? 30_000);
    const timeout = options.timeoutMs ?? 10_000;
    this.agent = new Agent({ connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 10_000 });
  }

  async getAccessToken(): Promise<ZaloTokenResult> {
    return this.guard(async () => {
      const now = this.now();
      const state = this.cached && now - this.cached.readAt < (this.options.cacheMs ?? 30_000) ? this.cached : await this.load();
      if (!state) return fail('badToken', 'notConfigured', 'no Zalo OA token: set ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN');
      const usable = state.token !== '' && (state.expiresAt === null || state.expiresAt > now);
      if (isDue(state, now) && state.refreshable && now >= this.proactivePausedUntil) {
        const refreshed = await this.singleFlight(() => this.rotate(undefined));
        // A refresh that failed leaves the current token working until it expires.
        if (refreshed.ok || !usable) return refreshed;
      }
      return usable ? { ok: true, token: state.token } : fail('badToken', 'expired', 'the Zalo OA token has expired and cannot be refreshed');
    });
  }

  async refreshAfterRejection(rejectedToken: string): Promise<ZaloTokenResult> {
    return this.guard(async () => {
      const result = await this.singleFlight(() => this.rotate(rejectedToken));
      // Joined a proactive flight that found nothing due: this rejection still deserves its one refresh.
      if (result.ok && result.token === rejectedToken) return this.singleFlight(() => this.rotate(rejectedToken));
      return result;
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private singleFlight(work: () => Promise<ZaloTokenResult>): Promise<ZaloTokenResult> {
    this.inflight ??= work().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** One rotation attempt, for a rejected token or (undefined) a token close to expiry. */
  private async rotate(rejectedToken: string | undefined): Promise<ZaloTokenResult> {
    const seen = await this.load();
    if (!seen) return fail('badToken', 'notConfigured', 'no Zalo OA token: set ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN');
    // The rejected token is no longer the current one: another process (or an earlier flight) rotated.
    if (rejectedToken !== undefined && seen.token !== rejectedToken && seen.token !== '') return { ok: true, token: seen.token };
    if (rejectedToken === undefined && !isDue(seen, this.now())) return { ok: true, token: seen.token };
    // Waiting is measured on the monotonic clock; the injectable one is for token lifetimes.
    const deadline = performance.now() + (this.options.waitForOtherMs ?? 15_000);
    for (;;) {
      const owner = await this.lock.tryAcquire();
      if (owner !== null) {
        try {
          return await this.rotateHoldingLock(seen.version, rejectedToken !== undefined);
        } finally {
          await this.lock.release(owner).catch((error: unknown) => this.logger.warn({ err: error }, 'could not release the Zalo token lock; it expires by itself'));
        }
      }
      const moved = await this.waitForOther(seen.version, deadline);
      if (moved) return moved;
      if (performance.now() >= deadline) return fail('retryable', 'tokenRefreshBusy', 'another process held the Zalo token refresh for too long');
    }
  }

  /** Polls while another process refreshes: its token once the version moves; undefined once the lock is free. */
  private async waitForOther(baseVersion: number, deadline: number): Promise<ZaloTokenResult | undefined> {
    while (performance.now() < deadline) {
      await sleep(this.options.pollMs ?? 100);
      const row = await this.load();
      if (row && row.version !== baseVersion) {
        return row.token !== '' ? { ok: true, token: row.token } : fail('badToken', 'expired', 'the rotated Zalo OA token is empty');
      }
      if (!(await this.lock.isHeld())) return undefined;
    }
    return undefined;
  }

  private async rotateHoldingLock(baseVersion: number, rejected: boolean): Promise<ZaloTokenResult> {
    const row = await readZaloTokenRow(this.options.db);
    if (!row) return fail('badToken', 'notConfigured', 'the Zalo OA token row disappeared');
    if (row.version !== baseVersion) {
      const state = this.remember(row);
      return { ok: true, token: state.token };
    }
    if (row.refreshTokenEnc === null) return fail('badToken', 'noRefreshToken', 'no usable Zalo refresh token: an OA admin must re-authorise the app');
    const { appId, appSecret, oauthBase } = this.options.config;
    if (!appId || !appSecret) return fail('badToken', 'notConfigured', 'ZALO_APP_ID and ZALO_APP_SECRET are needed to refresh the Zalo OA token');

    const answer = await requestZaloTokenRefresh({
      oauthBase,
      appId,
      appSecret,
      refreshToken: decryptSecret(row.refreshTokenEnc, this.options.secretsKey),
      dispatcher: this.agent,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    const now = this.now();
    if (answer.ok) {
      const key = this.options.secretsKey;
      const accessExpiresAt = new Date(now + answer.expiresInMs);
      if (answer.refreshToken === undefined) this.logger.warn('Zalo rotated the access token without a new refresh token; the next refresh will need re-authorisation');
      // Written before anyone uses the new token: the old refresh token is spent.
      const version = await writeRotatedZaloTokens(this.options.db, {
        accessTokenEnc: encryptSecret(answer.accessToken, key),
        refreshTokenEnc: answer.refreshToken === undefined ? null : encryptSecret(answer.refreshToken, key),
        accessExpiresAt,
        refreshedAt: new Date(now),
      });
      this.cached = { token: answer.accessToken, version, expiresAt: accessExpiresAt.getTime(), refreshable: answer.refreshToken !== undefined, readAt: now };
      this.logger.info({ version, accessExpiresAt: accessExpiresAt.toISOString(), trigger: rejected ? 'rejected' : 'expiring' }, 'Zalo OA token refreshed');
      return { ok: true, token: answer.accessToken };
    }
    if (!answer.refused) {
      this.proactivePausedUntil = now + PROACTIVE_PAUSE_MS;
      this.logger.warn({ code: answer.failure.code, reason: answer.failure.message }, 'Zalo OA token refresh got no answer; will try again later');
      return { ok: false, failure: answer.failure };
    }
    const marked = await markZaloRefreshRefused(this.options.db, baseVersion, new Date(now), rejected);
    if (!marked) {
      const latest = await this.load();
      if (latest && latest.version !== baseVersion && latest.token !== '') return { ok: true, token: latest.token };
    }
    this.cached = undefined;
    this.logger.error(
      { alert: 'zaloTokenRefreshRefused', ...answer.refusal, code: answer.failure.code },
      'Zalo refused to refresh the OA access token: Zalo sends stop until an OA admin re-authorises the app',
    );
    return { ok: false, failure: answer.failure };
  }

  /** Reads the row, seeding it from settings when there is none; undefined when there is nothing. */
  private async load(): Promise<TokenState | undefined> {
    let row = await readZaloTokenRow(this.options.db);
    if (!row) {
      const { accessToken, refreshToken } = this.options.config;
      if (!accessToken && !refreshToken) return undefined;
      const key = this.options.secretsKey;
      const now = this.now();
      await seedZaloTokenRow(this.options.db, {
        accessTokenEnc: encryptSecret(accessToken ?? '', key),
        refreshTokenEnc: refreshToken ? encryptSecret(refreshToken, key) : null,
        // Without an access token, "expired now" makes the first use refresh.
        accessExpiresAt: new Date(accessToken ? now + ZALO_ACCESS_TOKEN_LIFETIME_MS : now),
      });
      this.logger.info({ hasAccessToken: Boolean(accessToken), hasRefreshToken: Boolean(refreshToken) }, 'Zalo OA token seeded from settings');
      row = await readZaloTokenRow(this.options.db);
      if (!row) return undefined;
    }
    return this.remember(row);
  }

  private remember(row: ZaloTokenRow): TokenState {
    const state: TokenState = {
      token: decryptSecret(row.accessTokenEnc, this.options.secretsKey),
      version: row.version,
      expiresAt: row.accessExpiresAt?.getTime() ?? null,
      refreshable: row.refreshTokenEnc !== null,
      readAt: this.now(),
    };
    this.cached = state;
    return state;
  }

  /** PostgreSQL, Redis or a changed SECRETS_KEY failing is not the platform's answer: classified too. */
  private async guard(work: () => Promise<ZaloTokenResult>): Promise<ZaloTokenResult> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SecretDecryptionError) {
        this.logger.error({ alert: 'zaloTokenUnreadable', reason: error.message }, 'the stored Zalo OA token cannot be decrypted (SECRETS_KEY changed?)');
        return fail('badToken', 'tokenUnreadable', error.message);
      }
      this.logger.warn({ err: error }, 'Zalo OA token store unavailable');
      return fail('retryable', 'tokenStore', error instanceof Error ? error.message : String(error));
    }
  }
}
