import { createHash } from 'node:crypto';
import { cutTitle } from '../../src/channels/messenger/messenger.render';
import type { SimMessage } from '../../src/channels/simulator';
import { sampleImagePng } from '../../src/channels/simulator/simulator.samples';
import { importMembersFile } from '../../src/domain/members/member-import.service';
import { importUnitsFile } from '../../src/domain/units/unit-import.service';
import {
  CADRE_TEXT,
  MENU,
  ONBOARDING,
  PLATFORM_NAME,
  PROOF_TEXT,
  RESULTS_TEXT,
  REVIEW_STATE_TEXT,
  TEXT,
  WAVES_TEXT,
  deskIntro,
  proofApprovedNotice,
  reviewSummary,
  withCount } from '../../src/dialogs/messages.vi';
import type { AppProcess } from '../helpers/app-process';
import { runAppForFile } from '../helpers/e2e-app';
import { aWave } from '../helpers/builders';
import { botMessages, simSend, threadOf, until, userIds, waitForBotMessages, type Channel, type SimAction } from '../helpers/e2e';
import { SEED_UNITS_CSV, branchIdOf } from '../helpers/onboarding-seed';
import type { TestDatabase } from '../helpers/test-database';

/**
 * Issue 4's journeys as a member and a cadre live them, through the whole running app and only
 * through signed webhooks (the simulator signs and posts them as Zalo and Meta do): a member
 * registers and is verified by the roster, joins the open wave, sends a link with tracking
 * parameters (stored canonical), a second member is refused the same link, the first sends a
 * screenshot (downloaded by the image job), a cadre of the branch, registered on the other
 * channel, approves both proofs from the desk, and the member is told by the outbound worker.
 */

interface RosterPerson {
  readonly name: string;
  /** As the roster file writes it. */
  readonly phone: string;
  readonly e164: string;
}

/** One journey per channel, each in its own branch (the cadre's desk counts only its branch). */
const JOURNEYS = {
  zalo: {
    branchCode: 'bhh-a',
    branchName: 'Đoàn phường Bình Hưng Hòa A',
    typedBranch: 'binh hung hoa a',
    cadreChannel: 'messenger',
    member: { name: 'Lê Hoàng Minh', phone: '0912345679', e164: '+84912345679' },
    second: { name: 'Trần Ngọc Hân', phone: '0912345680', e164: '+84912345680' },
    cadre: { name: 'Phạm Quốc Việt', phone: '0987654321', e164: '+84987654321' },
    link: 'https://m.facebook.com/story.php?story_fbid=pfbid02ZsJ8c3kKqXv7wR4Lm1&id=100012345678901&mibextid=Nif5oz&fbclid=IwAR0xYz',
    canonical: 'https://www.facebook.com/permalink.php?story_fbid=pfbid02ZsJ8c3kKqXv7wR4Lm1&id=100012345678901',
    platform: 'facebook',
    sample: 1 },
  messenger: {
    branchCode: 'an-lac',
    branchName: 'Đoàn phường An Lạc',
    typedBranch: 'an lac',
    cadreChannel: 'zalo',
    member: { name: 'Võ Quốc Bảo', phone: '0938123456', e164: '+84938123456' },
    second: { name: 'Đặng Thu Trang', phone: '0938123457', e164: '+84938123457' },
    cadre: { name: 'Nguyễn Thị Mai', phone: '0977111222', e164: '+84977111222' },
    link: 'https://www.tiktok.com/@doananlac/video/7312345678901234567?is_from_webapp=1&sender_device=pc&utm_source=zalo&_r=1',
    canonical: 'https://www.tiktok.com/@doananlac/video/7312345678901234567',
    platform: 'tiktok',
    sample: 2 } } as const satisfies Record<Channel, { cadreChannel: Channel } & Record<string, unknown>>;

const rosterCsv = (): string =>
  [
    'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò',
    ...Object.values(JOURNEYS).flatMap((j) => [
      `${j.member.name},${j.member.phone},${j.branchName},Đoàn viên`,
      `${j.second.name},${j.second.phone},${j.branchName},Thanh niên`,
      `${j.cadre.name},${j.cadre.phone},${j.branchName},Cán bộ Đoàn`,
    ]),
  ].join('\n');

