import type { Redis } from 'ioredis';
import type { PlatformChannel } from '../channels/channel';

/**
 * A channel's send budget, shared in Redis by every process and both send paths (a reply's job
 * and a broadcast's batch): every send takes a token before its HTTP call, so the channel's limit
 * holds however many jobs, batches or processes send at once. BullMQ's limiter counts jobs, not
 * sends, and a batch job is many sends.
 *
 * Tokens come in windows of about a tenth of a second (windowFor), `perSecond / 10` each, counted on
 * Redis's clock: a window's sends start together and reach the platform within it, and a second
 * holds at most ten windows' worth. A reply that finds a window spent says so (a flag that lasts
 * two windows), and while it does batches (bulk) leave a RESERVE share of each window free: a
 * member who writes during a broadcast waits a window at most, and without replies a broadcast
 * has the whole limit.
 *
 * A 429 blocks the channel's budget for the platform's retry-after (`block`): every taker waits it
 * out, in every process.
 */
export interface SendBudget {
  /**
   * Waits until at least one token is free (or `signal` aborts), takes up to `want`, and returns
   * how many it took (≥ 1). `bulk` for a broadcast's batch: it leaves the reserve to replies.
   */
  take(channel: PlatformChannel, want: number, options?: { readonly bulk?: boolean; readonly signal?: AbortSignal }): Promise<number>;
  /** Gives back tokens taken and not used (rows that turned out not to be sendable), if their window is still open. */
  giveBack(channel: PlatformChannel, count: number): Promise<void>;
  /** No token for anyone on this channel for `ms` (the platform said 429). */
  block(channel: PlatformChannel, ms: number): Promise<void>;
}

/** The share of each window a batch leaves to replies while one waits (at least one token). */
const RESERVE = 0.1;

// KEYS[1] the channel's window hash {w, n}; KEYS[2] its block key; KEYS[3] its "a reply waits" flag.
// ARGV: want, max per window, window ms, reserve (tokens a bulk taker leaves while a reply waits; 0 for a reply).
// Returns {taken, waitMs}: taken 0 means wait waitMs and ask again.
const TAKE = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local span = tonumber(ARGV[3])
local win = math.floor(now / span)
local left = (win + 1) * span - now
local used = 0
if tonumber(redis.call('HGET', KEYS[1], 'w') or '-1') == win then used = tonumber(redis.call('HGET', KEYS[1], 'n') or '0') end
local max = tonumber(ARGV[2])
local reserve = tonumber(ARGV[4])
if reserve > 0 and redis.call('EXISTS', KEYS[3]) == 1 then max = max - reserve end
local free = max - used
if free <= 0 then
  if reserve == 0 then redis.call('SET', KEYS[3], '1', 'PX', span * 2) end
  return {0, left}
end
local n = math.min(free, tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'w', win, 'n', used + n)
redis.call('PEXPIRE', KEYS[1], span * 10)
return {n, 0}`;

// KEYS[1] the window hash; ARGV: count, window ms.
const GIVE_BACK = `
local t = redis.call('TIME')
local win = math.floor((tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) / tonumber(ARGV[2]))
if tonumber(redis.call('HGET', KEYS[1], 'w') or '-1') ~= win then return 0 end
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local back = math.min(n, tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'n', n - back)
return back`;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Windows of about a tenth of a second: `max` tokens per `duration` ms (500/s: 50 per 100 ms;
 * 15/s: 1 per 67 ms), so that a second never holds more than the limit.
 */
export function windowFor(perSecond: number): { max: number; duration: number } {
  const max = Math.max(1, Math.floor(perSecond / 10));
  return { max, duration: Math.round((1_000 * max) / perSecond) };
}

/** The budget of each channel, `perSecond` its limit (ZALO_SENDS_PER_SECOND, MESSENGER_SENDS_PER_SECOND). */
export function createSendBudget(redis: Redis, prefix: string, perSecond: Readonly<Record<PlatformChannel, number>>): SendBudget {
  const keys = (channel: PlatformChannel) => [`${prefix}:send-budget:${channel}`, `${prefix}:send-budget:${channel}:blocked`, `${prefix}:send-budget:${channel}:reply-waits`] as const;
  const windows = { zalo: windowFor(perSecond.zalo), messenger: windowFor(perSecond.messenger) };
  const perWindow = (channel: PlatformChannel) => windows[channel].max;
  const windowOf = (channel: PlatformChannel) => windows[channel].duration;

  return {
    async take(channel, want, options = {}) {
      const [windowKey, blockKey, replyWaitsKey] = keys(channel);
      const max = perWindow(channel);
      const reserve = options.bulk ? Math.max(1, Math.ceil(max * RESERVE)) : 0;
      for (;;) {
        if (options.signal?.aborted) throw new Error('send budget: aborted while waiting for a token');
        const [taken, waitMs] = (await redis.eval(TAKE, 3, windowKey, blockKey, replyWaitsKey, Math.max(1, want), max, windowOf(channel), reserve)) as [number, number];
        if (taken > 0) return taken;
        await sleep(Math.max(1, waitMs), options.signal);
      }
    },
    async giveBack(channel, count) {
      if (count <= 0) return;
      await redis.eval(GIVE_BACK, 1, keys(channel)[0], count, windowOf(channel));
    },
    async block(channel, ms) {
      if (ms <= 0) return;
      const blockKey = keys(channel)[1];
      // Never shortens a longer block already set.
      const left = await redis.pttl(blockKey);
      if (left < ms) await redis.set(blockKey, '1', 'PX', Math.ceil(ms));
    },
  };
}
