import { parseMessengerWebhook } from '../../../../src/channels/messenger/messenger.event';
import {
  cutTitle,
  MESSENGER_TEXT_LIMIT,
  renderMessengerMessages,
  splitMessengerText,
} from '../../../../src/channels/messenger/messenger.render';
import type { SendApiRequest } from '../../../../src/channels/messenger/messenger.types';
import type { OutboundMessage } from '../../../../src/domain/shared/outbound-message';
import { AN, PAGE_ID } from './fixtures';

const RESPONSE = { channel: 'messenger', messagingType: 'RESPONSE' } as const;
const render = (message: OutboundMessage, mode: Parameters<typeof renderMessengerMessages>[2] = RESPONSE) => renderMessengerMessages(AN, message, mode);
const words = (text: string) => text.split(/\s+/).filter(Boolean);

const SENTENCES = [
  'Thực hiện Kế hoạch của Ban Thường vụ Quận Đoàn Bình Tân về việc xanh hóa không gian mạng năm 2024.',
  'Mỗi đoàn viên hãy chia sẻ ít nhất một tin tốt, câu chuyện đẹp trên trang cá nhân của mình!',
  'Các cơ sở Đoàn chủ động xây dựng trào lưu riêng, lan tỏa hình ảnh đẹp của tuổi trẻ thành phố.',
  'Bạn đã sẵn sàng tham gia đợt “Tháng Thanh niên” chưa?',
  'Hãy gửi minh chứng qua tin nhắn này trước ngày 31 tháng 3…',
];
const LONG_TEXT = Array.from({ length: 60 }, (_, i) => SENTENCES[i % SENTENCES.length]).join(' ');

