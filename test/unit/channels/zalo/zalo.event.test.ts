import type { InboundEvent } from '../../../../src/channels/channel';
import { parseZaloWebhook, ZALO_GET_STARTED_VALUE } from '../../../../src/channels/zalo/zalo.event';
import { quoteLongIntegers } from '../../../../src/channels/zalo/zalo.json';
import { ZaloWebhook } from '../../../../src/channels/zalo/zalo.webhook';
import { ZALO_FIXTURE as F, zaloFixture } from '../../../fixtures/zalo/zalo-fixtures';

const ts = Number(F.timestamp);
const base = { channel: 'zalo', userId: F.userId, accountId: F.oaId, platformTs: ts };

function only(name: string): InboundEvent {
  const parsed = parseZaloWebhook(zaloFixture(name));
  if (!parsed.ok) throw new Error(parsed.reason);
  expect(parsed.ignored).toEqual([]);
  expect(parsed.events).toHaveLength(1);
  return parsed.events[0]!;
}

describe('Zalo webhook events', () => {
  it('When a member sends text, then it is a message keyed by msg_id', () => {
    expect(only('user-send-text')).toEqual({
      ...base,
      kind: 'message',
      eventKey: '96d3cdf3af150460909',
      text: 'Cho mình đăng ký tham gia đợt Thanh niên tình nguyện hè nhé!',
      attachments: [],
    });
  });

  it('When an attachment type is a word every object inherits ("constructor"), then the attachment is "other", not a function', () => {
    const body = zaloFixture('user-send-image').toString('utf8').replace('"type":"image"', '"type":"constructor"');
    const parsed = parseZaloWebhook(Buffer.from(body));
    expect(parsed.ok && parsed.events[0]?.kind === 'message' && parsed.events[0].attachments.map((a) => a.type)).toEqual(['other']);
  });

  it('When ids arrive as bare 19-digit numbers, then every digit survives as a string', () => {
    const event = only('user-send-text-numeric-ids');
    expect(event.userId).toBe('2468458835291979221');
    expect(event.accountId).toBe('3886132808788086451');
    expect(event.platformTs).toBe(ts);
    expect(event.kind === 'message' && event.text).toBe('Số 1234567890123456789 trong văn bản giữ nguyên');
  });

  it.each([
    ['user-send-image', '5f2e8a1b9c0d3e4f506', { type: 'image', url: 'https://s120-ava-talk.zadn.vn/0/4/a/b/minh-chung.jpg' }, 'Minh chứng đổi ảnh đại diện của mình'],
    ['user-send-gif', '6a7b8c9d0e1f2a3b4c5', { type: 'image', url: 'https://gif.zadn.vn/chuc-mung.gif', mimeType: 'image/gif' }, undefined],
    [
      'user-send-link',
      '7b8c9d0e1f2a3b4c5d6',
      {
        type: 'link',
        url: 'https://www.facebook.com/doanbintan/posts/123',
        title: 'Thắp nến tri ân các anh hùng liệt sĩ',
        description: 'Đoàn viên phường Bình Hưng Hòa thắp nến tri ân',
      },
      'https://www.facebook.com/doanbintan/posts/123',
    ],
    ['user-send-sticker', '8c9d0e1f2a3b4c5d6e7', { type: 'sticker', url: 'https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=12345' }, undefined],
    ['user-send-file', '9d0e1f2a3b4c5d6e7f8', { type: 'file', url: 'https://f20.zdn.vn/danh-sach.xlsx', title: 'Danh sách đoàn viên.xlsx' }, undefined],
    ['user-send-audio', '0e1f2a3b4c5d6e7f809', { type: 'audio', url: 'https://voice.zdn.vn/loi-nhan.aac' }, undefined],
    ['user-send-video', '1f2a3b4c5d6e7f8091a', { type: 'video', url: 'https://video.zdn.vn/tinh-nguyen.mp4', description: 'Chiến dịch tình nguyện hè' }, undefined],
    ['user-send-location', '2a3b4c5d6e7f8091a2b', { type: 'location', url: 'geo:10.7654321,106.6023456' }, 'Điểm tập trung ở đây'],
  ])('When %s arrives, then it is a message with its attachment', (name, msgId, attachment, text) => {
    const expected: Record<string, unknown> = { ...base, kind: 'message', eventKey: msgId, attachments: [attachment] };
    if (text !== undefined) expected.text = text;
    expect(only(name)).toEqual(expected);
  });

  it('When a user follows or unfollows, then the follower and source come through with a derived key', () => {
    expect(only('follow')).toEqual({ ...base, kind: 'follow', eventKey: `follow:${F.userId}:${F.timestamp}`, source: 'oa_profile' });
    expect(only('unfollow')).toEqual({ ...base, kind: 'unfollow', eventKey: `unfollow:${F.userId}:${F.timestamp}`, source: 'oa_profile' });
  });

  it('When a member shares their info (nested full_address shape), then name and phone come through', () => {
    expect(only('user-submit-info')).toEqual({ ...base, kind: 'sharedInfo', eventKey: `submit_info:${F.userId}:${F.timestamp}`, name: 'Nguyễn Thị Thanh Xuân', phone: '84912345678' });
  });

  it('When a member shares their info (older flat shape), then name and phone come through', () => {
    expect(only('user-submit-info-flat')).toEqual({ ...base, kind: 'sharedInfo', eventKey: `submit_info:${F.userId}:${F.timestamp}`, name: 'Trần Văn Hùng', phone: '84987654321' });
  });

  it('When a message is received or seen, then they are delivery and read receipts', () => {
    expect(only('user-received-message')).toEqual({ ...base, kind: 'delivered', eventKey: `delivered:${F.userId}:63ecf43f0df7dba892e6`, messageIds: ['63ecf43f0df7dba892e6'] });
    expect(only('user-seen-message')).toEqual({
      ...base,
      kind: 'read',
      eventKey: `seen:${F.userId}:${F.timestamp}`,
      messageIds: ['63ecf43f0df7dba892e6', '74fd054f1e08ecb903f7'],
    });
  });

  it('When the bot’s own send is echoed, then it is ignored', () => {
    expect(parseZaloWebhook(zaloFixture('oa-send-text'))).toEqual({ ok: true, events: [], ignored: ['oa_send_text'] });
  });

  it('When staff reply in the OA chat tool (echo with admin_id), then it is a staff reply to the member', () => {
    expect(only('oa-send-text-admin')).toEqual({
      ...base,
      kind: 'staffReply',
      eventKey: '85ae165f2f19fdca1408',
      text: 'Chị đã duyệt minh chứng của em rồi nhé.',
      staffId: '812345678901234567',
    });
  });

  it('When an echo of a kind we do not list carries admin_id, then it is still a staff reply', () => {
    const body = zaloFixture('oa-send-text-admin').toString('utf8').replace('"oa_send_text"', '"oa_send_video"');
    const parsed = parseZaloWebhook(Buffer.from(body));
    expect(parsed.ok && parsed.events[0]?.kind).toBe('staffReply');
  });

  it('When a user taps "Nhắn tin" for the first time, then it is a Get Started message', () => {
    expect(only('user-click-chatnow')).toEqual({
      ...base,
      kind: 'message',
      eventKey: `chatnow:${F.userId}:${F.timestamp}`,
      attachments: [],
      value: ZALO_GET_STARTED_VALUE,
      valueTitle: 'Nhắn tin',
    });
  });

  it('When the event kind is unknown, then it is ignored, not an error', () => {
    expect(parseZaloWebhook(zaloFixture('user-reacted-message'))).toEqual({ ok: true, events: [], ignored: ['user_reacted_message'] });
  });

  it.each([
    ['not JSON', '{"event_name":', /not JSON/],
    ['an array', '[1,2]', /not an object/],
    ['no event_name', '{"timestamp":"1"}', /event_name is missing/],
    ['a text without msg_id', `{"event_name":"user_send_text","sender":{"id":"1"},"recipient":{"id":"2"},"message":{"text":"x"},"timestamp":"1"}`, /message\.msg_id/],
    ['a follow without follower', `{"event_name":"follow","oa_id":"2","timestamp":"1"}`, /follower/],
    ['a follow without oa_id', `{"event_name":"follow","follower":{"id":"1"},"timestamp":"1"}`, /oa_id is missing/],
    ['a timestamp that is not digits', `{"event_name":"follow","oa_id":"2","follower":{"id":"1"},"timestamp":"hôm qua"}`, /timestamp/],
  ])('When the body is %s, then parsing fails with a reason', (_label, body, reason) => {
    const parsed = parseZaloWebhook(Buffer.from(body));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it('When the webhook parses, then it uses the same parser', () => {
    const webhook = new ZaloWebhook({ appId: F.appId, oaSecretKey: F.oaSecretKey });
    expect(webhook.parse(zaloFixture('follow'))).toEqual(parseZaloWebhook(zaloFixture('follow')));
  });
});

describe('quoting long integers before JSON.parse', () => {
  it.each([
    ['{"a":1234567890123456789}', '{"a":"1234567890123456789"}'],
    ['[-1234567890123456789, 12]', '["-1234567890123456789", 12]'],
    ['{"a":123456789012345}', '{"a":123456789012345}'],
    ['{"a":1234567890123456.5,"b":1234567890123456e3}', '{"a":1234567890123456.5,"b":1234567890123456e3}'],
    ['{"t":"1234567890123456789 \\" 9999999999999999999","n":9999999999999999}', '{"t":"1234567890123456789 \\" 9999999999999999999","n":"9999999999999999"}'],
  ])('When the JSON is %s, then only bare long integers are quoted', (input, output) => {
    expect(quoteLongIntegers(input)).toBe(output);
  });
});
