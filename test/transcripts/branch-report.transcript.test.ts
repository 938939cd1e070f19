import { CADRE_TEXT, MENU, TEXT, reportRecorded, reportReplaced, reportUnchanged } from '../../src/dialogs/messages.vi';
import { sendGoodNewsReportReminders } from '../../src/domain/reminders/periodic-reminders.service';
import { BRANCH_REPORT_KEYWORD, GOOD_NEWS_REPORT_TEXT } from '../../src/domain/reminders/reminders.vi';
import { aDistrict, aMember, anIdentityFor, aUnit } from '../helpers/builders';
import { createTranscriptWorld, type TranscriptUser, type TranscriptWorld } from '../helpers/transcript';
import { harness } from '../integration/schedules/harness';

// The bot's clock; each test sets it. 10:00 on 1 December 2026 in Hồ Chí Minh City to start with.
let now = new Date('2026-12-01T03:00:00Z');

let world: TranscriptWorld;
let districtId: string;
beforeAll(async () => {
  world = await createTranscriptWorld({ now: () => now });
  districtId = await aDistrict(world.db);
});
afterAll(() => world.close());

type Channel = 'zalo' | 'messenger';

async function userAs(channel: Channel, fields: Parameters<typeof aMember>[1]): Promise<{ user: TranscriptUser; memberId: string }> {
  const memberId = await aMember(world.db, fields);
  const user = world.user(channel);
  await anIdentityFor(world.db, user, memberId);
  return { user, memberId };
}

async function aBranchWithCadre(channel: Channel, name = 'Đoàn phường Tân Tạo A') {
  // A district of its own, so that every test may name its branch the same.
  const branchId = await aUnit(world.db, await aDistrict(world.db), { name });
  const cadre = await userAs(channel, { branchId, role: 'cadre', fullName: 'Lâm Thị Thu' });
  return { branchId, cadre };
}

async function reportsOf(branchId: string) {
  return world.db.selectFrom('branch_reports').select(['report_date', 'post_url', 'reported_by_member_id']).where('branch_id', '=', branchId).orderBy('report_date').execute();
}

