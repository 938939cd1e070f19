import { isDatabaseUnavailable, withDatabasePatience } from '../../../src/db/outage';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

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

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET', 'read ECONNRESET')],
    ['a fast shutdown (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006', 'connection failure')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
  ])('When the error is %s, then the database is away', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error (42601)', withCode('42601', 'syntax error')],
    ['a plain error', new Error('something else')],
    ['not an error', 'ECONNREFUSED'],
  ])('When the error is %s, then it is not an outage', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('withDatabasePatience', () => {
  it('When the database is away for a while and comes back, then the work is tried again, more slowly as it lasts, until it succeeds', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await withDatabasePatience(
      async () => {
        calls += 1;
        if (time.now() < 20_000) throw withCode('ECONNREFUSED');
        return 'recorded';
      },
      { patienceMs: 60_000, sleep: time.sleep, now: time.now },
    );
    expect(result).toBe('recorded');
    expect(time.waits.slice(0, 5)).toEqual([250, 500, 1_000, 2_000, 2_000]);
    expect(calls).toBe(time.waits.length + 1);
    expect(time.now()).toBeLessThan(22_000);
  });

  it('When the database stays away past the patience, then the last error is thrown at the deadline', async () => {
    const time = fakeTime();
    const error = withCode('57P03', 'the database system is starting up');
    await expect(withDatabasePatience(async () => Promise.reject(error), { patienceMs: 60_000, sleep: time.sleep, now: time.now })).rejects.toBe(error);
    expect(time.now()).toBe(60_000);
  });

  it('When the error is not an outage, then the work is tried twice more, soon, and the error thrown', async () => {
    const time = fakeTime();
    const onWait = jest.fn();
    let calls = 0;
    const error = withCode('23505');
    await expect(
      withDatabasePatience(
        async () => {
          calls += 1;
          throw error;
        },
        { patienceMs: 60_000, sleep: time.sleep, now: time.now, onWait },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(3);
    expect(time.waits).toEqual([250, 1_000]);
    expect(onWait).toHaveBeenCalledTimes(2);
  });

  it('When other errors are not to be retried, then the first is thrown at once (an outage is still waited out)', async () => {
    const time = fakeTime();
    const errors = [withCode('ECONNREFUSED'), withCode('23505')];
    let calls = 0;
    await expect(
      withDatabasePatience(
        async () => {
          calls += 1;
          throw errors.shift() ?? new Error('more calls than expected');
        },
        { patienceMs: 60_000, sleep: time.sleep, now: time.now, retryOtherErrors: false },
      ),
    ).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(2);
    expect(time.waits).toEqual([250]);
  });

  it('When the work succeeds at once, then nothing waits', async () => {
    const time = fakeTime();
    expect(await withDatabasePatience(async () => 7, { patienceMs: 60_000, sleep: time.sleep, now: time.now })).toBe(7);
    expect(time.waits).toEqual([]);
  });
});
