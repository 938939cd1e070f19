import { EXAMPLE_OFFICIAL_PAGES } from '../../src/domain/plans/example-official-pages';
import { seedExamplePlan } from '../../src/domain/plans/plan-seed.service';
import { closeThread, listOpenThreads, replyToThread, threadMessages } from '../../src/domain/handover/handover.service';
import { DATA_RIGHTS, HANDOVER, LINKING, MENU, OFFICIAL_PAGES, SUBSCRIPTIONS, TEXT } from '../../src/dialogs/messages.vi';
import { createTranscriptWorld, type TranscriptUser, type TranscriptWorld } from '../helpers/transcript';

const START = new Date('2026-03-10T03:00:00Z');
let clock = START;
let world: TranscriptWorld;
let phoneSeq = 0;

beforeAll(async () => {
  world = await createTranscriptWorld({ now: () => clock });
  await seedExamplePlan(world.db, { year: 2026, timeZone: 'Asia/Ho_Chi_Minh' });
});
afterAll(() => world.close());
beforeEach(() => {
  clock = START;
});

function advance(ms: number): void {
  clock = new Date(clock.getTime() + ms);
}

/** A member registered on `user`'s channel (registration itself is another dialog's: this writes the rows it leaves). */
async function register(user: TranscriptUser, name = 'Trần Thị Bích'): Promise<{ memberId: string; phone: string }> {
  await user.say('chào');
  phoneSeq += 1;
  const phone = `+8491${String(1_000_000 + phoneSeq).slice(-7)}`;
  const branch = await world.db.selectFrom('units').select('id').where('code', '=', 'p-an-lac').executeTakeFirstOrThrow();
  const member = await world.db
    .insertInto('members')
    .values({ full_name: name, phone, role: 'member', branch_id: branch.id, source: 'chat' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await world.db.updateTable('channel_identities').set({ member_id: member.id }).where('id', '=', await user.identityId()).execute();
  return { memberId: member.id, phone };
}

async function activeTopics(user: TranscriptUser): Promise<string[]> {
  const rows = await world.db.selectFrom('subscriptions').select('topic').where('identity_id', '=', await user.identityId()).where('active', '=', true).orderBy('topic').execute();
  return rows.map((r) => r.topic);
}

function codeFrom(text: string): string {
  const m = /\b(\d{6})\b/.exec(text);
  if (!m) throw new Error(`no code in ${text}`);
  return m[1]!;
}

describe.each(['zalo', 'messenger'] as const)('member services on %s', (channel) => {
  const other = channel === 'zalo' ? 'messenger' : 'zalo';

  describe('subscriptions', () => {
    test('each topic shows its state; the first opt-in asks consent once and records it; picking again turns it off', async () => {
      const user = world.user(channel);
      await user.say(MENU.subscriptions.keyword);
      expect(user.lastText()).toContain(`• ${SUBSCRIPTIONS.topicTitle.goodNews}: ${SUBSCRIPTIONS.off}`);
      await user.pick(SUBSCRIPTIONS.topicChoice.goodNews);
      expect(user.lastText()).toContain(SUBSCRIPTIONS.consent);
      await user.pick(SUBSCRIPTIONS.agree);
      expect(user.lastText()).toContain(SUBSCRIPTIONS.turnedOn(SUBSCRIPTIONS.topicTitle.goodNews));
      expect(user.lastText()).toContain(`• ${SUBSCRIPTIONS.topicTitle.goodNews}: ${SUBSCRIPTIONS.on}`);
      expect(await activeTopics(user)).toEqual(['goodNews']);
      const consents = await world.db.selectFrom('consents').select(['purpose', 'granted', 'notice_version']).where('identity_id', '=', await user.identityId()).execute();
      expect(consents).toEqual([{ purpose: 'subscriptions', granted: true, notice_version: expect.any(String) }]);

      await user.pick(SUBSCRIPTIONS.topicChoice.uncleHoTeaching);
      expect(user.lastText()).not.toContain(SUBSCRIPTIONS.consent);
      expect(await activeTopics(user)).toEqual(['goodNews', 'uncleHoTeaching']);
      await user.pick(SUBSCRIPTIONS.topicChoice.goodNews);
      expect(user.lastText()).toContain(SUBSCRIPTIONS.turnedOff(SUBSCRIPTIONS.topicTitle.goodNews));
      expect(await activeTopics(user)).toEqual(['uncleHoTeaching']);
      await user.pick(SUBSCRIPTIONS.done);
      expect(user.lastText()).toContain(SUBSCRIPTIONS.finished);
    });

    test('declining consent turns nothing on', async () => {
      const user = world.user(channel);
      await user.say(MENU.subscriptions.keyword);
      await user.pick(SUBSCRIPTIONS.topicChoice.legalInfo);
      await user.pick(SUBSCRIPTIONS.decline);
      expect(user.lastText()).toContain(SUBSCRIPTIONS.declined);
      expect(await activeTopics(user)).toEqual([]);
    });

    test('"dừng nhận tin" stops every topic at once, from inside another dialog, and confirms', async () => {
      const user = world.user(channel);
      await user.say(MENU.subscriptions.keyword);
      await user.pick(SUBSCRIPTIONS.topicChoice.legalInfo);
      await user.pick(SUBSCRIPTIONS.agree);
      await user.pick(SUBSCRIPTIONS.topicChoice.goodNews);
      expect(await activeTopics(user)).toEqual(['goodNews', 'legalInfo']);
      await user.say('Dừng nhận tin');
      expect(user.lastText()).toContain(SUBSCRIPTIONS.stoppedAll);
      expect(await activeTopics(user)).toEqual([]);
      await user.say('dung nhan tin');
      expect(user.lastText()).toContain(SUBSCRIPTIONS.nothingToStop);
    });
  });

  test('official pages are listed with their links, the way the channel shows links, without registration', async () => {
    const user = world.user(channel);
    await user.say(MENU.officialPages.keyword);
    const seen = user.lastReply();
    if (channel === 'zalo') {
      expect(user.lastText()).toContain(OFFICIAL_PAGES.intro);
      for (const page of EXAMPLE_OFFICIAL_PAGES) expect(user.lastText()).toContain(`${page.title}: ${page.url}`);
    } else {
      expect(seen.every((s) => s.buttons.length <= 3)).toBe(true);
      expect(seen.flatMap((s) => s.buttons.map((b) => b.url))).toEqual(EXAMPLE_OFFICIAL_PAGES.map((p) => p.url));
      expect(seen.some((s) => s.text.includes(OFFICIAL_PAGES.intro))).toBe(true);
    }
  });

  describe('handover', () => {
    test('the bot stays silent while a cadre has the conversation; staff replies reach the member; staff close gives the bot back', async () => {
      const user = world.user(channel);
      await register(user);
      await user.say('gặp cán bộ');
      expect(user.lastText()).toContain(HANDOVER.opened);
      await user.say('Cho mình hỏi về đợt tháng 3');
      expect(user.lastText()).toBe(HANDOVER.waiting);
      await user.say('menu của đợt là gì vậy');
      expect(user.lastReply()).toEqual([]);
      await user.say(MENU.help.keyword);
      expect(user.lastReply()).toEqual([]);

      const identityId = await user.identityId();
      const open = (await listOpenThreads(world.db, clock)).find((t) => t.identityId === identityId)!;
      expect((await threadMessages(world.db, open.id)).map((m) => m.text)).toEqual(['Cho mình hỏi về đợt tháng 3', 'menu của đợt là gì vậy', MENU.help.keyword]);

      const staff = await world.db.insertInto('staff_users').values({ username: `staff-${channel}`, role: 'districtStaff', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
      await replyToThread(world.db, null, open.id, staff.id, 'Chào bạn, đợt tháng 3 kéo dài đến 31/3 nhé.', clock);
      expect((await world.queuedFor(user)).map((s) => s.text)).toEqual(['Chào bạn, đợt tháng 3 kéo dài đến 31/3 nhé.']);
      await closeThread(world.db, null, open.id, staff.id, HANDOVER.closedByStaff, clock);
      expect((await world.queuedFor(user)).map((s) => s.text).at(-1)).toBe(HANDOVER.closedByStaff);

      await user.say('menu');
      expect(user.lastText()).toContain(TEXT.menuPrompt);
    });

    test('"kết thúc" closes the handover from the member side', async () => {
      const user = world.user(channel);
      await user.say('gặp cán bộ');
      await user.say('kết thúc');
      expect(user.lastText()).toBe(HANDOVER.closedByMember);
      await user.say('menu');
      expect(user.lastText()).toContain(TEXT.menuPrompt);
    });

    test('after 24 hours the thread closes by itself, the member is told once, and the bot answers again', async () => {
      const user = world.user(channel);
      await user.say('gặp cán bộ');
      await user.say('alo');
      advance(24 * 3_600_000 + 60_000);
      await user.say('menu');
      expect(user.lastText()).toContain(HANDOVER.expired);
      expect(user.lastText()).toContain(TEXT.menuPrompt);
      await user.say('menu');
      expect(user.lastText()).not.toContain(HANDOVER.expired);
    });
  });

  describe('data rights', () => {
    test('"dữ liệu của tôi" shows what is kept, the phone masked', async () => {
      const user = world.user(channel);
      const { phone } = await register(user, 'Lê Văn Cường');
      await user.say('Dữ liệu của tôi');
      const text = user.lastText();
      expect(text).toContain(DATA_RIGHTS.name('Lê Văn Cường'));
      expect(text).toContain('Đoàn phường An Lạc');
      expect(text).toContain(DATA_RIGHTS.role('đoàn viên'));
      expect(text).not.toContain(phone);
      expect(text).not.toContain(`0${phone.slice(3)}`);
      expect(text).toContain(`0${phone.slice(3, 6)} *** ${phone.slice(-3)}`);
    });

    test('a newcomer is told nothing personal is kept', async () => {
      const user = world.user(channel);
      await user.say('dữ liệu của tôi');
      expect(user.lastText()).toContain(DATA_RIGHTS.nothingKept);
    });

    test('erasing asks first; "Không xóa" keeps everything', async () => {
      const user = world.user(channel);
      const { memberId } = await register(user);
      await user.say('xóa dữ liệu của tôi');
      expect(user.lastText()).toContain(DATA_RIGHTS.eraseExplain);
      await user.pick(DATA_RIGHTS.eraseNo);
      expect(user.lastText()).toContain(DATA_RIGHTS.eraseCancelled);
      expect(await user.memberId()).toBe(memberId);
    });

    test('erasing, confirmed, removes the member\'s personal data and the conversation starts afresh', async () => {
      const user = world.user(channel);
      const { memberId } = await register(user, 'Phạm Thu Hà');
      await user.say('xóa dữ liệu của tôi');
      await user.pick(DATA_RIGHTS.eraseYes);
      expect(user.lastText()).toContain(DATA_RIGHTS.erased);
      const member = await world.db.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
      expect(member).toMatchObject({ full_name: null, phone: null, status: 'erased' });
      expect(await user.memberId()).toBeNull();
      await user.say('dữ liệu của tôi');
      expect(user.lastText()).toContain(DATA_RIGHTS.nothingKept);
    });
  });

  describe('linking a second channel', () => {
    async function codeFor(member: TranscriptUser): Promise<string> {
      await member.say('liên kết');
      return codeFrom(member.lastText());
    }

    test(`a code from ${other}, typed on ${channel}, links both channels to one member; the code is single-use`, async () => {
      const first = world.user(other);
      const { memberId } = await register(first);
      const code = await codeFor(first);
      expect(first.lastText()).toContain(LINKING.yourCode(code, 10));

      const second = world.user(channel);
      await second.say('liên kết');
      expect(second.lastText()).toContain(LINKING.notRegistered);
      await second.say(code);
      expect(second.lastText()).toContain(LINKING.linked);
      expect(await second.memberId()).toBe(memberId);

      const third = world.user(channel);
      await third.say(`mã ${code}`);
      expect(third.lastText()).toContain(LINKING.wrong(4));
      expect(await third.memberId()).toBeNull();
    });

    test('an expired code is refused', async () => {
      const first = world.user(other);
      await register(first);
      const code = await codeFor(first);
      advance(10 * 60_000 + 1_000);
      const second = world.user(channel);
      await second.say(`Mã ${code}`);
      expect(second.lastText()).toContain(LINKING.wrong(4));
      expect(await second.memberId()).toBeNull();
    });

    test('a wrong code can be typed again, up to five times in ten minutes', async () => {
      const second = world.user(channel);
      await second.say('liên kết');
      await second.say('12345');
      expect(second.lastText()).toContain(LINKING.notACode);
      for (let left = 4; left >= 1; left -= 1) {
        await second.say('000001');
        expect(second.lastText()).toBe(LINKING.wrong(left));
      }
      await second.say('000001');
      expect(second.lastText()).toContain(LINKING.tooMany(10));

      const first = world.user(other);
      await register(first);
      const code = await codeFor(first);
      await second.say(`ma ${code}`);
      expect(second.lastText()).toContain(LINKING.tooMany(10));
      expect(await second.memberId()).toBeNull();
      advance(11 * 60_000);
      const fresh = await codeFor(first);
      await second.say(`ma ${fresh}`);
      expect(second.lastText()).toContain(LINKING.linked);
    });

    test('a channel registered as someone else is not moved silently', async () => {
      const first = world.user(other);
      await register(first);
      const code = await codeFor(first);
      const second = world.user(channel);
      const { memberId } = await register(second, 'Người Khác');
      await second.say(`mã ${code}`);
      expect(second.lastText()).toContain(LINKING.linkedToAnother);
      expect(await second.memberId()).toBe(memberId);
    });
  });
});

describe('a data-deletion request made on Zalo', () => {
  test('erases like the chat command, silently, and the next message starts afresh', async () => {
    const user = world.user('zalo');
    const { memberId } = await register(user, 'Đỗ Minh Khang');
    const seen = await user.requestErasure();
    expect(seen).toEqual([]);
    expect(await world.db.selectFrom('members').select(['full_name', 'status']).where('id', '=', memberId).executeTakeFirstOrThrow()).toEqual({ full_name: null, status: 'erased' });
    const states = await world.db.selectFrom('bot_state').select('key').where('key', 'like', `%${user.platformUserId}%`).execute();
    expect(states).toEqual([]);
    await user.say('menu');
    expect(user.lastText()).toContain(TEXT.greeting);
    expect(await user.memberId()).toBeNull();
  });
});
