import { createHash } from 'node:crypto';
import { Router } from 'express';
import { AppError } from '../../../src/errors/app-error';
import { createHttpApp } from '../../../src/http/app';
import { captureLogs, type CapturedLogs } from '../../helpers/logs';
import { serve, type RunningServer } from './http-server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('http app', () => {
  let logs: CapturedLogs;
  let server: RunningServer;

  beforeAll(async () => {
    logs = captureLogs();
    const probe = Router();
    probe.get('/echo', async (req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logs.logger.info('handler after an await');
      res.json({ ok: true });
    });
    probe.post('/digest', (req, res) => {
      logs.logger.info({ size: req.rawBody?.length }, 'body received');
      res.json({ sha256: createHash('sha256').update(req.rawBody ?? Buffer.alloc(0)).digest('hex'), body: req.body as unknown });
    });
    probe.get('/conflict', async () => {
      throw new AppError('CONFLICT', 'the wave is already closed');
    });
    probe.get('/crash', () => {
      throw new Error('select * from members where phone = 0912345678 exploded');
    });
    const app = createHttpApp({ logger: logs.logger, routers: [{ path: '/probe', router: probe }], bodyLimit: '1kb' });
    server = await serve(app);
  });

  afterAll(async () => {
    await server.close();
    if (process.env.SHOW_LOGS) process.stdout.write(logs.text());
  });

  const linesOf = (reqId: string) => logs.lines().filter((l) => l.reqId === reqId);

  // The access line is written on the response's 'finish', which may come just after the client has it.
  async function accessLineOf(reqId: string) {
    for (let i = 0; i < 50; i += 1) {
      const line = linesOf(reqId).find((l) => l.msg === 'request completed' || l.msg === 'request errored');
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return undefined;
  }

  it('When a request carries a valid X-Request-Id, then it is echoed and every log line of the request has it', async () => {
    const res = await fetch(`${server.url}/probe/echo`, { headers: { 'X-Request-Id': 'abc-123.def' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('abc-123.def');
    expect(await accessLineOf('abc-123.def')).toBeDefined();
    const messages = linesOf('abc-123.def').map((l) => l.msg);
    expect(messages).toEqual(expect.arrayContaining(['handler after an await', 'request completed']));
  });

  it('When a request has no usable X-Request-Id, then a fresh UUID is made and echoed', async () => {
    const none = await fetch(`${server.url}/probe/echo`);
    expect(none.headers.get('x-request-id')).toMatch(UUID);
    const unsafe = await fetch(`${server.url}/probe/echo`, { headers: { 'X-Request-Id': 'x'.repeat(200) } });
    expect(unsafe.headers.get('x-request-id')).toMatch(UUID);
  });

  it('When a JSON body arrives, then the handler sees it parsed and its exact bytes, inside the request context', async () => {
    const raw = '{"a": 1,  "b":"Đoàn"}';
    const res = await fetch(`${server.url}/probe/digest`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'digest-1' }, body: raw });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sha256: createHash('sha256').update(raw).digest('hex'), body: { a: 1, b: 'Đoàn' } });
    expect(linesOf('digest-1').map((l) => l.msg)).toContain('body received');
  });

  it('When the JSON body is malformed, then 400 with the error envelope', async () => {
    const res = await fetch(`${server.url}/probe/digest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
  });

  it('When the body is larger than the limit, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await fetch(`${server.url}/probe/digest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(2048) }) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('When no route matches, then a JSON 404', async () => {
    const res = await fetch(`${server.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /nowhere' } });
  });

  it('When a handler rejects with an AppError, then its code decides the status and the message is kept', async () => {
    const res = await fetch(`${server.url}/probe/conflict`);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'CONFLICT', message: 'the wave is already closed' } });
  });

  it('When a handler throws an unexpected error, then 500 INTERNAL without its message or stack, and the log has the stack', async () => {
    const res = await fetch(`${server.url}/probe/crash`, { headers: { 'x-request-id': 'crash-1' } });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'INTERNAL', message: 'an unexpected failure' } });
    expect(body).not.toMatch(/select|exploded|at /);
    const line = await accessLineOf('crash-1');
    expect(line?.level).toBe('error');
    expect(JSON.stringify(line?.err)).toMatch(/exploded/);
    expect(JSON.stringify(line)).not.toContain('0912345678');
  });

  it('When a request carries credentials in headers or the query, then none of them reach the log', async () => {
    await fetch(`${server.url}/probe/echo?access_token=QUERYSECRET&hub.verify_token=VERIFYSECRET`, {
      headers: { authorization: 'Bearer HEADERSECRET', cookie: 'sid=COOKIESECRET', 'x-hub-signature-256': 'sha256=SIGSECRET', 'x-request-id': 'secret-1' },
    });
    const access = await accessLineOf('secret-1');
    const text = logs.text();
    for (const secret of ['QUERYSECRET', 'VERIFYSECRET', 'HEADERSECRET', 'COOKIESECRET', 'SIGSECRET']) expect(text).not.toContain(secret);
    expect(access).toMatchObject({ req: { method: 'GET', url: expect.stringContaining('/probe/echo?access_token=[redacted]') }, res: { statusCode: 200 } });
  });
});