describe('renderMessengerMessages', () => {
  it('When the message is a short text, then one RESPONSE request goes to the PSID with our metadata', () => {
    expect(render({ text: 'Chào bạn! Mình là trợ lý Vùng Xanh.' })).toEqual([
      { recipient: { id: AN }, messaging_type: 'RESPONSE', message: { text: 'Chào bạn! Mình là trợ lý Vùng Xanh.', metadata: 'vx:1/1' } },
    ]);
  });

  it('When the message is empty, then nothing is sent', () => {
    expect(render({})).toEqual([]);
    expect(render({ text: '  ', choices: [], links: [] })).toEqual([]);
  });

  it('When Vietnamese text runs over the limit, then it splits at sentence ends, under the limit, no word broken', () => {
    expect(LONG_TEXT.length).toBeGreaterThan(2 * MESSENGER_TEXT_LIMIT);
    const requests = render({ text: LONG_TEXT });
    const parts = requests.map((r) => r.message.text!);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(MESSENGER_TEXT_LIMIT);
      expect(part).toMatch(/[.!?…]$/);
    }
    expect(words(parts.join(' '))).toEqual(words(LONG_TEXT));
    expect(requests.map((r) => r.message.metadata)).toEqual(parts.map((_, i) => `vx:${i + 1}/${parts.length}`));
  });

  it('When long text has no sentence end, then it splits between words', () => {
    const text = Array.from({ length: 900 }, (_, i) => (i % 2 ? 'xanh' : 'đoànviên')).join(' ');
    const parts = splitMessengerText(text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= MESSENGER_TEXT_LIMIT)).toBe(true);
    expect(words(parts.join(' '))).toEqual(words(text));
  });

  it('When paragraphs are available, then a paragraph break is preferred to a sentence end', () => {
    const first = 'Một câu. '.repeat(120).trim();
    const parts = splitMessengerText(`${first}\n\n${'Hai câu. '.repeat(120).trim()}`);
    expect(parts[0]).toBe(first);
  });

  it('When a single word is longer than the limit, then it is cut hard, without splitting a surrogate pair', () => {
    const parts = splitMessengerText(`${'a'.repeat(MESSENGER_TEXT_LIMIT - 1)}😀${'b'.repeat(10)}`);
    expect(parts).toEqual(['a'.repeat(MESSENGER_TEXT_LIMIT - 1), `😀${'b'.repeat(10)}`]);
  });

  it('When text is decomposed (NFD), then the limit counts it after NFC', () => {
    const composed = 'ệ'.repeat(1500);
    const decomposed = composed.normalize('NFD');
    expect(decomposed.length).toBeGreaterThan(MESSENGER_TEXT_LIMIT);
    expect(splitMessengerText(decomposed)).toEqual([composed]);
  });

  it('When there are 15 choices, then 13 quick replies go out, payload = value, on the last message', () => {
    const choices = Array.from({ length: 15 }, (_, i) => ({ title: `Đợt ${i + 1}`, value: `WAVE:${i + 1}` }));
    const [request] = render({ text: 'Bạn muốn tham gia đợt nào?', choices });
    expect(request!.message.quick_replies).toHaveLength(13);
    expect(request!.message.quick_replies![12]).toEqual({ content_type: 'text', title: 'Đợt 13', payload: 'WAVE:13' });
  });

  it.each([
    ['Tham gia đợt Tháng Thanh niên 2024', 'Tham gia đợt Tháng…'],
    ['Đăng ký tham gia đợt hoạt động', 'Đăng ký tham gia đợt'],
    ['Gửi minh chứng ngay, nhé', 'Gửi minh chứng ngay…'],
    ['Xanhhóakhônggianmạngnăm2024', 'Xanhhóakhônggianmạn…'],
    ['  Xem   hướng dẫn  ', 'Xem hướng dẫn'],
  ])('When a title is %p, then it is cut on a word to %p', (title, expected) => {
    expect(cutTitle(title)).toBe(expected);
    expect(cutTitle(title).length).toBeLessThanOrEqual(20);
  });

  it('When a phone number is requested, then a user_phone_number quick reply comes first, then the choices, 13 at most', () => {
    const choices = Array.from({ length: 15 }, (_, i) => ({ title: `Lựa chọn ${i + 1}`, value: `C${i + 1}` }));
    const [request] = render({ text: 'Bạn cho mình xin số điện thoại nhé. Hoặc gõ số vào đây.', requestPhone: { title: 'Số điện thoại', subtitle: 'Để xác minh đoàn viên' }, choices });
    expect(request!.message.text).toBe('Bạn cho mình xin số điện thoại nhé. Hoặc gõ số vào đây.');
    expect(request!.message.quick_replies).toHaveLength(13);
    expect(request!.message.quick_replies![0]).toEqual({ content_type: 'user_phone_number' });
    expect(request!.message.quick_replies![12]).toMatchObject({ payload: 'C12' });
  });

  it('When a phone number is requested without text, then its title and subtitle carry the quick reply', () => {
    const [request] = render({ requestPhone: { title: 'Chia sẻ số điện thoại', subtitle: 'Để Đoàn phường xác minh bạn' } });
    expect(request!.message).toEqual({ text: 'Chia sẻ số điện thoại\nĐể Đoàn phường xác minh bạn', quick_replies: [{ content_type: 'user_phone_number' }], metadata: 'vx:1/1' });
  });

  it('When choices come with nothing to carry them, then their titles become the text', () => {
    const [request] = render({ choices: [{ title: 'Có', value: 'YES' }, { title: 'Không', value: 'NO' }] });
    expect(request!.message).toMatchObject({ text: 'Có\nKhông', quick_replies: [{ payload: 'YES' }, { payload: 'NO' }] });
  });

  it('When an image comes with text, then the image goes first as a reusable image attachment', () => {
    const requests = render({ text: 'Khung ảnh đại diện của đợt này', imageUrl: 'https://vungxanh.example/khung.png' });
    expect(requests.map((r) => r.message)).toEqual([
      { attachment: { type: 'image', payload: { url: 'https://vungxanh.example/khung.png', is_reusable: true } }, metadata: 'vx:1/2' },
      { text: 'Khung ảnh đại diện của đợt này', metadata: 'vx:2/2' },
    ]);
  });

  it('When a short text has links, then they become one button template carrying the text, titles cut to 20', () => {
    const [request, ...rest] = render({
      text: 'Mời bạn xem bài viết của đợt:',
      links: [
        { title: 'Bài viết phát động Tháng Thanh niên', url: 'https://facebook.com/quandoanbinhtan/posts/1' },
        { title: 'Hướng dẫn', url: 'https://vungxanh.example/huong-dan' },
      ],
    });
    expect(rest).toEqual([]);
    expect(request!.message.attachment).toEqual({
      type: 'template',
      payload: {
        template_type: 'button',
        text: 'Mời bạn xem bài viết của đợt:',
        buttons: [
          { type: 'web_url', url: 'https://facebook.com/quandoanbinhtan/posts/1', title: 'Bài viết phát động…' },
          { type: 'web_url', url: 'https://vungxanh.example/huong-dan', title: 'Hướng dẫn' },
        ],
      },
    });
  });

  it('When there are 5 links and choices, then two templates of 3 and 2 buttons follow, the second listing full titles, and the quick replies ride on the last', () => {
    const links = Array.from({ length: 5 }, (_, i) => ({ title: `Tin tốt số ${i + 1} của Đoàn phường`, url: `https://vungxanh.example/tin/${i + 1}` }));
    const requests = render({ text: 'Tin tốt hôm nay:', links, choices: [{ title: 'Xem thêm', value: 'MORE' }] });
    const templates = requests.map((r) => (r.message.attachment?.type === 'template' ? r.message.attachment.payload : undefined));
    expect(templates.map((t) => t?.buttons.length)).toEqual([3, 2]);
    expect(templates[0]!.text).toBe('Tin tốt hôm nay:');
    expect(templates[1]!.text).toBe('• Tin tốt số 4 của Đoàn phường\n• Tin tốt số 5 của Đoàn phường');
    expect(requests.map((r) => r.message.quick_replies)).toEqual([undefined, [{ content_type: 'text', title: 'Xem thêm', payload: 'MORE' }]]);
    expect(templates.flatMap((t) => t!.buttons).every((b) => b.title.length <= 20)).toBe(true);
  });

  it('When the text is longer than a template may carry, then it goes as text and the template lists the link titles', () => {
    const text = SENTENCES.join(' ').repeat(2);
    expect(text.length).toBeGreaterThan(640);
    const requests = render({ text, links: [{ title: 'Đăng ký', url: 'https://vungxanh.example/dang-ky' }] });
    expect(requests.map((r) => (r.message.text === undefined ? 'template' : 'text'))).toEqual(['text', 'template']);
    expect(requests[1]!.message.attachment).toMatchObject({ payload: { text: '• Đăng ký' } });
  });

  it('When a tag is allowed, then MESSAGE_TAG carries it; other modes never send a tag', () => {
    const tagged = render({ text: 'Nhắc bạn: đợt thắp nến kết thúc tối nay.' }, { channel: 'messenger', messagingType: 'MESSAGE_TAG', tag: 'CONFIRMED_EVENT_UPDATE' });
    expect(tagged[0]).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'CONFIRMED_EVENT_UPDATE' });
    const update = render({ text: 'Tin mới' }, { channel: 'messenger', messagingType: 'UPDATE', tag: 'ACCOUNT_UPDATE' });
    expect(update[0]).toEqual({ recipient: { id: AN }, messaging_type: 'UPDATE', message: { text: 'Tin mới', metadata: 'vx:1/1' } });
  });

  it('When a ref is given, then every metadata carries it after vx:', () => {
    const requests = renderMessengerMessages(AN, { text: 'a', imageUrl: 'https://x.example/a.png' }, RESPONSE, { ref: 'delivery-123' });
    expect(requests.map((r) => r.message.metadata)).toEqual(['vx:delivery-123:1/2', 'vx:delivery-123:2/2']);
  });

  it('When the Page echoes what we rendered, then the webhook parser ignores every echo as ours', () => {
    const requests: SendApiRequest[] = render({ text: LONG_TEXT, imageUrl: 'https://x.example/a.png', links: [{ title: 'A', url: 'https://x.example' }] });
    const messaging = requests.map((r, i) => ({
      sender: { id: PAGE_ID },
      recipient: { id: AN },
      timestamp: 1718000000000 + i,
      message: { is_echo: true, app_id: 1517776481860111, mid: `m_echo_${i}`, metadata: r.message.metadata, text: r.message.text },
    }));
    const parsed = parseMessengerWebhook(Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: PAGE_ID, time: 1, messaging }] })));
    expect(parsed).toEqual({ ok: true, events: [], ignored: requests.map(() => 'echo') });
  });
});