describe.each(['zalo', 'messenger'] as const)('reporting the branch’s good-news post of the day on %s', (channel) => {
  beforeEach(() => {
    now = new Date('2026-12-01T03:00:00Z');
  });

  test('from the desk: the link is checked like a proof link, recorded canonical for today, and the desk then shows it reported', async () => {
    const { branchId, cadre } = await aBranchWithCadre(channel);
    await cadre.user.say(MENU.cadreDesk.keyword);
    expect(cadre.user.lastText()).toContain('• Tin tốt hôm nay: chưa báo cáo');
    await cadre.user.pick(CADRE_TEXT.reportGoodNews);
    expect(cadre.user.lastText()).toContain('đường link bài đăng tin tốt hôm nay (1/12/2026) trên trang của Đoàn phường Tân Tạo A');

    await cadre.user.say('chi đoàn đăng rồi nhé');
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.reportNoLink);
    await cadre.user.say('https://www.facebook.com/doanphuongtantaoa');
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.reportNotAPost);
    await cadre.user.say('https://bit.ly/3abcXYZ');
    expect(cadre.user.lastText()).toContain('link rút gọn');
    expect(await reportsOf(branchId)).toEqual([]);

    await cadre.user.say('Bài hôm nay đây ạ: https://m.facebook.com/DoanPhuongTanTaoA/posts/1234567890?fbclid=IwAR0abc&mibextid=xyz');
    const canonical = 'https://www.facebook.com/doanphuongtantaoa/posts/1234567890';
    expect(cadre.user.lastText()).toContain(reportRecorded('Đoàn phường Tân Tạo A', '1/12/2026', canonical));
    // Back at the desk, with the day's post counted.
    expect(cadre.user.lastText()).toContain('• Tin tốt hôm nay: đã báo cáo');
    expect(await reportsOf(branchId)).toEqual([{ report_date: '2026-12-01', post_url: canonical, reported_by_member_id: cadre.memberId }]);
  });

  test('by #baocao again the same day: another link replaces the first and the cadre is told; the same link changes nothing', async () => {
    const { branchId, cadre } = await aBranchWithCadre(channel);
    const first = 'https://www.facebook.com/doanphuongtantaoa/posts/111';
    const second = 'https://www.tiktok.com/@doanphuongtantaoa/video/7300000000000000001';
    await cadre.user.say(MENU.branchReport.keyword);
    await cadre.user.say(first);
    expect(cadre.user.lastText()).toContain(reportRecorded('Đoàn phường Tân Tạo A', '1/12/2026', first));

    now = new Date('2026-12-01T09:30:00Z'); // 16:30 the same day
    await cadre.user.say(MENU.branchReport.keyword);
    expect(cadre.user.lastText()).toContain(`Hôm nay (1/12/2026) Đoàn phường Tân Tạo A đã báo cáo bài:\n${first}`);
    await cadre.user.say(`${second}?is_from_webapp=1&sender_device=pc`);
    expect(cadre.user.lastText()).toContain(reportReplaced('Đoàn phường Tân Tạo A', '1/12/2026', second, first));
    expect(await reportsOf(branchId)).toEqual([{ report_date: '2026-12-01', post_url: second, reported_by_member_id: cadre.memberId }]);

    await cadre.user.say(MENU.branchReport.keyword);
    await cadre.user.say(second);
    expect(cadre.user.lastText()).toContain(reportUnchanged('1/12/2026'));
    expect(await reportsOf(branchId)).toHaveLength(1);
  });

  test('the day is the local day: 23:30 and 00:30 are two days, each with its own report', async () => {
    const { branchId, cadre } = await aBranchWithCadre(channel);
    now = new Date('2026-12-01T16:30:00Z'); // 23:30 on 1/12 in Hồ Chí Minh City
    await cadre.user.say(MENU.branchReport.keyword);
    await cadre.user.say('https://www.facebook.com/doanphuongtantaoa/posts/201');
    now = new Date('2026-12-01T17:30:00Z'); // 00:30 on 2/12
    await cadre.user.say(MENU.branchReport.keyword);
    expect(cadre.user.lastText()).toContain('tin tốt hôm nay (2/12/2026)');
    await cadre.user.say('https://www.facebook.com/doanphuongtantaoa/posts/202');
    expect((await reportsOf(branchId)).map((r) => [r.report_date, r.post_url])).toEqual([
      ['2026-12-01', 'https://www.facebook.com/doanphuongtantaoa/posts/201'],
      ['2026-12-02', 'https://www.facebook.com/doanphuongtantaoa/posts/202'],
    ]);
  });

  test('"Để sau" records nothing and says how to come back', async () => {
    const { branchId, cadre } = await aBranchWithCadre(channel);
    await cadre.user.say(MENU.branchReport.keyword);
    await cadre.user.pick(CADRE_TEXT.reportLater);
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.reportLaterDone);
    expect(await reportsOf(branchId)).toEqual([]);
  });

  test('a member who is not a verified cadre is told so politely, gets the menu, and reports nothing', async () => {
    const branchId = await aUnit(world.db, districtId);
    const member = await userAs(channel, { branchId, role: 'member' });
    await member.user.say(MENU.branchReport.keyword);
    expect(member.user.lastText()).toContain(CADRE_TEXT.reportNotCadre);
    expect(member.user.lastText()).toContain(TEXT.menuPrompt);
    const pending = await userAs(channel, { branchId, role: 'cadre', status: 'pending' });
    await pending.user.say(MENU.branchReport.keyword);
    expect(pending.user.lastText()).toContain(CADRE_TEXT.reportNotCadre);
    expect(await reportsOf(branchId)).toEqual([]);
  });

  test('a cadre finds “Báo cáo tin tốt” in the menu', async () => {
    const { cadre } = await aBranchWithCadre(channel);
    await cadre.user.say('menu');
    await cadre.user.pick(MENU.branchReport.title);
    expect(cadre.user.lastText()).toContain('đường link bài đăng tin tốt hôm nay (1/12/2026)');
  });
});

describe('the evening reminder after reports', () => {
  test('a branch whose cadre reported today (on either channel) is not reminded at 20:00; a branch that did not is', async () => {
    now = new Date('2026-12-07T04:00:00Z'); // 11:00 on 7/12
    const onZalo = await aBranchWithCadre('zalo', 'Đoàn phường An Lạc');
    const onMessenger = await aBranchWithCadre('messenger', 'Đoàn phường Bình Trị Đông');
    const silent = await aBranchWithCadre('zalo', 'Đoàn phường Tân Tạo');
    await onZalo.cadre.user.say(MENU.branchReport.keyword);
    await onZalo.cadre.user.say('https://www.facebook.com/doanphuonganlac/posts/701');
    await onMessenger.cadre.user.say(MENU.branchReport.keyword);
    await onMessenger.cadre.user.say('https://www.youtube.com/shorts/abcDEF12345');

    const h = harness(world.db);
    const outcome = await sendGoodNewsReportReminders(h.ctx, new Date('2026-12-07T13:00:00Z')); // 20:00
    expect(outcome.ran).toBe(true);
    const reminded = await world.db
      .selectFrom('deliveries')
      .innerJoin('channel_identities as ci', 'ci.id', 'deliveries.identity_id')
      .select('ci.member_id')
      .where('idempotency_key', 'like', 'goodNewsReport:2026-12-07:%')
      .execute();
    const members = reminded.map((r) => r.member_id);
    expect(members).toContain(silent.cadre.memberId);
    expect(members).not.toContain(onZalo.cadre.memberId);
    expect(members).not.toContain(onMessenger.cadre.memberId);
    // The reminder says how to report: the chat's own keyword.
    expect(BRANCH_REPORT_KEYWORD).toBe(MENU.branchReport.keyword);
    expect(GOOD_NEWS_REPORT_TEXT.evening('Đoàn phường Tân Tạo', { year: 2026, month: 12, day: 7 })).toContain(`nhắn “${MENU.branchReport.keyword}”`);
  });
});
