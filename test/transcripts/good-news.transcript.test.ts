import { CADRE_TEXT, MENU, TEXT } from '../../src/dialogs/messages.vi';
import { aDistrict, aMember, anIdentityFor, aUnit } from '../helpers/builders';
import { createTranscriptWorld, type TranscriptUser, type TranscriptWorld } from '../helpers/transcript';

let world: TranscriptWorld;
let branchId: string;
beforeAll(async () => {
  world = await createTranscriptWorld();
  branchId = await aUnit(world.db, await aDistrict(world.db));
});
afterAll(() => world.close());

async function memberOn(channel: 'zalo' | 'messenger', status: 'pending' | 'verified' = 'verified'): Promise<{ user: TranscriptUser; memberId: string }> {
  const memberId = await aMember(world.db, { branchId, status });
  const user = world.user(channel);
  await anIdentityFor(world.db, user, memberId);
  return { user, memberId };
}

async function goodNewsOf(memberId: string) {
  return world.db
    .selectFrom('content_items')
    .select(['kind', 'title', 'body', 'link_url', 'approval'])
    .where('submitted_by_member_id', '=', memberId)
    .execute();
}

const STORY =
  'Sáng nay bạn Minh ở khu phố 3 nhặt được chiếc ví có 5 triệu đồng và giấy tờ, ' +
  'bạn đã mang đến công an phường để trả lại cho người đánh rơi.';

describe.each(['zalo', 'messenger'] as const)('good news on %s', (channel) => {
  test('someone not registered is told to register first and gets the menu', async () => {
    const stranger = world.user(channel);
    await stranger.say(MENU.goodNews.keyword);
    expect(stranger.lastText()).toContain(CADRE_TEXT.notRegistered);
    expect(stranger.lastText()).toContain(TEXT.menuPrompt);
  });

  test('a link with a line of description, confirmed: stored for review, tracking removed', async () => {
    const { user, memberId } = await memberOn(channel, 'pending');
    await user.say(MENU.goodNews.keyword);
    expect(user.lastText()).toContain(CADRE_TEXT.askGoodNews);
    await user.say('https://www.facebook.com/tuoitrebinhtan/posts/777?fbclid=IwAR123&mibextid=abc');
    expect(user.lastText()).toContain(CADRE_TEXT.askGoodNewsDescription);
    await user.say('ok');
    expect(user.lastText()).toContain(CADRE_TEXT.goodNewsDescriptionTooShort);
    await user.say('Đoàn viên phường hiến máu cứu người');
    expect(user.lastText()).toContain('Mô tả: Đoàn viên phường hiến máu cứu người');
    expect(user.lastText()).toContain('Link: https://www.facebook.com/tuoitrebinhtan/posts/777');
    await user.pick(CADRE_TEXT.sendGoodNews);
    expect(user.lastText()).toContain(CADRE_TEXT.goodNewsThanks);
    expect(await goodNewsOf(memberId)).toEqual([
      {
        kind: 'goodNews',
        title: 'Đoàn viên phường hiến máu cứu người',
        body: 'Đoàn viên phường hiến máu cứu người',
        link_url: 'https://www.facebook.com/tuoitrebinhtan/posts/777',
        approval: 'pending',
      },
    ]);
  });

  test('a link shared as an attachment counts as a link', async () => {
    const { user, memberId } = await memberOn(channel);
    await user.say(MENU.goodNews.keyword);
    await user.attach([{ type: 'link', url: 'https://www.youtube.com/shorts/abcDEF12345?si=track' }]);
    await user.say('Clip đẹp về tình nguyện hè');
    await user.pick(CADRE_TEXT.sendGoodNews);
    expect((await goodNewsOf(memberId))[0]?.link_url).toBe('https://www.youtube.com/watch?v=abcDEF12345');
  });

  test('a short story, confirmed, is stored as told', async () => {
    const { user, memberId } = await memberOn(channel);
    await user.say(MENU.goodNews.keyword);
    await user.say(STORY);
    await user.say('Nhặt được của rơi trả người mất');
    expect(user.lastText()).toContain('Câu chuyện: Sáng nay bạn Minh');
    await user.pick(CADRE_TEXT.sendGoodNews);
    expect(await goodNewsOf(memberId)).toEqual([{ kind: 'goodNews', title: 'Nhặt được của rơi trả người mất', body: STORY, link_url: null, approval: 'pending' }]);
  });

  test('a story over 1,500 characters is refused politely, nothing lost: a shorter one goes through', async () => {
    const { user, memberId } = await memberOn(channel);
    await user.say(MENU.goodNews.keyword);
    await user.say(STORY.repeat(12));
    expect(user.lastText()).toContain('mình chỉ nhận tối đa 1.500 ký tự');
    await user.say('quá');
    expect(user.lastText()).toContain(CADRE_TEXT.goodNewsTooShort);
    await user.say(STORY);
    expect(user.lastText()).toContain(CADRE_TEXT.askGoodNewsDescription);
    await user.say('Chuyện tốt ở khu phố 3');
    await user.pick(CADRE_TEXT.dontSendGoodNews);
    expect(user.lastText()).toContain(CADRE_TEXT.goodNewsNotSent);
    expect(await goodNewsOf(memberId)).toEqual([]);
  });
});
