import { randomInt } from 'node:crypto';
import { CADRE_TEXT, MENU, TEXT, proofApprovedNotice, proofRejectedNotice, REGISTRATION_DECLINED_NOTICE, REGISTRATION_VERIFIED_NOTICE, REJECT_REASONS } from '../../src/dialogs/messages.vi';
import { releaseDeferred } from '../../src/domain/deliveries/deferred-deliveries.repository';
import { aDistrict, aMember, anIdentityFor, aProof, aUnit, aWave } from '../helpers/builders';
import { createTranscriptWorld, type TranscriptUser, type TranscriptWorld } from '../helpers/transcript';

// 10:00 on 1 December 2026 in Hồ Chí Minh City.
const NOW = new Date('2026-12-01T03:00:00Z');

let world: TranscriptWorld;
let districtId: string;
beforeAll(async () => {
  world = await createTranscriptWorld({ now: () => NOW });
  districtId = await aDistrict(world.db);
});
afterAll(() => world.close());

type Channel = 'zalo' | 'messenger';

/** A chat user already registered as a member (linked before their first message). */
async function userAs(channel: Channel, fields: Parameters<typeof aMember>[1]): Promise<{ user: TranscriptUser; memberId: string }> {
  const memberId = await aMember(world.db, fields);
  const user = world.user(channel);
  await anIdentityFor(world.db, user, memberId);
  return { user, memberId };
}

