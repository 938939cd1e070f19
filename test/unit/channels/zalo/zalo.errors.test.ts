import { classifyZaloError, classifyZaloTransportError, untilMorningInVietnam } from '../../../../src/channels/zalo/zalo.errors';

const options = { random: () => 0.5, now: () => Date.parse('2025-11-28T16:00:00Z') };
const app = (error: number, message = 'thông báo') => classifyZaloError(200, { error, message }, options);

describe('classifying Zalo answers', () => {
  it('When the envelope says error 0, then it is a success', () => {
    expect(classifyZaloError(200, { error: 0, message: 'Success', data: { message_id: 'x' } })).toBeNull();
  });

  it.each([
    [-216, 'badToken'],
    [-220, 'badToken'],
    [-32, 'retryable'],
    [-200, 'retryable'],
    [-211, 'retryable'],
    [-218, 'retryable'],
    [-100, 'badRequest'],
    [-201, 'badRequest'],
    [-210, 'badRequest'],
    [-233, 'badRequest'],
    [-248, 'badRequest'],
    [-213, 'unreachable'],
    [-217, 'unreachable'],
    [-227, 'unreachable'],
    [-244, 'unreachable'],
    [-230, 'windowClosed'],
    [-232, 'windowClosed'],
    [-234, 'windowClosed'],
    ...[-204, -205, -209, -212, -219, -221, -223, -224, -235, -240, -242, -320, -321].map((c) => [c, 'badToken'] as [number, string]),
    [-999, 'badRequest'],
  ])('When Zalo answers HTTP 200 with error %i, then it is %s', (code, kind) => {
    const failure = app(code);
    expect(failure).toMatchObject({ kind, code: String(code) });
    expect(failure?.message).toContain('thông báo');
  });

  it('When the rate limit is hit (-32), then it waits a minute plus jitter', () => {
    expect(app(-32)?.retryAfterMs).toBe(60_000 + 7_500);
  });

  it('When a quota is out (-211, -218), then it reschedules an hour or more later', () => {
    expect(app(-211)?.retryAfterMs).toBe(3_600_000 + 300_000);
  });

  it('When sending at night is refused (-234), then it waits until 06:05 in Vietnam', () => {
    // 16:00 UTC = 23:00 in Vietnam: 7 h 5 min to go.
    expect(app(-234)?.retryAfterMs).toBe((7 * 60 + 5) * 60_000);
    expect(untilMorningInVietnam(Date.parse('2025-11-28T23:00:00Z'))).toBe(5 * 60_000);
    expect(untilMorningInVietnam(Date.parse('2025-11-28T23:10:00Z'))).toBe(24 * 3_600_000 - 5 * 60_000);
  });

  it.each([
    [500, 'retryable'],
    [503, 'retryable'],
    [429, 'retryable'],
    [408, 'retryable'],
    [401, 'badToken'],
    [403, 'badToken'],
    [404, 'badRequest'],
  ])('When the HTTP status is %i, then it is %s', (status, kind) => {
    expect(classifyZaloError(status, undefined)).toMatchObject({ kind, code: `http ${status}` });
  });

  it('When HTTP 200 carries no envelope, then it is retryable', () => {
    expect(classifyZaloError(200, undefined)).toMatchObject({ kind: 'retryable', code: 'http 200' });
  });

  it('When the network fails or times out, then it is retryable', () => {
    expect(classifyZaloTransportError(Object.assign(new Error('headers timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toMatchObject({ kind: 'retryable', code: 'timeout' });
    expect(classifyZaloTransportError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ kind: 'retryable', code: 'network ECONNREFUSED' });
  });
});
