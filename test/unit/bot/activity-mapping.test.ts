import { CardFactory, MessageFactory } from 'botbuilder-core';
import { activityFromEvent, outboundFromActivity, SHARED_INFO_EVENT } from '../../../src/bot/activity-mapping';
import type { InboundEvent } from '../../../src/channels/channel';

const base = { channel: 'zalo' as const, eventKey: 'k1', userId: '246845883529197922', accountId: '388613280878808645', platformTs: 1718000000000 };

describe('activity mapping', () => {
  it('When a member sends text, then it becomes a message activity in the conversation of that user', () => {
    const activity = activityFromEvent({ ...base, kind: 'message', text: 'Tham gia đợt', attachments: [] });
    expect(activity).toMatchObject({
      type: 'message',
      id: 'k1',
      channelId: 'zalo',
      text: 'Tham gia đợt',
      conversation: { id: 'zalo:246845883529197922' },
      from: { id: '246845883529197922' },
      recipient: { id: '388613280878808645' },
      locale: 'vi-VN',
    });
    expect((activity?.timestamp as Date).getTime()).toBe(1718000000000);
  });

  it('When a member taps a quick reply, then its payload is the value and, with no text, the text', () => {
    const activity = activityFromEvent({ ...base, channel: 'messenger', kind: 'message', value: 'menu:waves', valueTitle: 'Đợt đang diễn ra', attachments: [] });
    expect(activity).toMatchObject({ text: 'menu:waves', value: 'menu:waves' });
  });

  it('When a member sends an image or a link, then they are attachments with their URLs', () => {
    const activity = activityFromEvent({
      ...base,
      kind: 'message',
      attachments: [
        { type: 'image', url: 'https://photo.zdn.vn/a.jpg' },
        { type: 'link', url: 'https://fb.com/x', title: 'Bài viết' },
      ],
    });
    expect(activity?.attachments).toEqual([
      { contentType: 'image/*', contentUrl: 'https://photo.zdn.vn/a.jpg', name: undefined },
      { contentType: 'text/uri-list', contentUrl: 'https://fb.com/x', name: 'Bài viết' },
    ]);
  });

  it('When a member follows, unfollows or shares details, then those are conversation updates and an event', () => {
    expect(activityFromEvent({ ...base, kind: 'follow' })).toMatchObject({ type: 'conversationUpdate', membersAdded: [{ id: base.userId }] });
    expect(activityFromEvent({ ...base, kind: 'unfollow' })).toMatchObject({ type: 'conversationUpdate', membersRemoved: [{ id: base.userId }] });
    expect(activityFromEvent({ ...base, kind: 'sharedInfo', name: 'Nguyễn Văn An', phone: '84912345678' })).toMatchObject({
      type: 'event',
      name: SHARED_INFO_EVENT,
      value: { name: 'Nguyễn Văn An', phone: '84912345678' },
    });
  });

  it.each<InboundEvent['kind']>(['delivered', 'read', 'staffReply'])('When the event is %s, then no dialog sees it', (kind) => {
    const event = kind === 'staffReply' ? { ...base, kind, text: 'x' } : { ...base, kind: kind as 'read', messageIds: [] };
    expect(activityFromEvent(event as InboundEvent)).toBeUndefined();
  });

  it('When a dialog sends text with suggested actions, then it becomes a neutral message with choices', () => {
    const activity = MessageFactory.suggestedActions([{ type: 'imBack', title: 'Trợ giúp', value: 'menu:help' }], 'Bạn muốn xem gì?');
    expect(outboundFromActivity(activity)).toEqual({ text: 'Bạn muốn xem gì?', choices: [{ title: 'Trợ giúp', value: 'menu:help' }] });
  });

  it('When a dialog sends an image with link buttons, then they become imageUrl and links', () => {
    const card = CardFactory.heroCard('Khung ảnh đại diện', [{ url: 'https://example.org/khung.png' }], [{ type: 'openUrl', title: 'Tải khung', value: 'https://example.org/khung.png' }]);
    expect(outboundFromActivity(MessageFactory.attachment(card, 'Đổi ảnh đại diện nhé'))).toEqual({
      text: 'Đổi ảnh đại diện nhé',
      imageUrl: 'https://example.org/khung.png',
      links: [{ title: 'Tải khung', url: 'https://example.org/khung.png' }],
    });
  });

  it('When a dialog asks for the phone through channelData, then the message requests it; typing and trace show nothing', () => {
    const ask = { type: 'message', text: 'Cho mình xin số điện thoại nhé', channelData: { requestPhone: { title: 'Số điện thoại', subtitle: 'Để xác minh đoàn viên' } } };
    expect(outboundFromActivity(ask)).toMatchObject({ requestPhone: { title: 'Số điện thoại' } });
    expect(outboundFromActivity({ type: 'typing' })).toBeUndefined();
    expect(outboundFromActivity({ type: 'message' })).toBeUndefined();
  });
});
