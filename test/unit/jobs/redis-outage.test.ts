import { ReplyError } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { isRedisUnavailable, withRedisPatience } from '../../../src/jobs/redis-outage';
import { AFTER_COMMIT_REDIS_PATIENCE_MS, waitingOutRedis } from '../../../src/jobs/turns.processor';
import { captureLogs } from '../../helpers/logs';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
/** What the producer connection (no offline queue) throws for every command while it reconnects. */
const notWriteable = () => new Error("Stream isn't writeable and enableOfflineQueue options is false");

/** A clock that sleeping moves forward, so the deadline is tested without waiting. */
function fakeTime() {
  let t = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
}

describe('isRedisUnavailable', () => {
  it.each([
    ['a command under way as the connection dropped', new MaxRetriesPerRequestError(1)],
    ['a command while the connection reconnects', notWriteable()],
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6379')],
    ['a reset connection', withCode('ECONNRESET', 'read ECONNRESET')],
  ])('When the error is %s, then Redis is away', (_what, error) => {
    expect(isRedisUnavailable(error)).toBe(true);
  });

  it.each([
    ['a connection closed on purpose (shutdown)', new Error('Connection is closed.')],
    ['an error reply', new (ReplyError as new (message: string) => Error)('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['Redis out of memory', new (ReplyError as new (message: string) => Error)("OOM command not allowed when used memory > 'maxmemory'.")],
    ['a plain error', new Error('something else')],
    ['not an error', "Stream isn't writeable"],
  ])('When the error is %s, then it is not an outage', (_what, error) => {
    expect(isRedisUnavailable(error)).toBe(false);
  });
});

describe('withRedisPatience', () => {
  it('When Redis is away for a while and comes back, then the work is tried again often (a try costs no round trip) until it succeeds', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await withRedisPatience(
      async () => {
        calls += 1;
        if (time.now() < 10_000) throw notWriteable();
        return 'added';
      },
      { patienceMs: 30_000, sleep: time.sleep, now: time.now },
    );
    expect(result).toBe('added');
    expect(time.waits.slice(0, 5)).toEqual([100, 200, 400, 500, 500]);
    expect(calls).toBe(time.waits.length + 1);
    expect(time.now()).toBeLessThan(10_500);
  });

  it('When Redis stays away past the patience, then the last error is thrown at the deadline', async () => {
    const time = fakeTime();
    const error = new MaxRetriesPerRequestError(1);
    await expect(withRedisPatience(async () => Promise.reject(error), { patienceMs: 30_000, sleep: time.sleep, now: time.now })).rejects.toBe(error);
    expect(time.now()).toBe(30_000);
  });

  it('When the error is not an outage, then it is thrown at once, untried again', async () => {
    const time = fakeTime();
    const onWait = jest.fn();
    let calls = 0;
    const error = new (ReplyError as new (message: string) => Error)('WRONGTYPE Operation against a key holding the wrong kind of value');
    await expect(
      withRedisPatience(
        async () => {
          calls += 1;
          throw error;
        },
        { patienceMs: 30_000, sleep: time.sleep, now: time.now, onWait },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
    expect(time.waits).toEqual([]);
    expect(onWait).not.toHaveBeenCalled();
  });
});

describe('waitingOutRedis (what a committed batch of turns hands to Redis)', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('When Redis stays away past the patience, then it warns once as it starts waiting, once as it gives up, and throws (the rows stay queued for the relay)', async () => {
    jest.useFakeTimers();
    const logs = captureLogs('info');
    const enqueue = jest.fn(async (_ids: readonly number[]) => Promise.reject(notWriteable()));
    const settled = waitingOutRedis(logs.logger, 'replies', enqueue)([1, 2]).catch((error: unknown) => error);

    await jest.advanceTimersByTimeAsync(AFTER_COMMIT_REDIS_PATIENCE_MS - 1_000);
    expect(logs.lines().map((l) => l.msg)).toEqual(['turns: Redis is away; the committed batch waits for it to add its jobs']);
    await jest.advanceTimersByTimeAsync(1_000);

    expect(await settled).toMatchObject({ message: expect.stringMatching(/^Stream isn't writeable/) });
    expect(enqueue.mock.calls.length).toBeGreaterThan(50);
    expect(enqueue).toHaveBeenCalledWith([1, 2]);
    const lines = logs.lines();
    expect(lines.map((l) => l.msg)).toEqual(['turns: Redis is away; the committed batch waits for it to add its jobs', 'turns: Redis stayed away; the batch leaves its rows queued for the outbox relay']);
    expect(lines.every((l) => l.what === 'replies' && l.patienceMs === AFTER_COMMIT_REDIS_PATIENCE_MS)).toBe(true);
  });

  it('When the enqueue fails otherwise, then it is thrown at once, without a warning', async () => {
    const logs = captureLogs('info');
    const error = new (ReplyError as new (message: string) => Error)("OOM command not allowed when used memory > 'maxmemory'.");
    const enqueue = jest.fn(async () => Promise.reject(error));
    await expect(waitingOutRedis(logs.logger, 'replies', enqueue)()).rejects.toBe(error);
    expect(enqueue).toHaveBeenCalledTimes(1);
    expect(logs.lines()).toEqual([]);
  });
});