const WAVE_TITLE = 'Lan tỏa năng lượng tích cực';

/** What a bot message shows as text: its text, a Messenger button template's text. */
function shownText(m: SimMessage): string {
  const content = m.content as { text?: string; attachment?: { payload?: { text?: string } } };
  return content.text ?? content.attachment?.payload?.text ?? '';
}

/** The persistent menu the app set on the Page (messenger_profile), as the stand-in holds it. */
async function persistentMenu(baseUrl: string, psid: string): Promise<{ title: string; payload: string }[]> {
  const res = await fetch(`${baseUrl}/simulator/api/thread?channel=messenger&userId=${psid}`);
  const snapshot = (await res.json()) as { messenger: { persistentMenu: { call_to_actions: { title: string; payload: string }[] }[] | null } };
  return snapshot.messenger.persistentMenu?.[0]?.call_to_actions ?? [];
}

/** A person with a phone on the roster, chatting on one channel. */
class Person {
  private seen = 0;
  constructor(
    private readonly baseUrl: string,
    readonly channel: Channel,
    readonly userId: string,
    readonly who: RosterPerson,
  ) {}

  /** Does `action` and waits for exactly `replies` more bot messages; returns them. */
  async act(action: SimAction, replies: number): Promise<SimMessage[]> {
    const sent = await simSend(this.baseUrl, this.channel, this.userId, this.who.name, action);
    expect(sent.delivered).toBe(true);
    return this.expectMore(replies);
  }

  async say(text: string, replies: number): Promise<SimMessage[]> {
    return this.act({ type: 'text', text }, replies);
  }

