import {
  classifyMessengerError,
  classifyMessengerTransportError,
  retryAfterFromHeaders,
} from '../../../../src/channels/messenger/messenger.errors';

const graphError = (code: number, subcode?: number, message = 'graph says no', extra: Record<string, unknown> = {}) => ({
  error: { message, type: 'OAuthException', code, ...(subcode === undefined ? {} : { error_subcode: subcode }), fbtrace_id: 'AbCdEf123', ...extra },
});

describe('classifyMessengerError', () => {
  it.each([
    [400, graphError(100, undefined, '(#100) Param message[text] must be non-empty.'), 'badRequest', '100'],
    [400, graphError(100, 2018001, '(#100) No matching user found'), 'unreachable', '100/2018001'],
    [400, graphError(551, 1545041, "(#551) This person isn't available right now."), 'unreachable', '551/1545041'],
    [400, graphError(10, 2018278, '(#10) This message is sent outside of allowed window.'), 'windowClosed', '10/2018278'],
    [400, graphError(10, 2018065, 'This message is sent outside of allowed window. You need page_messaging_subscriptions permission'), 'windowClosed', '10/2018065'],
    [400, graphError(10, 1893063, 'Page temporarily restricted'), 'badToken', '10/1893063'],
    [403, graphError(10, undefined, '(#10) Application does not have permission for this action'), 'badToken', '10'],
    [400, graphError(10, 9999999, 'something new'), 'badRequest', '10/9999999'],
    [401, graphError(190, 463, 'Error validating access token: Session has expired'), 'badToken', '190/463'],
    [403, graphError(200, undefined, '(#200) Requires pages_messaging permission'), 'badToken', '200'],
    [403, graphError(230, undefined, '(#230) Requires pages_messaging_phone_number permission'), 'badToken', '230'],
    [400, graphError(368, 1390008, 'The action attempted has been deemed abusive'), 'badToken', '368/1390008'],
    [500, graphError(1, undefined, 'An unknown error occurred'), 'badToken', '1'],
    [500, graphError(1, undefined, 'An unknown error occurred', { is_transient: true }), 'retryable', '1'],
    [500, graphError(2, undefined, 'An unexpected error has occurred. Please retry your request later.'), 'retryable', '2'],
    [400, graphError(4, undefined, '(#4) Application request limit reached'), 'retryable', '4'],
    [400, graphError(4, 2018354, 'frequency exceeded'), 'windowClosed', '4/2018354'],
    [400, graphError(32, undefined, 'Page request limit reached'), 'retryable', '32'],
    [400, graphError(9, 2018352, 'User is performing too many actions'), 'retryable', '9/2018352'],
    [400, graphError(80006, undefined, 'There have been too many messages sent to this Messenger thread'), 'retryable', '80006'],
    [500, graphError(1200, undefined, 'Temporary send message failure. Please try again later'), 'retryable', '1200'],
    [400, graphError(613, undefined, 'Warning! You are engaging in behavior that may be considered bothersome. Please decrease the rate.'), 'windowClosed', '613'],
    [400, graphError(12345, undefined, 'unknown'), 'badRequest', '12345'],
    [503, graphError(12345, undefined, 'unknown'), 'retryable', '12345'],
    [400, graphError(12345, undefined, 'unknown', { is_transient: true }), 'retryable', '12345'],
    [502, '<html>Bad Gateway</html>', 'retryable', 'http 502'],
    [429, undefined, 'retryable', 'http 429'],
    [404, { message: 'not graph' }, 'badRequest', 'http 404'],
  ])('When Graph answers %i with %j, then it is %s with code %s', (status, body, kind, code) => {
    const failure = classifyMessengerError(status, body, {});
    expect(failure.kind).toBe(kind);
    expect(failure.code).toBe(code);
  });

  it('When Graph explains itself, then the message carries its text and fbtrace_id, bounded', () => {
    const failure = classifyMessengerError(400, graphError(100, 2018001, `(#100) No matching user found${' x'.repeat(400)}`), {});
    expect(failure.message).toMatch(/^\(#100\) No matching user found/);
    expect(failure.message.length).toBeLessThanOrEqual(300);
    expect(classifyMessengerError(400, graphError(100, undefined, 'short'), {}).message).toBe('short (fbtrace_id AbCdEf123)');
  });

  it('When 613 comes without a hint, then the retry waits at least 60 s', () => {
    expect(classifyMessengerError(400, graphError(613, undefined, 'Calls to this API have exceeded the rate limit.'), {})).toMatchObject({ kind: 'retryable', retryAfterMs: 60_000 });
  });

  it('When a rate limit answer says how long to wait, then retryAfterMs follows it', () => {
    expect(classifyMessengerError(400, graphError(4), { 'retry-after': '7' })).toMatchObject({ kind: 'retryable', retryAfterMs: 7000 });
    const usage = JSON.stringify({ '104857600123456': [{ type: 'messenger', call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: 3 }] });
    expect(classifyMessengerError(400, graphError(32), { 'x-business-use-case-usage': usage })).toMatchObject({ kind: 'retryable', retryAfterMs: 180_000 });
    expect(classifyMessengerError(400, graphError(1200), {}).retryAfterMs).toBeUndefined();
  });

  it('When a permanent failure carries a Retry-After, then no retry delay is given', () => {
    expect(classifyMessengerError(400, graphError(100, 2018001), { 'retry-after': '7' }).retryAfterMs).toBeUndefined();
  });
});

describe('retryAfterFromHeaders', () => {
  it('When Retry-After is a date, then the wait is the time until it', () => {
    const now = Date.parse('2024-06-10T10:00:00Z');
    expect(retryAfterFromHeaders({ 'retry-after': 'Mon, 10 Jun 2024 10:00:30 GMT' }, now)).toBe(30_000);
  });

  it('When the headers are absent or unreadable, then there is no hint', () => {
    expect(retryAfterFromHeaders({})).toBeUndefined();
    expect(retryAfterFromHeaders({ 'retry-after': 'soon', 'x-business-use-case-usage': '{not json' })).toBeUndefined();
    expect(retryAfterFromHeaders({ 'x-business-use-case-usage': JSON.stringify({ a: [{ estimated_time_to_regain_access: 0 }] }) })).toBeUndefined();
  });
});

describe('classifyMessengerTransportError', () => {
  it.each([
    [{ code: 'UND_ERR_HEADERS_TIMEOUT', name: 'HeadersTimeoutError' }, 'timeout'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT', name: 'ConnectTimeoutError' }, 'timeout'],
    [{ code: 'UND_ERR_BODY_TIMEOUT', name: 'BodyTimeoutError' }, 'timeout'],
    [{ name: 'TimeoutError' }, 'timeout'],
    [{ code: 'ECONNREFUSED', name: 'Error' }, 'network ECONNREFUSED'],
    [{ code: 'UND_ERR_SOCKET', name: 'SocketError' }, 'network UND_ERR_SOCKET'],
    ['a string', 'network unknown'],
  ])('When the request fails with %j, then it is retryable as %s', (error, code) => {
    expect(classifyMessengerTransportError(error)).toMatchObject({ kind: 'retryable', code });
  });
});
