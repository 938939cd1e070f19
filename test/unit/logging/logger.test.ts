import { Writable } from 'node:stream';
import { runWithLogContext } from '../../../src/logging/log-context';
import { createLogger } from '../../../src/logging/logger';
import { maskPhone, scrubText } from '../../../src/logging/redact';

function capture(): { lines: () => Record<string, unknown>[]; raw: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const raw = () => chunks.join('');
  return {
    stream,
    raw,
    lines: () =>
      raw()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logging', () => {
  it('When objects carry tokens, secrets and phones, then none of them is written in clear', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', pretty: false }, out.stream);
    logger.info(
      {
        access_token: 'zalo-access-abc123',
        refreshToken: 'zalo-refresh-def456',
        nested: { secret_key: 'oa-secret-xyz', password: 'hunter2hunter2' },
        headers: { authorization: 'Bearer api-token-789', 'x-hub-signature-256': 'sha256=deadbeef' },
        member: { phone: '+84912345678' },
        url: 'https://graph.facebook.com/v25.0/me/messages?access_token=EAAGpagetoken&x=1',
      },
      'gọi cho 0912 345 678 hoặc +84987654321, token=abc',
    );
    const raw = out.raw();
    for (const leak of ['zalo-access-abc123', 'zalo-refresh-def456', 'oa-secret-xyz', 'hunter2hunter2', 'api-token-789', 'deadbeef', '912345678', '0912 345 678', '987654321', 'EAAGpagetoken', 'token=abc']) {
      expect(raw).not.toContain(leak);
    }
    const [line] = out.lines();
    expect(line).toMatchObject({
      access_token: '[redacted]',
      member: { phone: '***678' },
      url: 'https://graph.facebook.com/v25.0/me/messages?access_token=[redacted]&x=1',
      msg: 'gọi cho ***678 hoặc ***321, token=[redacted]',
    });
  });

  it('When an error holds a token in its message, then the message and stack are scrubbed', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', pretty: false }, out.stream);
    logger.error({ err: new Error('request to /oa?access_token=leaked-token failed') }, 'send failed');
    expect(out.raw()).not.toContain('leaked-token');
  });

  it('When an error is logged, then its class, code and cause are kept', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', pretty: false }, out.stream);
    class ZaloApiError extends Error {
      readonly code = -216;
    }
    logger.error({ err: new ZaloApiError('token invalid', { cause: new TypeError('fetch failed') }) }, 'send failed');
    expect(out.lines()[0]).toMatchObject({ err: { type: 'ZaloApiError', message: 'token invalid', code: -216, cause: { type: 'TypeError', message: 'fetch failed' } } });
  });

  it('When a child logger is bound to secrets or phones, then the bindings are scrubbed too', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', pretty: false }, out.stream);
    logger.child({ headers: { authorization: 'Bearer child-secret' }, phone: '0912345678', url: '/x?access_token=child-token' }).info('bound');
    const raw = out.raw();
    expect(raw).not.toContain('child-secret');
    expect(raw).not.toContain('child-token');
    expect(raw).not.toContain('912345678');
  });

  it('When a line is written inside a request or job context, then it carries those ids', async () => {
    const out = capture();
    const logger = createLogger({ level: 'info', pretty: false }, out.stream);
    await runWithLogContext({ reqId: 'req-1' }, async () => {
      await Promise.resolve();
      logger.info('inside the request');
      runWithLogContext({ jobId: 'job-7', queue: 'housekeeping' }, () => logger.info('inside a job'));
    });
    logger.info('outside');
    const [inRequest, inJob, outside] = out.lines();
    expect(inRequest).toMatchObject({ reqId: 'req-1', msg: 'inside the request' });
    expect(inJob).toMatchObject({ reqId: 'req-1', jobId: 'job-7', queue: 'housekeeping' });
    expect(outside).not.toHaveProperty('reqId');
  });

  it('When the caller logs an object, then the caller’s object is left untouched', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', pretty: false }, out.stream);
    const payload = { access_token: 'keep-me', phone: '0912345678' };
    logger.info(payload, 'x');
    expect(payload).toEqual({ access_token: 'keep-me', phone: '0912345678' });
  });

  it.each([
    ['0912345678', '***678'],
    ['+84 912 345 678', '***678'],
    ['84912345678', '***678'],
    ['0912.345.678', '***678'],
    ['01627123456', '***456'],
  ])('When text holds the phone %s, then it is masked', (phone, masked) => {
    expect(scrubText(`số ${phone}.`)).toBe(`số ${masked}.`);
  });

  it('When text holds other numbers (ids, amounts, timestamps), then they are kept', () => {
    const text = 'msg 1718000000000 user 246845883529197922 amount 120000 year 2024';
    expect(scrubText(text)).toBe(text);
    expect(maskPhone('+84912345678')).toBe('***678');
  });
});