/** A branch with a verified cadre, a member and a wave the member sent a link proof to. */
async function branchWithOneLinkProof(channel: Channel) {
  // A district of its own, so that every test may name its branch the same.
  const branchId = await aUnit(world.db, await aDistrict(world.db), { name: 'Đoàn phường Bình Hưng Hòa A' });
  const cadre = await userAs(channel, { branchId, role: 'cadre', fullName: 'Trần Thị Bình' });
  const member = await userAs(channel, { branchId, fullName: 'Nguyễn Văn An' });
  const waveId = await aWave(world.db, { ownerUnitId: districtId, title: 'Tháng Thanh niên 2026' });
  const link = `https://www.facebook.com/nguyenvanan/posts/${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const proofId = await aProof(world.db, { waveId, memberId: member.memberId, link, submittedAt: new Date('2026-11-30T08:15:00Z') });
  return { branchId, cadre, member, waveId, proofId, link };
}

async function proofRow(proofId: string) {
  return world.db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .select(['p.review_state', 'p.reviewed_by_member_id', 'p.reviewed_at', 'p.reject_reason', 'pa.state', 'pa.approved_at', 'pa.rejected_at'])
    .where('p.id', '=', proofId)
    .executeTakeFirstOrThrow();
}

async function openProofReview(cadre: TranscriptUser): Promise<void> {
  await cadre.say(MENU.cadreDesk.keyword);
  await cadre.pick(CADRE_TEXT.reviewProofs);
}

describe.each(['zalo', 'messenger'] as const)('the cadre desk on %s', (channel) => {
  test('a member who is not a cadre is told so, politely, and gets the menu', async () => {
    const branchId = await aUnit(world.db, districtId);
    const { user } = await userAs(channel, { branchId, role: 'member' });
    await user.say(MENU.cadreDesk.keyword);
    expect(user.lastText()).toContain(CADRE_TEXT.notCadre);
    expect(user.lastText()).toContain(TEXT.menuPrompt);
  });

  test('a verified cadre finds the desk in the menu and opens it from there', async () => {
    const { cadre } = await branchWithOneLinkProof(channel);
    await cadre.user.say('menu');
    await cadre.user.pick(MENU.cadreDesk.title);
    expect(cadre.user.lastText()).toContain('1 minh chứng chờ duyệt');
    await cadre.user.pick(CADRE_TEXT.backToMenu);
    expect(cadre.user.lastText()).toContain(TEXT.menuPrompt);
  });

  test('a cadre whose registration is still pending is refused too', async () => {
    const branchId = await aUnit(world.db, districtId);
    const { user } = await userAs(channel, { branchId, role: 'cadre', status: 'pending' });
    await user.say(MENU.cadreDesk.keyword);
    expect(user.lastText()).toContain(CADRE_TEXT.notCadre);
  });

  test('the desk counts what waits and offers the three pieces of work', async () => {
    const { cadre } = await branchWithOneLinkProof(channel);
    await cadre.user.say(MENU.cadreDesk.keyword);
    const text = cadre.user.lastText();
    expect(text).toContain('Đoàn phường Bình Hưng Hòa A');
    expect(text).toContain('1 minh chứng chờ duyệt');
    expect(text).toContain('0 đăng ký chờ xác nhận');
    const titles = ['Duyệt minh chứng (1)', 'Duyệt đăng ký (0)', CADRE_TEXT.registerTrend];
    if (channel === 'messenger') expect(cadre.user.lastReply().at(-1)?.quickReplies).toEqual(expect.arrayContaining(titles));
    else titles.forEach((t) => expect(text).toMatch(new RegExp(`\\d\\. ${t.replace(/[()]/g, '\\$&')}`)));
  });

  test('approving a link proof: the card, the decision recorded, the member told on their channel', async () => {
    const { cadre, member, proofId, link } = await branchWithOneLinkProof(channel);
    await openProofReview(cadre.user);
    const card = cadre.user.lastText();
    expect(card).toContain('Nguyễn Văn An');
    expect(card).toContain('Tháng Thanh niên 2026');
    expect(card).toContain('15:15 ngày 30/11/2026');
    if (channel === 'messenger') expect(cadre.user.lastReply().flatMap((s) => s.buttons)).toContainEqual({ type: 'web_url', title: CADRE_TEXT.openLink, url: link });
    else expect(card).toContain(`${CADRE_TEXT.openLink}: ${link}`);

    await cadre.user.pick(CADRE_TEXT.approve);
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.approvedDone);
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.noProofsLeft);
    expect(cadre.user.lastText()).toContain('Bạn đã duyệt 1, chưa duyệt 0 và bỏ qua 0');
    expect(cadre.user.lastText()).toContain('0 minh chứng chờ duyệt');

    const row = await proofRow(proofId);
    expect(row).toMatchObject({ review_state: 'approved', reviewed_by_member_id: cadre.memberId, reject_reason: null, state: 'approved' });
    expect(row.reviewed_at).toEqual(NOW);
    expect(row.approved_at).toEqual(NOW);
    const told = await world.queuedFor(member.user);
    // The notice names the proof (a member often sends several): the link's platform and the link.
    const notice = proofApprovedNotice('Tháng Thanh niên 2026', { kind: 'link', platform: 'facebook', canonicalUrl: link });
    expect(notice).toContain(`Link bài đăng Facebook bạn gửi cho đợt “Tháng Thanh niên 2026”`);
    expect(notice).toContain(link);
    expect(told.map((s) => s.text).join('\n')).toContain(notice);
    const key = await world.db.selectFrom('deliveries').select(['idempotency_key', 'purpose']).where('idempotency_key', '=', `review:${proofId}`).execute();
    expect(key).toEqual([{ idempotency_key: `review:${proofId}`, purpose: 'reviewResult' }]);
  });

  test('rejecting with a picked reason tells the member the reason and how to send again', async () => {
    const { cadre, member, proofId, link } = await branchWithOneLinkProof(channel);
    await openProofReview(cadre.user);
    await cadre.user.pick(CADRE_TEXT.reject);
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.reasonPrompt);
    await cadre.user.pick('Thiếu hashtag');
    const reason = REJECT_REASONS.find((r) => r.title === 'Thiếu hashtag')!.reason;
    expect(cadre.user.lastText()).toContain(`lý do “${reason}”`);

    expect(await proofRow(proofId)).toMatchObject({ review_state: 'rejected', reject_reason: reason, reviewed_by_member_id: cadre.memberId, state: 'rejected' });
    const told = (await world.queuedFor(member.user)).map((s) => s.text).join('\n');
    expect(told).toContain(proofRejectedNotice('Tháng Thanh niên 2026', { kind: 'link', platform: 'facebook', canonicalUrl: link }, reason));
    expect(told).toContain(MENU.submitProof.title);
    expect(told).toContain(MENU.submitProof.keyword);
  });

  test('rejecting with a typed reason, straight away or after "Lý do khác"', async () => {
    const first = await branchWithOneLinkProof(channel);
    await openProofReview(first.cadre.user);
    await first.cadre.user.pick(CADRE_TEXT.reject);
    await first.cadre.user.say('Bài đang để chế độ  chỉ mình tôi');
    expect(await proofRow(first.proofId)).toMatchObject({ review_state: 'rejected', reject_reason: 'Bài đang để chế độ chỉ mình tôi' });

    const second = await branchWithOneLinkProof(channel);
    await openProofReview(second.cadre.user);
    await second.cadre.user.pick(CADRE_TEXT.reject);
    await second.cadre.user.pick(CADRE_TEXT.otherReason);
    expect(second.cadre.user.lastText()).toContain(CADRE_TEXT.typeReason);
    await second.cadre.user.say('ok');
    expect(second.cadre.user.lastText()).toContain(CADRE_TEXT.reasonTooShort);
    await second.cadre.user.say('Ảnh chụp bài của người khác');
    expect(await proofRow(second.proofId)).toMatchObject({ review_state: 'rejected', reject_reason: 'Ảnh chụp bài của người khác' });
    expect((await world.queuedFor(second.member.user)).map((s) => s.text).join('\n')).toContain('Lý do: Ảnh chụp bài của người khác.');
  });

  test('skip shows the next proof, oldest first; stop ends the sitting with nothing changed', async () => {
    const { branchId, cadre, waveId, proofId: older } = await branchWithOneLinkProof(channel);
    const other = await aMember(world.db, { branchId, fullName: 'Lê Thị Cúc' });
    const newer = await aProof(world.db, { waveId, memberId: other, imageSha256: 'c'.repeat(64), submittedAt: new Date('2026-11-30T09:00:00Z') });
    await openProofReview(cadre.user);
    expect(cadre.user.lastText()).toContain('Nguyễn Văn An');
    expect(cadre.user.lastText()).toContain('(2 minh chứng đang chờ)');
    await cadre.user.pick(CADRE_TEXT.skip);
    expect(cadre.user.lastText()).toContain('Lê Thị Cúc');
    expect(cadre.user.lastReply().some((s) => s.imageUrl?.includes(`/media/images/${'c'.repeat(64)}?`) === true)).toBe(true);
    await cadre.user.pick(CADRE_TEXT.stop);
    expect(cadre.user.lastText()).toContain('Bạn đã duyệt 0, chưa duyệt 0 và bỏ qua 1');
    expect((await proofRow(older)).review_state).toBe('pending');
    expect((await proofRow(newer)).review_state).toBe('pending');
  });

  test("an image another member also sent is flagged, whoever's branch it came from", async () => {
    const { branchId, cadre, waveId } = await branchWithOneLinkProof(channel);
    const elsewhere = await aUnit(world.db, districtId);
    const stranger = await aMember(world.db, { branchId: elsewhere, fullName: 'Người Ở Nơi Khác' });
    const wave2 = await aWave(world.db, { ownerUnitId: districtId });
    const sha = `${Date.now().toString(16)}`.padEnd(64, 'b');
    await aProof(world.db, { waveId: wave2, memberId: stranger, imageSha256: sha, submittedAt: new Date('2026-11-20T00:00:00Z') });
    const copier = await aMember(world.db, { branchId, fullName: 'Phạm Văn Dũng' });
    await aProof(world.db, { waveId, memberId: copier, imageSha256: sha, submittedAt: new Date('2026-11-30T10:00:00Z') });
    await openProofReview(cadre.user);
    expect(cadre.user.lastText()).not.toContain(CADRE_TEXT.duplicateImage);
    await cadre.user.pick(CADRE_TEXT.skip);
    expect(cadre.user.lastText()).toContain('Phạm Văn Dũng');
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.duplicateImage);
    expect(cadre.user.lastText()).not.toContain('Người Ở Nơi Khác');
  });

  test('two cadres on the same proof: the first decision stands, the second is told, the member hears once', async () => {
    const { branchId, cadre, member, proofId } = await branchWithOneLinkProof(channel);
    const second = await userAs(channel, { branchId, role: 'cadre', fullName: 'Võ Minh Khoa' });
    await openProofReview(cadre.user);
    await openProofReview(second.user);
    expect(second.user.lastText()).toContain('Nguyễn Văn An');
    await cadre.user.pick(CADRE_TEXT.approve);
    await second.user.pick(CADRE_TEXT.reject);
    await second.user.pick('Ảnh không rõ');
    expect(second.user.lastText()).toContain(CADRE_TEXT.alreadyReviewed);
    expect(second.user.lastText()).toContain(CADRE_TEXT.noProofsLeft);
    expect(await proofRow(proofId)).toMatchObject({ review_state: 'approved', reviewed_by_member_id: cadre.memberId, state: 'approved' });
    expect(await world.queuedFor(member.user)).toHaveLength(1);
  });

  test("two proofs' results deferred while the member is away are both released when they write: one proof's result never collapses another's", async () => {
    const { cadre, member, proofId: first } = await branchWithOneLinkProof(channel);
    const wave2 = await aWave(world.db, { ownerUnitId: districtId, title: 'Thắp nến tri ân 2026' });
    const second = await aProof(world.db, { waveId: wave2, memberId: member.memberId, imageSha256: `${Date.now().toString(16)}`.padEnd(64, 'd'), submittedAt: new Date('2026-11-30T09:30:00Z') });
    await openProofReview(cadre.user);
    await cadre.user.pick(CADRE_TEXT.approve);
    await cadre.user.pick(CADRE_TEXT.reject);
    await cadre.user.pick('Ảnh không rõ');
    expect((await proofRow(first)).review_state).toBe('approved');
    expect((await proofRow(second)).review_state).toBe('rejected');

    // What the policy does to a member outside every window: both results wait.
    const identity = await member.user.identityId();
    const notices = await world.db.updateTable('deliveries').set({ status: 'deferred' }).where('identity_id', '=', identity).where('purpose', '=', 'reviewResult').returning('id').execute();
    expect(notices).toHaveLength(2);
    const released = await world.db.transaction().execute((tx) => releaseDeferred(tx, [identity]));
    expect(released.collapsed).toEqual([]);
    expect(released.requeued.map((r) => r.was).sort()).toEqual(notices.map((n) => n.id).sort());
  });

  test('a cadre stood down in the middle of a review decides nothing more', async () => {
    const { cadre, proofId } = await branchWithOneLinkProof(channel);
    await openProofReview(cadre.user);
    await world.db.updateTable('members').set({ role: 'member' }).where('id', '=', cadre.memberId).execute();
    await cadre.user.pick(CADRE_TEXT.approve);
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.notCadre);
    expect(cadre.user.lastText()).toContain(TEXT.menuPrompt);
    expect((await proofRow(proofId)).review_state).toBe('pending');
  });

  test("a cadre never sees another branch's proofs, nor their own", async () => {
    const { cadre } = await branchWithOneLinkProof(channel);
    const elsewhere = await aUnit(world.db, districtId);
    const outsider = await userAs(channel, { branchId: elsewhere, role: 'cadre' });
    await outsider.user.say(MENU.cadreDesk.keyword);
    expect(outsider.user.lastText()).toContain('0 minh chứng chờ duyệt');
    await outsider.user.pick(CADRE_TEXT.reviewProofs);
    expect(outsider.user.lastText()).toContain(CADRE_TEXT.noProofsLeft);
    expect(outsider.user.seen.map((s) => s.text).join('\n')).not.toContain('Nguyễn Văn An');

    const waveId = await aWave(world.db, { ownerUnitId: districtId });
    await aProof(world.db, { waveId, memberId: cadre.memberId, link: `https://www.facebook.com/binh/posts/${Date.now()}` });
    await cadre.user.say(MENU.cadreDesk.keyword);
    expect(cadre.user.lastText()).toContain('1 minh chứng chờ duyệt');
  });
});

