import { REGISTRATION_NOTICE_VERSION } from '../../src/domain/consents/consent.service';
import { latestConsentOfIdentity } from '../../src/domain/consents/consents.repository';
import { MENU, ONBOARDING, TEXT } from '../../src/dialogs/messages.vi';
import { menuEntriesFor } from '../../src/dialogs/menu';
import { createTranscriptWorld, type Seen, type TranscriptUser, type TranscriptWorld } from '../helpers/transcript';

let world: TranscriptWorld;
beforeAll(async () => {
  world = await createTranscriptWorld();
});
afterAll(() => world.close());

const texts = (seen: readonly Seen[]) => seen.map((s) => s.text);

describe.each(['zalo', 'messenger'] as const)('onboarding on %s', (channel) => {
  /** The consent notice, with its two answers shown the channel's way. */
  const expectConsentNotice = (seen: Seen | undefined) => {
    expect(seen?.text).toContain(ONBOARDING.consentNotice);
    if (channel === 'zalo') expect(seen?.text).toContain(`1. ${ONBOARDING.consentYes.title}\n2. ${ONBOARDING.consentNo.title}`);
    else expect(seen?.quickReplies).toEqual([ONBOARDING.consentYes.title, ONBOARDING.consentNo.title]);
  };
  const menuTitles = (seen: Seen | undefined) =>
    channel === 'messenger' ? [...(seen?.quickReplies ?? [])] : (seen?.text ?? '').split('\n').flatMap((line) => /^\d+\. (.*)$/.exec(line)?.[1] ?? []);

  test.each([
    ['follows the account', (u: TranscriptUser) => u.follow()],
    ['taps Get Started', (u: TranscriptUser) => u.postback('GET_STARTED', 'Bắt đầu')],
    ['writes "xin chào"', (u: TranscriptUser) => u.say('xin chào')],
    ['writes something else first', (u: TranscriptUser) => u.say('cho mình hỏi chút')],
  ])('When a newcomer %s, then they are greeted and read the consent notice before anything is asked', async (_, firstContact) => {
    const user = world.user(channel);
    const seen = await firstContact(user);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.text).toBe(TEXT.greeting);
    expectConsentNotice(seen[1]);
    expect(await latestConsentOfIdentity(world.db, await user.identityId(), 'registration')).toBeUndefined();
  });

  test('The notice says what is collected, why, who sees it, how long and how to withdraw, in one message that fits a phone', () => {
    for (const part of ['họ tên', 'số điện thoại', 'đơn vị', 'vai trò', 'minh chứng', 'ghi nhận', 'gửi tin', 'cán bộ Đoàn ở đơn vị', 'Quận Đoàn', 'Lưu bao lâu', '“xóa dữ liệu của tôi”', '“dừng nhận tin”', '13/2023/NĐ-CP']) {
      expect(ONBOARDING.consentNotice).toContain(part);
    }
    // One Zalo text (2,000 characters) with its numbered answers, and one Messenger text.
    expect(ONBOARDING.consentNotice.length).toBeLessThan(640);
  });

  test('When the newcomer agrees (typing "ok"), then the answer is recorded with the notice version and registration starts with the name', async () => {
    const user = world.user(channel);
    await user.say('xin chào');
    const seen = await user.say('ok');
    expect(texts(seen)).toEqual([ONBOARDING.consentAccepted, ONBOARDING.askName]);
    const consent = await latestConsentOfIdentity(world.db, await user.identityId(), 'registration');
    expect(consent).toMatchObject({ granted: true, noticeVersion: REGISTRATION_NOTICE_VERSION });
    expect(await user.memberId()).toBeNull();
  });

  test('When the newcomer declines, then nothing personal is kept, the menu still offers waves, official pages, help and "Đăng ký", and registering later asks again', async () => {
    const user = world.user(channel);
    await user.follow();
    const seen = await user.pick(ONBOARDING.consentNo.title);
    expect(seen[0]?.text).toBe(ONBOARDING.consentDeclined);
    expect(seen.at(-1)?.text).toContain(TEXT.menuPrompt);
    const titles = menuTitles(seen.at(-1));
    for (const entry of [MENU.register, MENU.currentWaves, MENU.officialPages, MENU.help]) expect(titles).toContain(entry.title);
    expect(await latestConsentOfIdentity(world.db, await user.identityId(), 'registration')).toMatchObject({ granted: false, noticeVersion: REGISTRATION_NOTICE_VERSION });
    expect(await user.memberId()).toBeNull();

    expect(texts(await user.pick(MENU.currentWaves.title))).toEqual([TEXT.noCurrentWaves]);
    // Coming back (follow again, "bắt đầu") greets and shows the menu: a "no" is not asked again unasked.
    const again = await user.say('bắt đầu');
    expect(again[0]?.text).toBe(TEXT.greeting);
    expect(again.at(-1)?.text).toContain(TEXT.menuPrompt);
    // "Đăng ký" offers the notice again; this time they agree.
    expectConsentNotice((await user.pick(MENU.register.title)).at(-1));
    expect(texts(await user.pick(ONBOARDING.consentYes.title))).toEqual([ONBOARDING.consentAccepted, ONBOARDING.askName]);
    expect(await latestConsentOfIdentity(world.db, await user.identityId(), 'registration')).toMatchObject({ granted: true });
  });

  test('When the answer to the notice is neither yes nor no (emoji, a number too high), then the two answers are offered again', async () => {
    const user = world.user(channel);
    await user.say('chào');
    for (const said of ['😀😀', '7', 'có lẽ']) {
      const seen = await user.say(said);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.text).toContain(ONBOARDING.consentRetry);
    }
    expect(texts(await user.say('đồng ý ạ'))).toEqual([ONBOARDING.consentAccepted, ONBOARDING.askName]);
  });

  test('When someone who agreed but stopped half way comes back with "Đăng ký", then the notice is not shown again: registration starts at the name', async () => {
    const user = world.user(channel);
    await user.say('xin chào');
    await user.pick(ONBOARDING.consentYes.title);
    const cancelled = await user.say('hủy');
    expect(cancelled.at(-1)?.text).toContain(TEXT.cancelled);
    expect(menuTitles(cancelled.at(-1))).toEqual(menuEntriesFor(null).map((e) => MENU[e.key].title));
    expect(texts(await user.say('đăng ký'))).toEqual([ONBOARDING.askName]);
  });
});