  /** Waits for `count` bot messages nobody asked for this moment (the image job's, a review's notice). */
  async expectMore(count: number): Promise<SimMessage[]> {
    const all = await waitForBotMessages(this.baseUrl, this.channel, this.userId, this.seen + count).catch(async (error: unknown) => {
      // Say what did come, so a failing run shows the conversation rather than only a count.
      const fresh = botMessages(await threadOf(this.baseUrl, this.channel, this.userId)).slice(this.seen);
      throw new Error(`${String(error)}\n${this.channel} ${this.who.name} got instead:\n${fresh.map(shownText).join('\n---\n')}`);
    });
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  /**
   * Picks the choice titled `title` the way this platform offers it: on Zalo the number in front
   * of it in the bot's last numbered list; on Messenger the quick reply under the last message.
   */
  async pick(title: string, replies: number): Promise<SimMessage[]> {
    const bot = botMessages(await threadOf(this.baseUrl, this.channel, this.userId));
    const last = bot.at(-1);
    if (!last) throw new Error('nothing to pick from');
    if (this.channel === 'zalo') {
      const line = shownText(last)
        .split('\n')
        .map((l) => /^(\d+)\. (.*)$/.exec(l))
        .find((match) => match?.[2] === title);
      if (!line) throw new Error(`no numbered choice "${title}" in: ${shownText(last)}`);
      return this.say(line[1]!, replies);
    }
    const chips = (last.content as { quick_replies?: { title?: string; payload?: string }[] }).quick_replies ?? [];
    const chip = chips.find((q) => q.title === cutTitle(title));
    if (!chip?.payload) throw new Error(`no quick reply "${title}" in: ${JSON.stringify(chips)}`);
    return this.act({ type: 'quickReply', title: chip.title!, payload: chip.payload }, replies);
  }

  /** Shares the phone with the platform's own control: Zalo's request_user_info card, Messenger's user_phone_number quick reply. */
  async sharePhone(replies: number): Promise<SimMessage[]> {
    const last = botMessages(await threadOf(this.baseUrl, this.channel, this.userId)).at(-1)!;
    if (this.channel === 'zalo') {
      expect(JSON.stringify(last.content)).toContain('request_user_info');
      return this.act({ type: 'shareInfo', name: this.who.name, phone: this.who.phone }, replies);
    }
    expect((last.content as { quick_replies?: unknown[] }).quick_replies).toContainEqual({ content_type: 'user_phone_number' });
    // Messenger hands over the number of the person's Facebook account, in international form.
    return this.act({ type: 'quickReply', title: this.who.e164, payload: this.who.e164 }, replies);
  }

  /** Opens a menu entry: its #keyword on Zalo (works from anywhere), its quick reply on Messenger. */
  async open(entry: keyof typeof MENU, replies: number): Promise<SimMessage[]> {
    if (this.channel === 'zalo') return this.say(MENU[entry].keyword, replies);
    const item = (await persistentMenu(this.baseUrl, this.userId)).find((i) => i.payload === MENU[entry].value);
    if (!item) throw new Error(`"${MENU[entry].title}" is not in the persistent menu`);
    return this.act({ type: 'postback', title: item.title, payload: item.payload }, replies);
  }

  texts(messages: readonly SimMessage[]): string[] {
    return messages.map(shownText);
  }
}

/** What staff do before launch: the unit tree and the roster through their own importers, and one wave open now, owned by the district. */
async function seedJourney(t: TestDatabase): Promise<void> {
  const units = await importUnitsFile(t.db, { name: 'units.csv', content: Buffer.from(SEED_UNITS_CSV) }, { skipInvalid: false });
  const roster = await importMembersFile(t.db, { name: 'members.csv', content: Buffer.from(rosterCsv()) }, { skipInvalid: false });
  for (const report of [units, roster]) if (!report.imported || report.invalid.length > 0) throw new Error(`seed import problems: ${JSON.stringify(report.invalid)}`);
  const district = await t.db.selectFrom('units').select('id').where('level', '=', 'district').executeTakeFirstOrThrow();
  await aWave(t.db, { ownerUnitId: district.id, title: WAVE_TITLE, startsAt: new Date(Date.now() - 86_400_000), endsAt: new Date(Date.now() + 10 * 86_400_000) });
}

describe('a member\'s and a cadre\'s journeys, end to end through signed webhooks', () => {
  let t: TestDatabase;
  let app: AppProcess;
  runAppForFile((running) => ({ t, app } = running), { seed: seedJourney, reportProblems: true });

  /** Follow / first message, consent, name, branch typed without diacritics, role, phone shared: verified by the roster. */
  async function register(p: Person, typedBranch: string, branchName: string, role: keyof typeof ONBOARDING.roles): Promise<void> {
    const hello = p.channel === 'zalo' ? await p.act({ type: 'follow' }, 2) : await p.say('xin chào', 2);
    expect(p.texts(hello)[0]).toBe(TEXT.greeting);
    expect(p.texts(hello)[1]).toContain(ONBOARDING.consentNotice);
    expect(p.texts(await p.pick(ONBOARDING.consentYes.title, 2))).toEqual([ONBOARDING.consentAccepted, ONBOARDING.askName]);
    expect(p.texts(await p.say(p.who.name, 1))).toEqual([ONBOARDING.askBranch]);
    const [askRole] = p.texts(await p.say(typedBranch, 1));
    expect(askRole).toContain(ONBOARDING.askRole(ONBOARDING.branchChosen(branchName)));
    const askPhone = await p.pick(ONBOARDING.roles[role].title, p.channel === 'zalo' ? 2 : 1);
    expect(p.texts(askPhone)[0]).toBe(ONBOARDING.askPhone);
    const [verified, menu] = p.texts(await p.sharePhone(2));
    expect(verified).toBe(ONBOARDING.verifiedByRoster(p.who.name, branchName));
    expect(menu).toContain(TEXT.menuPrompt);
  }

  const memberByPhone = (e164: string) =>
    t.db.selectFrom('members').select(['id', 'status', 'verified_by', 'role', 'branch_id']).where('phone', '=', e164).executeTakeFirstOrThrow();

  it.each(['zalo', 'messenger'] as const)(
    'On %s: a member registers and is verified by the roster, joins the wave, sends a link with tracking parameters and a screenshot; a second member is refused the same link; the branch\'s cadre approves both from the desk and the member is told',
    async (channel) => {
      const j = JOURNEYS[channel];
      const [memberId, secondId] = userIds(channel, 2) as [string, string];
      const [cadreId] = userIds(j.cadreChannel, 1) as [string];
      const member = new Person(app.baseUrl, channel, memberId, j.member);
      const second = new Person(app.baseUrl, channel, secondId, j.second);
      const cadre = new Person(app.baseUrl, j.cadreChannel, cadreId, j.cadre);
      const branchId = await branchIdOf(t.db, j.branchCode);

      // Registration, verified by the roster (the role the roster holds).
      await register(member, j.typedBranch, j.branchName, 'member');
      expect(await memberByPhone(j.member.e164)).toMatchObject({ status: 'verified', verified_by: 'roster', role: 'member', branch_id: branchId });

      // Joining: one open wave, so no question; what to do, then "Gửi minh chứng".
      const [joined, afterJoin] = member.texts(await member.open('joinWave', 2));
      expect(joined).toContain(WAVES_TEXT.joined(WAVE_TITLE));
      expect(afterJoin).toContain(WAVES_TEXT.afterJoinPrompt);
      expect(member.texts(await member.pick(WAVES_TEXT.proofChoice, 1))).toEqual([PROOF_TEXT.ask(WAVE_TITLE)]);

      // The link as the platform's share sheet gives it, tracking parameters and all.
      const [recorded, askMore] = member.texts(await member.act({ type: 'link', url: j.link }, 2));
      expect(recorded).toBe(PROOF_TEXT.linkRecorded(PLATFORM_NAME[j.platform]));
      expect(askMore).toContain(PROOF_TEXT.askMore);
      const linkProof = await t.db.selectFrom('proofs').selectAll().where('original_url', '=', j.link).executeTakeFirstOrThrow();
      expect(linkProof).toMatchObject({ kind: 'link', canonical_url: j.canonical, review_state: 'pending' });

      // A second member of the branch sends the same post (pasted as text): refused, with the reason.
      await register(second, j.typedBranch, j.branchName, 'youth');
      expect(await memberByPhone(j.second.e164)).toMatchObject({ status: 'verified', verified_by: 'roster', role: 'youth' });
      expect(second.texts(await second.open('submitProof', 1))).toEqual([PROOF_TEXT.ask(WAVE_TITLE)]);
      expect(second.texts(await second.say(j.link, 1))).toEqual([PROOF_TEXT.usedByAnother]);
      expect(await t.db.selectFrom('proofs').select('id').where('canonical_url', '=', j.canonical).execute()).toHaveLength(1);

      // The first member's screenshot: recorded at once, downloaded by the image job, then confirmed.
      const screenshot = `${app.baseUrl}/simulator/samples/anh-minh-chung-${j.sample}.png`;
      // The turn's two replies and the job's confirmation: the job may finish before the turn's replies are out.
      const afterImage = member.texts(await member.act({ type: 'image', url: screenshot }, 3));
      const fromTurn = afterImage.filter((text) => text !== PROOF_TEXT.imageReceived(WAVE_TITLE));
      expect(fromTurn).toHaveLength(2);
      expect(fromTurn[0]).toBe(PROOF_TEXT.imageRecorded);
      expect(fromTurn[1]).toContain(PROOF_TEXT.askMore);
      const imageProof = await t.db
        .selectFrom('proofs')
        .innerJoin('participations', 'participations.id', 'proofs.participation_id')
        .select(['proofs.id', 'proofs.image_state', 'proofs.image_sha256', 'proofs.image_mime', 'proofs.review_state'])
        .where('participations.member_id', '=', (await memberByPhone(j.member.e164)).id)
        .where('proofs.kind', '=', 'image')
        .executeTakeFirstOrThrow();
      expect(imageProof).toMatchObject({ image_state: 'stored', image_mime: 'image/png', review_state: 'pending' });
      // The very bytes the simulator served, stored once under their hash.
      const sample = sampleImagePng(j.sample);
      expect(imageProof.image_sha256).toBe(createHash('sha256').update(sample).digest('hex'));
      const stored = await t.db.selectFrom('media_images').select(['sha256', 'mime', 'bytes']).where('sha256', '=', imageProof.image_sha256!).executeTakeFirst();
      expect(stored).toMatchObject({ mime: 'image/png', bytes: sample.length });
      // Typed: on Messenger the "Xong" quick reply went away with the confirmation that came after it.
      const [done, menuAfter] = member.texts(await member.say('xong', 2));
      expect(done).toBe(PROOF_TEXT.done);
      expect(menuAfter).toContain(TEXT.menuPrompt);

      // The branch's cadre, on the other channel: registered as cadre, verified by the roster, opens the desk.
      await register(cadre, j.typedBranch, j.branchName, 'cadre');
      expect(await memberByPhone(j.cadre.e164)).toMatchObject({ status: 'verified', verified_by: 'roster', role: 'cadre', branch_id: branchId });
      const [desk] = cadre.texts(cadre.channel === 'zalo' ? await cadre.say(MENU.cadreDesk.keyword, 1) : await cadre.pick(MENU.cadreDesk.title, 1));
      expect(desk).toContain(deskIntro(j.branchName, 2, 0));

      // Oldest first: the link, with a button that opens its clean form (no tracking); then the screenshot.
      const linkCard = await cadre.pick(withCount(CADRE_TEXT.reviewProofs, 2), 1);
      expect(cadre.texts(linkCard).join('\n')).toContain(`Minh chứng của: ${j.member.name}`);
      expect(JSON.stringify(linkCard.map((m) => m.content))).toContain(JSON.stringify(j.canonical).slice(1, -1));
      const imageCard = await cadre.pick(CADRE_TEXT.approve, 3);
      expect(cadre.texts(imageCard)[0]).toBe(CADRE_TEXT.approvedDone);
      expect(JSON.stringify(imageCard.map((m) => m.content))).toContain(imageProof.image_sha256!);
      const finished = cadre.texts(await cadre.pick(CADRE_TEXT.approve, 3));
      expect(finished[0]).toBe(CADRE_TEXT.approvedDone);
      expect(finished[1]).toBe(`${CADRE_TEXT.noProofsLeft}\n${reviewSummary(2, 0, 0)}`);
      expect(finished[2]).toContain(deskIntro(j.branchName, 0, 0));

      // The member is told, once per proof and naming it, by the outbound worker.
      expect(member.texts(await member.expectMore(2))).toEqual([
        proofApprovedNotice(WAVE_TITLE, { kind: 'link', platform: j.platform, canonicalUrl: j.canonical }),
        proofApprovedNotice(WAVE_TITLE, { kind: 'image', platform: null, canonicalUrl: null }),
      ]);
      const proofs = await t.db.selectFrom('proofs').select(['kind', 'review_state', 'reviewed_by_member_id']).where('id', 'in', [linkProof.id, imageProof.id]).orderBy('kind').execute();
      const cadreMember = await memberByPhone(j.cadre.e164);
      expect(proofs).toEqual([
        { kind: 'image', review_state: 'approved', reviewed_by_member_id: cadreMember.id },
        { kind: 'link', review_state: 'approved', reviewed_by_member_id: cadreMember.id },
      ]);
      const notices = await until('both review notices to be sent', async () => {
        const rows = await t.db
          .selectFrom('deliveries')
          .innerJoin('channel_identities', 'channel_identities.id', 'deliveries.identity_id')
          .select(['deliveries.status', 'deliveries.platform_message_id', 'deliveries.purpose'])
          .where('channel_identities.platform_user_id', '=', memberId)
          .where('deliveries.purpose', '=', 'reviewResult')
          .execute();
        return rows.length === 2 && rows.every((r) => r.platform_message_id !== null) ? rows : undefined;
      });
      // Sent, and the platform's receipts may already have marked them delivered.
      for (const n of notices) expect(['sent', 'delivered', 'read']).toContain(n.status);
      const shownIds = botMessages(await threadOf(app.baseUrl, channel, memberId)).map((m) => m.id);
      for (const n of notices) expect(shownIds).toContain(n.platform_message_id);

      // "Kết quả của tôi" shows both proofs approved, and the menu follows it.
      const [results, menu] = member.texts(await member.open('myResults', 2));
      expect(menu).toContain(TEXT.menuPrompt);
      expect(results).toContain(`${j.canonical} — ${REVIEW_STATE_TEXT.approved}`);
      expect(results).toContain(`${RESULTS_TEXT.imageProof} — ${REVIEW_STATE_TEXT.approved}`);
    },
  );
});