describe.each(['zalo', 'messenger'] as const)('confirming registrations on %s', (channel) => {
  async function branchWithPending() {
    const phone = `+8491${randomInt(1_000, 10_000)}123`;
    const branchId = await aUnit(world.db, districtId);
    const cadre = await userAs(channel, { branchId, role: 'cadre' });
    const first = await userAs(channel, {
      branchId,
      role: 'member',
      status: 'pending',
      fullName: 'Đỗ Thu Hà',
      phone,
      createdAt: new Date('2026-11-28T01:00:00Z'),
    });
    const second = await userAs(channel, { branchId, role: 'youth', status: 'pending', fullName: 'Hồ Quang Huy', createdAt: new Date('2026-11-29T01:00:00Z') });
    return { branchId, cadre, first, second, phone };
  }

  async function memberRow(id: string) {
    return world.db
      .selectFrom('members')
      .select(['status', 'verified_by', 'verified_at', 'registration_declined_at', 'registration_declined_by_member_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  test('confirm one, decline the next: both told, nothing deleted, the phone never shown whole', async () => {
    const { cadre, first, second, phone } = await branchWithPending();
    await cadre.user.say(MENU.cadreDesk.keyword);
    expect(cadre.user.lastText()).toContain('2 đăng ký chờ xác nhận');
    await cadre.user.pick(CADRE_TEXT.reviewRegistrations);
    const card = cadre.user.lastText();
    expect(card).toContain('Đỗ Thu Hà');
    expect(card).toContain('Đoàn viên');
    expect(card).toContain('09xx xxx 123');
    expect(card).not.toContain(`0${phone.slice(3)}`);
    expect(card).not.toContain(phone.slice(3, 9));

    await cadre.user.pick(CADRE_TEXT.confirmRegistration);
    expect(cadre.user.lastText()).toContain('Đã xác nhận Đỗ Thu Hà');
    expect(cadre.user.lastText()).toContain('Hồ Quang Huy');
    expect(cadre.user.lastText()).toContain('Thanh niên');
    await cadre.user.pick(CADRE_TEXT.declineRegistration);
    expect(cadre.user.lastText()).toContain('chưa xác nhận Hồ Quang Huy');
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.noRegistrationsLeft);

    expect(await memberRow(first.memberId)).toMatchObject({ status: 'verified', verified_by: 'cadre', verified_at: NOW, registration_declined_at: null });
    expect(await memberRow(second.memberId)).toMatchObject({ status: 'pending', registration_declined_at: NOW, registration_declined_by_member_id: cadre.memberId });
    expect((await world.queuedFor(first.user)).map((s) => s.text)).toEqual([REGISTRATION_VERIFIED_NOTICE]);
    expect((await world.queuedFor(second.user)).map((s) => s.text)).toEqual([REGISTRATION_DECLINED_NOTICE]);
    const trail = await world.db.selectFrom('audit_log').select(['action', 'subject_id']).where('actor_id', '=', cadre.memberId).orderBy('id').execute();
    expect(trail).toEqual([
      { action: 'registration.verified', subject_id: first.memberId },
      { action: 'registration.declined', subject_id: second.memberId },
    ]);
  });

  test('skip and stop leave the registrations waiting', async () => {
    const { cadre, first } = await branchWithPending();
    await cadre.user.say(MENU.cadreDesk.keyword);
    await cadre.user.pick(CADRE_TEXT.reviewRegistrations);
    await cadre.user.pick(CADRE_TEXT.skip);
    expect(cadre.user.lastText()).toContain('Hồ Quang Huy');
    await cadre.user.pick(CADRE_TEXT.stop);
    expect(cadre.user.lastText()).toContain('Bạn đã xác nhận 0, từ chối 0 và bỏ qua 1');
    expect((await memberRow(first.memberId)).status).toBe('pending');
  });

  test("another branch's cadre sees none of them", async () => {
    await branchWithPending();
    const outsider = await userAs(channel, { branchId: await aUnit(world.db, districtId), role: 'cadre' });
    await outsider.user.say(MENU.cadreDesk.keyword);
    await outsider.user.pick(CADRE_TEXT.reviewRegistrations);
    expect(outsider.user.lastText()).toContain(CADRE_TEXT.noRegistrationsLeft);
    expect(outsider.user.seen.map((s) => s.text).join('\n')).not.toContain('Đỗ Thu Hà');
  });
});

