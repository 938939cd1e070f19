import { renderZaloMessages, renderZaloTemplate, ZALO_CHOICE_HINT, ZALO_TEXT_LIMIT, type ZaloCsRequest } from '../../../../src/channels/zalo/zalo.render';
import { splitText } from '../../../../src/channels/text-split';

const USER = '246845883529197922';
const textOf = (r: ZaloCsRequest) => ('text' in r.message ? r.message.text : undefined);

describe('rendering for Zalo consultation messages', () => {
  it('When the message is short text, then it is one cs body to the user', () => {
    expect(renderZaloMessages(USER, { text: 'Chào bạn!' })).toEqual([{ recipient: { user_id: USER }, message: { text: 'Chào bạn!' } }]);
  });

  it('When the text is longer than 2,000 characters, then it is split at sentence ends and nothing is lost', () => {
    const sentence = 'Đoàn viên thanh niên tham gia thắp nến tri ân các anh hùng liệt sĩ. ';
    const text = sentence.repeat(80).trim();
    const bodies = renderZaloMessages(USER, { text });
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      const piece = textOf(body)!;
      expect(piece.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
      expect(piece.endsWith('liệt sĩ.')).toBe(true);
    }
    expect(bodies.map(textOf).join(' ')).toBe(text);
  });

  it('When the text comes decomposed (NFD), then it is sent composed (NFC)', () => {
    const [body] = renderZaloMessages(USER, { text: 'Đoàn phường Bình Hưng Hòa'.normalize('NFD') });
    expect(textOf(body!)).toBe('Đoàn phường Bình Hưng Hòa'.normalize('NFC'));
  });

  it('When there are choices, then they are numbered lines with a hint to answer by number', () => {
    const bodies = renderZaloMessages(USER, {
      text: 'Bạn muốn làm gì?',
      choices: [
        { title: 'Tham gia đợt', value: 'JOIN' },
        { title: 'Gửi minh chứng', value: 'PROOF' },
      ],
    });
    expect(bodies.map(textOf)).toEqual([`Bạn muốn làm gì?\n\n1. Tham gia đợt\n2. Gửi minh chứng\n${ZALO_CHOICE_HINT}`]);
  });

  it('When there are links, then each is a "title: url" line', () => {
    const bodies = renderZaloMessages(USER, { text: 'Xem bài:', links: [{ title: 'Fanpage Quận Đoàn', url: 'https://facebook.com/doanbintan' }] });
    expect(bodies.map(textOf)).toEqual(['Xem bài:\n\nFanpage Quận Đoàn: https://facebook.com/doanbintan']);
  });

  it('When the text fills a message, then the choices go in one more message rather than past the limit', () => {
    const text = 'a'.repeat(ZALO_TEXT_LIMIT - 5);
    const bodies = renderZaloMessages(USER, { text, choices: [{ title: 'Có', value: 'YES' }] });
    expect(bodies.map(textOf)).toEqual([text, `1. Có\n${ZALO_CHOICE_HINT}`]);
  });

  it('When there is an image, then it is a media template first, then the text', () => {
    expect(renderZaloMessages(USER, { imageUrl: 'https://example.org/khung-anh.png', text: 'Khung ảnh đại diện' })).toEqual([
      {
        recipient: { user_id: USER },
        message: { attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://example.org/khung-anh.png' }] } } },
      },
      { recipient: { user_id: USER }, message: { text: 'Khung ảnh đại diện' } },
    ]);
  });

  it('When the phone is requested, then a request_user_info card with one element follows the text', () => {
    const bodies = renderZaloMessages(USER, {
      text: 'Bạn cũng có thể gõ số điện thoại.',
      requestPhone: { title: 'Chia sẻ số điện thoại', subtitle: 'Để Quận Đoàn ghi nhận bạn là đoàn viên', imageUrl: 'https://example.org/logo.png' },
    });
    expect(bodies[1]).toEqual({
      recipient: { user_id: USER },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'request_user_info',
            elements: [{ title: 'Chia sẻ số điện thoại', subtitle: 'Để Quận Đoàn ghi nhận bạn là đoàn viên', image_url: 'https://example.org/logo.png' }],
          },
        },
      },
    });
  });

  it('When the message is empty, then nothing is sent', () => {
    expect(renderZaloMessages(USER, {})).toEqual([]);
  });

  it('When a template is sent, then the body names the user, template and data', () => {
    expect(renderZaloTemplate(USER, '355330', { wave: 'Tháng Thanh niên' })).toEqual({ user_id: USER, template_id: '355330', template_data: { wave: 'Tháng Thanh niên' } });
  });
});

describe('splitting text', () => {
  it('When there is no sentence end, then it splits at the last space', () => {
    expect(splitText('một hai ba bốn năm', 9)).toEqual(['một hai', 'ba bốn', 'năm']);
  });

  it('When a line break fits, then it splits there', () => {
    expect(splitText('Dòng một\nDòng hai dài hơn', 12)).toEqual(['Dòng một', 'Dòng hai dài', 'hơn']);
  });

  it('When a word is longer than the limit, then it is cut hard without splitting a surrogate pair', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    const pieces = splitText('abc😀def', 4);
    expect(pieces.join('')).toBe('abc😀def');
    expect(pieces[0]).toBe('abc');
  });
});
