import type { InboundEvent, ParsedWebhook } from '../../../../src/channels/channel';
import { parseMessengerWebhook } from '../../../../src/channels/messenger/messenger.event';
import { AN, BINH, fixtureBytes, PAGE_ID } from './fixtures';

function parsed(body: Buffer | string): { events: readonly InboundEvent[]; ignored: readonly string[] } {
  const result: ParsedWebhook = parseMessengerWebhook(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result;
}

function failure(body: Buffer | string): string {
  const result = parseMessengerWebhook(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  if (result.ok) throw new Error('expected a failure');
  return result.reason;
}

const wrap = (messaging: unknown[]) => JSON.stringify({ object: 'page', entry: [{ id: PAGE_ID, time: 1, messaging }] });
const user = { sender: { id: AN }, recipient: { id: PAGE_ID }, timestamp: 1718000000000 };

describe('parseMessengerWebhook', () => {
  it('When the bytes use \\u escapes, then the text comes out as Vietnamese, URL slashes unescaped', () => {
    const { events } = parsed(fixtureBytes('text-escaped.json'));
    expect(events).toEqual([
      {
        channel: 'messenger',
        kind: 'message',
        eventKey: 'm_escaped_AaBbCc01',
        userId: AN,
        accountId: PAGE_ID,
        platformTs: 1718000000123,
        text: 'Chào anh chị, em gửi minh chứng đợt hoạt động: https://www.facebook.com/share/p/1AbCdEf/ ạ',
        attachments: [],
      },
    ]);
  });

  it('When a body batches 2 entries × 2 items of mixed kinds, then every one becomes an event, in body order', () => {
    const { events, ignored } = parsed(fixtureBytes('batched.json'));
    expect(ignored).toEqual([]);
    expect(events.map((e) => [e.kind, e.eventKey, e.userId, e.platformTs])).toEqual([
      ['message', 'm_batch_text_01', AN, 1718000000100],
      ['message', 'm_batch_postback_02', BINH, 1718000000200],
      ['message', 'm_batch_quick_03', AN, 1718000000300],
      ['delivered', `delivery:${BINH}:1718000000350`, BINH, 1718000000400],
    ]);
    expect(events.every((e) => e.channel === 'messenger' && e.accountId === PAGE_ID)).toBe(true);
    expect(events[0]).toMatchObject({ text: 'Mình muốn tham gia đợt "Tháng Thanh niên"', attachments: [] });
    expect(events[1]).toMatchObject({ value: 'GET_STARTED', valueTitle: 'Bắt đầu', attachments: [] });
    expect(events[2]).toMatchObject({ text: 'Đăng ký', value: 'WAVE_JOIN:42' });
    expect(events[3]).toMatchObject({ messageIds: ['m_sent_by_us_09'], watermark: 1718000000350 });
  });

  it('When the Page echoes our message and a human reply from the Page inbox, then ours is ignored and the human one is a staff reply', () => {
    const { events, ignored } = parsed(fixtureBytes('echoes.json'));
    expect(ignored).toEqual(['echo']);
    expect(events).toEqual([
      {
        channel: 'messenger',
        kind: 'staffReply',
        eventKey: 'm_echo_staff_02',
        userId: AN,
        accountId: PAGE_ID,
        platformTs: 1718000200200,
        text: 'Chào An, chị Hạnh ở Quận Đoàn đây. Em cần hỗ trợ gì thêm không?',
      },
    ]);
  });

  it('When delivery and read receipts arrive, then they carry mids (or none) and watermarks under watermark keys', () => {
    const { events } = parsed(fixtureBytes('receipts.json'));
    expect(events).toEqual([
      { channel: 'messenger', kind: 'delivered', eventKey: `delivery:${AN}:1718000300050`, userId: AN, accountId: PAGE_ID, platformTs: 1718000300100, messageIds: ['m_out_01', 'm_out_02'], watermark: 1718000300050 },
      // Meta's documented delivery example has no timestamp: the watermark orders it.
      { channel: 'messenger', kind: 'delivered', eventKey: `delivery:${BINH}:1718000300060`, userId: BINH, accountId: PAGE_ID, platformTs: 1718000300060, messageIds: [], watermark: 1718000300060 },
      { channel: 'messenger', kind: 'read', eventKey: `read:${AN}:1718000300150`, userId: AN, accountId: PAGE_ID, platformTs: 1718000300200, messageIds: [], watermark: 1718000300150 },
    ]);
  });

  it('When postbacks come with and without mid, then the mid is the key, else a key derived from sender, time and payload', () => {
    const { events } = parsed(fixtureBytes('postbacks.json'));
    expect(events[0]).toMatchObject({ kind: 'message', eventKey: 'm_postback_with_mid_01', value: 'GET_STARTED', valueTitle: 'Get Started', userId: AN });
    expect(events[1]).toMatchObject({ kind: 'message', value: 'MENU:WAVES', valueTitle: 'Đợt hoạt động đang mở', userId: BINH, platformTs: 1718000400200 });
    expect(events[1]!.eventKey).toMatch(new RegExp(`^postback:${BINH}:1718000400200:[0-9a-f]{12}$`));
  });

  it('When a postback without mid is redelivered, then its key is the same; another payload at the same time gets another key', () => {
    const postback = (payload: string) => wrap([{ ...user, postback: { title: 'Menu', payload } }]);
    const [first] = parsed(postback('MENU:WAVES')).events;
    const [again] = parsed(postback('MENU:WAVES')).events;
    const [other] = parsed(postback('MENU:HELP')).events;
    expect(again!.eventKey).toBe(first!.eventKey);
    expect(other!.eventKey).not.toBe(first!.eventKey);
  });

  it('When messages carry attachments, then images, shared links (fallback), stickers, files, audio and video come out typed', () => {
    const { events } = parsed(fixtureBytes('attachments.json'));
    const attachments = events.map((e) => (e.kind === 'message' ? e.attachments : []));
    expect(attachments[0]).toEqual([{ type: 'image', url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/anh-minh-chung.jpg?oe=6700AB12' }]);
    expect(events[1]).toMatchObject({ text: 'Em đã chia sẻ bài viết ạ https://www.facebook.com/quandoanbinhtan/posts/123' });
    expect(attachments[1]).toEqual([{ type: 'link', url: 'https://www.facebook.com/quandoanbinhtan/posts/123', title: 'Quận Đoàn Bình Tân – Tháng Thanh niên 2024' }]);
    expect(attachments[2]).toEqual([{ type: 'link', url: 'https://thanhnien.vn/song-xanh.htm', title: 'Sống xanh mỗi ngày' }]);
    // During the sticker transition both an image (with sticker_id) and a sticker arrive for one sticker.
    expect(attachments[3]).toEqual([{ type: 'sticker', url: 'https://scontent.xx.fbcdn.net/v/t39.1997-6/like.png' }]);
    expect(attachments[4]!.map((a) => a.type)).toEqual(['file', 'audio', 'video']);
  });

  it('When a fallback attachment has no URL, then it is kept as other', () => {
    const { events } = parsed(wrap([{ ...user, message: { mid: 'm_1', attachments: [{ type: 'fallback', payload: null }] } }]));
    expect(events[0]).toMatchObject({ attachments: [{ type: 'other' }] });
  });

  it('When referral, optin, reaction, message_edit and standby items arrive, then they are listed as ignored, not errors', () => {
    const { events, ignored } = parsed(fixtureBytes('ignored-kinds.json'));
    expect(events).toEqual([]);
    expect(ignored).toEqual(['referral', 'optin', 'reaction', 'message_edit', 'standby']);
  });

  it('When a signed body is for another object type, then it is ignored rather than refused (a 400 only makes Meta redeliver it)', () => {
    expect(parsed(JSON.stringify({ object: 'instagram', entry: [{ id: '1', time: 1, messaging: [] }] }))).toEqual({ ok: true, events: [], ignored: ['object:instagram'] });
  });

  it('When an id is beyond 2^53, then it stays the exact string', () => {
    const psid = '90071992547409931234';
    const { events } = parsed(wrap([{ ...user, sender: { id: psid }, message: { mid: 'm_big', text: 'a' } }]));
    expect(events[0]!.userId).toBe(psid);
  });

  it('When text arrives decomposed (NFD), then it comes out composed (NFC)', () => {
    const nfd = 'Đoàn phường Bình Hưng Hòa'.normalize('NFD');
    const { events } = parsed(wrap([{ ...user, message: { mid: 'm_nfd', text: nfd } }]));
    expect(events[0]).toMatchObject({ text: 'Đoàn phường Bình Hưng Hòa'.normalize('NFC') });
  });

  it('When the body has no entries or an entry has no messaging, then there is nothing to do', () => {
    expect(parsed('{"object":"page","entry":[]}')).toEqual({ ok: true, events: [], ignored: [] });
    expect(parsed(`{"object":"page","entry":[{"id":"${PAGE_ID}","time":1}]}`)).toEqual({ ok: true, events: [], ignored: [] });
  });

  it.each([
    ['not JSON', '{"object":"page",', /not UTF-8 JSON/],
    ['JSON that is an array', '[]', /^body/],
    ['no entry array', '{"object":"page"}', /^body\.entry/],
    ['an entry without id', '{"object":"page","entry":[{"time":1,"messaging":[]}]}', /^entry\[0\]\.id/],
    ['messaging that is not an array', `{"object":"page","entry":[{"id":"${PAGE_ID}","messaging":{}}]}`, /^entry\[0\]\.messaging/],
    ['a message without mid', wrap([{ ...user, message: { text: 'xin chào' } }]), /^entry\[0\]\.messaging\[0\]\.message\.mid/],
    ['a numeric sender id', wrap([{ ...user, sender: { id: 7512345678901234 }, message: { mid: 'm', text: 'a' } }]), /sender\.id/],
    ['a string timestamp', wrap([{ ...user, timestamp: '1718000000000', message: { mid: 'm' } }]), /timestamp/],
    ['a read without watermark', wrap([{ ...user, read: {} }]), /read\.watermark/],
  ])('When the signed body has %s, then it is refused with a reason', (_what, body, reason) => {
    expect(failure(body)).toMatch(reason);
  });

  it('When a batch holds a malformed item and an entry beside good items, then the good ones are events and the bad ones are named by path', () => {
    const good = { ...user, message: { mid: 'm_good_1', text: 'xin chào' } };
    const body = JSON.stringify({
      object: 'page',
      entry: [
        { id: PAGE_ID, time: 1, messaging: [good, { ...user, message: { text: 'no mid' } }] },
        { time: 1, messaging: [] },
        { id: PAGE_ID, time: 1, messaging: [{ ...good, message: { mid: 'm_good_2', text: 'tiếp' } }] },
      ],
    });
    const result = parseMessengerWebhook(Buffer.from(body, 'utf8'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events.map((e) => e.eventKey)).toEqual(['m_good_1', 'm_good_2']);
    expect(result.malformed).toEqual([expect.stringMatching(/^entry\[0\]\.messaging\[1\]\.message\.mid/), expect.stringMatching(/^entry\[1\]\.id/)]);
  });

  it('When every item of a batch is malformed, then the body is refused, naming each', () => {
    const reason = failure(wrap([{ ...user, message: { text: 'a' } }, { ...user, read: {} }]));
    expect(reason).toMatch(/^entry\[0\]\.messaging\[0\]\.message\.mid.*; entry\[0\]\.messaging\[1\]\.read\.watermark/);
  });

  it('When the bytes are not valid UTF-8, then the body is refused', () => {
    expect(failure(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]))).toMatch(/UTF-8/);
  });
});
