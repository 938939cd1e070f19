import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { apiOperations } from '../../../src/http/api/api-router';
import { buildApiWorld, call, type ApiWorld } from './api-world';

type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: { 'application/json': { schema: object } } }; parameters: { name: string; in: string }[] }>> };

describe('/api/v1/openapi.json and 400s', () => {
  let t: TestDatabase;
  let w: ApiWorld;
  let doc: Doc;
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await buildApiWorld(t.db);
    const answer = await call(w, 'GET', '/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body as Doc;
  });
  afterAll(async () => {
    await w.close();
    await t.drop();
  });

  it('When the document is fetched without a token, then it is OpenAPI 3.1 and lists every route the router serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(listed).toEqual(
      [
        'GET /waves', 'POST /waves', 'GET /members', 'GET /reports/participation',
        'POST /broadcasts', 'GET /broadcasts/{id}', 'POST /broadcasts/{id}/cancel', 'POST /broadcasts/forecast',
        'GET /exports/waves/{id}.xlsx', 'GET /exports/waves/{id}.csv', 'GET /exports/waves/{id}/participants.csv', 'GET /exports/good-news.xlsx', 'GET /exports/good-news.csv',
      ].sort(),
    );
    const served = apiOperations({ db: t.db, timezone: 'Asia/Ho_Chi_Minh', broadcasts: undefined }).operations.map((o) => `${o.method.toUpperCase()} ${o.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.sort()).toEqual(listed);
    expect(doc.paths['/members']!.get!.parameters.map((p) => p.name).sort()).toEqual(['branch', 'page', 'pageSize', 'q', 'role', 'status']);
    expect(doc.paths['/broadcasts/{id}']!.get!.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    const download = doc.paths['/exports/waves/{id}.xlsx']!.get! as unknown as { parameters: object[]; responses: Record<string, { content: Record<string, { schema: object }> }> };
    expect(download.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(download.responses['200']!.content).toEqual({ 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } });
    expect(Object.keys(download.responses).sort()).toEqual(['200', '400', '401', '404']);
  });

  const wave = { title: 'Thắp nến tri ân', description: 'Mỗi đoàn viên một ngọn nến', action: 'candle', hashtags: ['#ThắpNến'], startsAt: '2026-12-01T07:00:00+07:00', endsAt: '2026-12-08T00:00:00+07:00' };
  const WAVE_BODIES: readonly [string, unknown][] = [
    ['a whole wave', wave],
    ['with an asset and an owner', { ...wave, assetUrl: 'https://example.org/khung.png', ownerUnitId: '00000000-0000-4000-8000-000000000000' }],
    ['without a title', { ...wave, title: undefined }],
    ['an unknown action', { ...wave, action: 'dance' }],
    ['hashtags as a string', { ...wave, hashtags: '#ThắpNến' }],
    ['a time without its offset', { ...wave, startsAt: '2026-12-01T07:00:00' }],
    ['an asset over http', { ...wave, assetUrl: 'not a url' }],
    ['an extra field', { ...wave, colour: 'green' }],
    ['a title too long', { ...wave, title: 'x'.repeat(151) }],
  ];

  it.each(WAVE_BODIES)('When POST /waves gets %s, then the document and the route agree on accepting it', async (_name, body) => {
    const validate = ajv.compile(doc.paths['/waves']!.post!.requestBody!.content['application/json'].schema);
    const documented = validate(JSON.parse(JSON.stringify(body)));
    const answer = await call(w, 'POST', '/waves', { token: w.tokens.admin, body: { ...(body as object), ownerUnitId: undefined } });
    const accepted = answer.status === 201;
    expect({ accepted, documented }).toEqual({ accepted: documented, documented });
    if (!accepted) expect(answer.status).toBe(400);
  });

  const BROADCAST_BODIES: readonly [string, unknown, boolean][] = [
    ['everyone', { text: 'Chào bạn', audience: { everyone: true } }, true],
    ['a mix of filters', { text: 'Chào bạn', audience: { roles: ['member'], channel: 'zalo', topic: 'goodNews' } }, true],
    ['an empty audience', { text: 'Chào bạn', audience: {} }, false],
    ['everyone false', { text: 'Chào bạn', audience: { everyone: false } }, false],
    ['everyone with a filter', { text: 'Chào bạn', audience: { everyone: true, roles: ['member'] } }, false],
    ['an unknown channel', { text: 'Chào bạn', audience: { channel: 'telegram' } }, false],
    ['no text', { audience: { everyone: true } }, false],
    ['four buttons', { text: 'x', audience: { everyone: true }, buttons: Array.from({ length: 4 }, () => ({ title: 'Xem', url: 'https://example.org' })) }, false],
  ];

  it.each(BROADCAST_BODIES)('When POST /broadcasts gets %s, then the document and the route agree (%#)', async (_name, body, expected) => {
    const validate = ajv.compile(doc.paths['/broadcasts']!.post!.requestBody!.content['application/json'].schema);
    const answer = await call(w, 'POST', '/broadcasts', { token: w.tokens.admin, body });
    expect({ documented: validate(body), route: answer.status === 201 }).toEqual({ documented: expected, route: expected });
  });

  it('When GET /members lists a branch, then each member says whether they are the branch secretary, as the document describes', async () => {
    await t.db.updateTable('members').set({ is_branch_secretary: true }).where('branch_id', '=', w.branches.b1).where('role', '=', 'cadre').execute();
    const answer = await call(w, 'GET', `/members?branch=${w.branches.b1}`, { token: w.tokens.admin });
    expect(answer.status).toBe(200);
    const items = answer.body.items as { fullName: string; isBranchSecretary: boolean }[];
    expect(items.map((m) => [m.fullName, m.isBranchSecretary]).sort()).toEqual([
      ['Cán bộ Lê', true],
      ['Đoàn viên Trần', false],
    ]);
    const schema = (doc.paths['/members']!.get! as unknown as { responses: Record<string, { content: { 'application/json': { schema: { properties: { items: { items: { required: string[] } } } } } } }> })
      .responses['200']!.content['application/json'].schema;
    expect(schema.properties.items.items.required).toContain('isBranchSecretary');
    const validate = ajv.compile(schema);
    expect(validate(answer.body)).toBe(true);
  });

  it('When a body is bad, then 400 names each field and says why in Vietnamese', async () => {
    const answer = await call(w, 'POST', '/waves', { token: w.tokens.admin, body: { ...wave, title: '', action: 'dance', hashtags: ['ok tag', '!'], endsAt: '2026-11-30T00:00:00+07:00', extra: 1 } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: 'title', in: 'body', reason: 'cần ít nhất 3 ký tự' },
        { path: 'action', in: 'body', reason: 'phải là một trong: avatarFrame, publicPost, candle, shareOfficialPost, other' },
        { path: 'hashtags.1', in: 'body', reason: 'hashtag cần ít nhất 2 chữ' },
        { path: 'extra', in: 'body', reason: 'trường không được nhận' },
      ]),
    );
    const order = await call(w, 'POST', '/waves', { token: w.tokens.admin, body: { ...wave, endsAt: '2026-11-30T00:00:00+07:00' } });
    expect(order.body.error.fields).toEqual([{ path: 'endsAt', in: 'body', reason: 'phải sau startsAt' }]);
    const past = await call(w, 'POST', '/waves', { token: w.tokens.admin, body: { ...wave, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-02-01T00:00:00Z' } });
    expect(past.body.error.fields).toEqual([{ path: 'endsAt', in: 'body', reason: 'đã qua' }]);
    const query = await call(w, 'GET', '/reports/participation?wave=abc', { token: w.tokens.admin });
    expect(query.body.error.fields).toEqual([{ path: 'wave', in: 'query', reason: 'phải là một id (UUID)' }]);
    const missing = await call(w, 'GET', '/reports/participation', { token: w.tokens.admin });
    expect(missing.body.error.fields).toEqual([{ path: 'wave', in: 'query', reason: 'bắt buộc, chưa có' }]);
    const nested = await call(w, 'POST', '/broadcasts', { token: w.tokens.admin, body: { text: 'x', audience: { wave: { id: w.waves.b1, state: 'maybe' } } } });
    expect(nested.body.error.fields).toEqual([{ path: 'audience.wave.state', in: 'body', reason: expect.stringContaining('phải là một trong: joined') }]);
    const param = await call(w, 'GET', '/broadcasts/42', { token: w.tokens.admin });
    expect(param.body.error.fields).toEqual([{ path: 'id', in: 'path', reason: 'phải là một id (UUID)' }]);
  });
});