describe.each(['zalo', 'messenger'] as const)('registering a branch trend on %s', (channel) => {
  test('bad dates are explained until they are right; confirmed, it is saved as a draft the branch owns', async () => {
    const branchId = await aUnit(world.db, districtId);
    const cadre = await userAs(channel, { branchId, role: 'cadre' });
    await cadre.user.say(MENU.cadreDesk.keyword);
    await cadre.user.pick(CADRE_TEXT.registerTrend);
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.askTrendTitle);
    await cadre.user.say('Mỗi ngày một việc tốt');
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.askTrendStart);
    await cadre.user.say('hôm nay');
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.dayNotRead);
    await cadre.user.say('31/2');
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.dayNotOnCalendar);
    await cadre.user.say('20/11/2026');
    expect(cadre.user.lastText()).toContain('Ngày này đã qua rồi. Bạn chọn từ hôm nay (1/12/2026) trở đi nhé.');
    await cadre.user.say('5/12');
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.askTrendEnd);
    await cadre.user.say('3/12/2026');
    expect(cadre.user.lastText()).toContain('Ngày kết thúc cần từ ngày bắt đầu (5/12/2026) trở đi.');
    await cadre.user.say('20/12');
    await cadre.user.say('Chụp ảnh một việc tốt mỗi ngày và đăng công khai');
    await cadre.user.say('mỗi ngày một việc tốt');
    const summary = cadre.user.lastText();
    expect(summary).toContain('Từ 5/12 đến 20/12/2026');
    expect(summary).toContain('#MỗiNgàyMộtViệcTốt');
    await cadre.user.pick(CADRE_TEXT.saveTrend);
    expect(cadre.user.lastText()).toContain('Đã lưu xu hướng “Mỗi ngày một việc tốt”');
    expect(cadre.user.lastText()).toContain('xu hướng thứ 1 của chi đoàn trong năm 2026');

    const wave = await world.db.selectFrom('waves').selectAll().where('owner_unit_id', '=', branchId).executeTakeFirstOrThrow();
    expect(wave).toMatchObject({
      title: 'Mỗi ngày một việc tốt',
      description: 'Chụp ảnh một việc tốt mỗi ngày và đăng công khai',
      hashtags: ['#MỗiNgàyMộtViệcTốt'],
      status: 'draft',
      created_by_member_id: cadre.memberId,
    });
    expect(wave.starts_at).toEqual(new Date('2026-12-04T17:00:00Z'));
    expect(wave.ends_at).toEqual(new Date('2026-12-20T17:00:00Z'));
  });

  test('"Không lưu" saves nothing', async () => {
    const branchId = await aUnit(world.db, districtId);
    const cadre = await userAs(channel, { branchId, role: 'cadre' });
    await cadre.user.say(MENU.cadreDesk.keyword);
    await cadre.user.pick(CADRE_TEXT.registerTrend);
    for (const answer of ['Sống xanh cùng chi đoàn', '10/12', '12/12', 'Đăng ảnh trồng cây kèm hashtag', '#SongXanh']) await cadre.user.say(answer);
    await cadre.user.pick(CADRE_TEXT.dontSaveTrend);
    expect(cadre.user.lastText()).toContain(CADRE_TEXT.trendNotSaved);
    expect(await world.db.selectFrom('waves').select('id').where('owner_unit_id', '=', branchId).execute()).toEqual([]);
  });
});
