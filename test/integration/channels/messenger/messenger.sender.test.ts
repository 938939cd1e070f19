import { MessengerClient } from '../../../../src/channels/messenger/messenger.client';
import { MessengerSender } from '../../../../src/channels/messenger/messenger.sender';
import type { SendApiRequest } from '../../../../src/channels/messenger/messenger.types';
import type { OutboundMessage } from '../../../../src/domain/shared/outbound-message';
import { graphError, GraphStandIn } from './graph-stand-in';

const PSID = '7512345678901234';
const RESPONSE = { channel: 'messenger', messagingType: 'RESPONSE' } as const;
const launch: OutboundMessage = {
  imageUrl: 'https://vungxanh.example/khung-thang-thanh-nien.png',
  text: 'Đợt “Tháng Thanh niên” đã bắt đầu! Bạn thay khung ảnh đại diện và gửi minh chứng nhé.',
  links: [{ title: 'Bài viết phát động', url: 'https://facebook.com/quandoanbinhtan/posts/1' }],
  choices: [
    { title: 'Tham gia', value: 'WAVE_JOIN:7' },
    { title: 'Để sau', value: 'LATER' },
  ],
};

describe('MessengerSender through the client to a local Graph stand-in', () => {
  let graph: GraphStandIn;
  let client: MessengerClient;
  let sender: MessengerSender;
  const sent = () => graph.requests.map((r) => JSON.parse(r.body) as SendApiRequest);

  beforeEach(async () => {
    graph = await GraphStandIn.start();
    client = new MessengerClient({ graphApiBase: graph.baseUrl, graphApiVersion: 'v25.0', pageAccessToken: 'page-token', timeoutMs: 2_000 });
    sender = new MessengerSender(client);
  });
  afterEach(async () => {
    await client.close();
    await graph.close();
  });

  it('When a message renders to several parts, then they go out in order and every message id comes back', async () => {
    const result = await sender.send(PSID, launch, RESPONSE);
    expect(result).toEqual({ ok: true, messageIds: ['m_out_1', 'm_out_2'] });
    expect(sent().map((r) => r.message.attachment?.type)).toEqual(['image', 'template']);
    expect(sent()[1]!.message).toMatchObject({ attachment: { type: 'template', payload: { text: launch.text } }, metadata: 'vx:2/2' });
    expect(sent()[1]!.message.quick_replies).toHaveLength(2);
  });

  it('When a later part fails, then sending stops there and the failure says which parts were delivered', async () => {
    graph.reply({ status: 200, body: { recipient_id: PSID, message_id: 'm_first' } }, graphError(400, 10, '(#10) This message is sent outside of allowed window.', 2018278));
    const result = await sender.send(PSID, { ...launch, links: [...launch.links!, { title: 'Hướng dẫn', url: 'https://x.example/1' }, { title: 'Mẫu', url: 'https://x.example/2' }, { title: 'Thêm', url: 'https://x.example/3' }] }, RESPONSE);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'windowClosed', code: '10/2018278' }, sentMessageIds: ['m_first'] });
    expect(graph.requests).toHaveLength(2);
  });

  it('When a retry skips the parts already delivered, then only the rest goes out', async () => {
    const result = await sender.send(PSID, launch, RESPONSE, { skipParts: 1 });
    expect(result).toEqual({ ok: true, messageIds: ['m_out_1'] });
    expect(sent().map((r) => r.message.metadata)).toEqual(['vx:2/2']);
  });

  it('When the message is empty, then nothing is sent and the result is ok with no ids', async () => {
    await expect(sender.send(PSID, {}, RESPONSE)).resolves.toEqual({ ok: true, messageIds: [] });
    expect(graph.requests).toEqual([]);
  });

  it('When a Zalo send mode reaches it, then it refuses without sending', async () => {
    await expect(sender.send(PSID, launch, { channel: 'zalo', kind: 'cs' })).resolves.toMatchObject({ ok: false, failure: { kind: 'badRequest', code: 'wrongChannel' } });
    expect(graph.requests).toEqual([]);
  });

  it.each([
    ['a name', { name: 'Nguyễn Văn An', first_name: 'An', last_name: 'Nguyễn' }, { displayName: 'Nguyễn Văn An' }],
    ['only first and last names', { first_name: 'Bình', last_name: 'Trần Thị' }, { displayName: 'Trần Thị Bình' }],
    ['no names', { id: PSID }, null],
  ])('When the profile has %s, then the display name follows', async (_what, profile, expected) => {
    graph.reply({ status: 200, body: profile });
    await expect(sender.fetchProfile(PSID)).resolves.toEqual(expected);
  });

  it('When the profile cannot be read, then it is null and nothing throws', async () => {
    graph.reply(graphError(400, 100, 'Unsupported get request. Object with ID does not exist', 33));
    await expect(sender.fetchProfile(PSID)).resolves.toBeNull();
  });
});
