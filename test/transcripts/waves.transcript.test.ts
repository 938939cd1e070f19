import { MENU, PROOF_TEXT, RESULTS_TEXT, WAVES_TEXT } from '../../src/dialogs/messages.vi';
import { createTranscriptWorld, type TranscriptUser, type TranscriptWorld } from '../helpers/transcript';
import { addMembers, addWave, pngBytes, registerAs, seedPlan, startCdn, type FakeCdn, type SeededPlan } from '../helpers/waves-fixtures';

/** 15 March 2024, 10:00 in Hồ Chí Minh City: only the March wave is open; April's starts within 30 days. */
const MARCH = new Date('2024-03-15T03:00:00Z');
/** 15 April 2024: the April wave (hashtag #ThapNenTriAn required) is open. */
const APRIL = new Date('2024-04-15T03:00:00Z');
/** 15 January 2024: only the waves this file adds are open. */
const JANUARY = new Date('2024-01-15T03:00:00Z');

let now = MARCH;
let world: TranscriptWorld;
let plan: SeededPlan;
let cdn: FakeCdn;
const sharedImage = pngBytes(1);

beforeAll(async () => {
  world = await createTranscriptWorld({ now: () => now, imageMaxBytes: 64 * 1024 });
  plan = await seedPlan(world.db);
  await addWave(world.db, plan.districtId, {
    title: 'Đợt thử tháng 1: chia sẻ bài viết',
    description: 'Chia sẻ bài viết của Quận Đoàn.',
    action_kind: 'shareOfficialPost',
    hashtags: ['#XanhHoaKhongGianMang'],
    accepted_platforms: ['facebook', 'tiktok'],
    asset_url: 'https://example.org/khung-hinh.png',
    starts_at: new Date('2024-01-09T17:00:00Z'),
    ends_at: new Date('2024-01-20T17:00:00Z'),
  });
  cdn = await startCdn({
    '/shared.png': (res) => res.writeHead(200, { 'content-type': 'image/png' }).end(sharedImage),
    '/own.png': (res) => res.writeHead(200, { 'content-type': 'image/png' }).end(pngBytes(Math.random())),
    '/huge.png': (res) => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(200 * 1024, 7)),
    '/page.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'),
  });
});
afterAll(async () => {
  await cdn.close();
  await world.close();
});
beforeEach(() => {
  now = MARCH;
});

async function member(channel: 'zalo' | 'messenger', branchId = plan.branchId): Promise<{ user: TranscriptUser; memberId: string }> {
  const [memberId] = await addMembers(world.db, branchId, ['member']);
  const user = world.user(channel);
  await registerAs(world.db, user, memberId!);
  return { user, memberId: memberId! };
}

async function proofsOf(memberId: string) {
  return world.db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .selectAll('p')
    .where('pa.member_id', '=', memberId)
    .orderBy('p.submitted_at')
    .execute();
}

async function startProof(user: TranscriptUser): Promise<void> {
  await user.say(MENU.submitProof.keyword);
}

describe.each(['zalo', 'messenger'] as const)('waves on %s', (channel) => {
  describe('Đợt đang diễn ra', () => {
    test('anyone sees the open wave with its local dates, what to do and hashtags, and the upcoming one apart', async () => {
      const stranger = world.user(channel);
      await stranger.say('menu');
      await stranger.pick(MENU.currentWaves.title);
      const text = stranger.lastText();
      expect(text).toContain(WAVES_TEXT.openIntro);
      expect(text).toContain('Từ 1/3 đến 31/3/2024');
      expect(text).toContain('Việc cần làm: Đổi ảnh đại diện');
      expect(text).toContain('#ThangThanhNien');
      expect(text).toContain(WAVES_TEXT.upcomingIntro);
      expect(text.indexOf(WAVES_TEXT.upcomingIntro)).toBeLessThan(text.indexOf('Từ 1/4 đến 30/4/2024'));
      expect(text).toContain(WAVES_TEXT.nextPrompt);
    });

    test('the frame or asset link comes as a link button', async () => {
      now = JANUARY;
      const stranger = world.user(channel);
      await stranger.say(MENU.currentWaves.keyword);
      const links = stranger.lastReply().filter((s) => s.buttons.length > 0 || s.text.includes('https://example.org/khung-hinh.png'));
      expect(links.length).toBeGreaterThan(0);
      if (channel === 'messenger') expect(links[0]!.buttons).toEqual([expect.objectContaining({ title: WAVES_TEXT.assetButton(1), url: 'https://example.org/khung-hinh.png' })]);
      expect(stranger.lastText()).toContain('Từ 10/1 đến 20/1/2024');
    });

    test('"Tham gia đợt" from the list asks a stranger to register first', async () => {
      const stranger = world.user(channel);
      await stranger.say(MENU.currentWaves.keyword);
      await stranger.pick(WAVES_TEXT.joinChoice);
      expect(stranger.lastText()).toContain(WAVES_TEXT.needsMember);
    });
  });

  describe('Tham gia đợt', () => {
    test('joins the only open wave without asking which, then says what to do; joining twice changes nothing', async () => {
      const { user, memberId } = await member(channel);
      await user.say(MENU.joinWave.keyword);
      expect(user.lastText()).toContain(WAVES_TEXT.joined('Đợt cao điểm tháng 3').slice(0, 30));
      expect(user.lastText()).toContain('Việc cần làm:');
      await user.pick(WAVES_TEXT.laterChoice);
      expect(user.lastText()).toContain(WAVES_TEXT.later);
      await user.say(MENU.joinWave.keyword);
      expect(user.lastText()).toContain('Bạn đã tham gia rồi');
      const rows = await world.db.selectFrom('participations').selectAll().where('member_id', '=', memberId).execute();
      expect(rows).toHaveLength(1);
    });

    test('a pending member may join', async () => {
      const [pendingId] = await addMembers(world.db, plan.branchId, ['youth'], 'pending');
      const user = world.user(channel);
      await registerAs(world.db, user, pendingId!);
      await user.say(MENU.joinWave.keyword);
      expect(user.lastText()).toContain('Cảm ơn bạn đã tham gia');
    });

    test('with two open waves the member picks one', async () => {
      now = JANUARY;
      const second = await addWave(world.db, plan.districtId, {
        title: `Đợt thử ${channel}`,
        starts_at: new Date('2024-01-14T17:00:00Z'),
        ends_at: new Date('2024-01-16T17:00:00Z'),
      });
      const { user, memberId } = await member(channel);
      await user.say(MENU.joinWave.keyword);
      expect(user.lastText()).toContain(WAVES_TEXT.pickWaveToJoin);
      await user.pick(`Đợt thử ${channel}`);
      expect(user.lastText()).toContain(`Cảm ơn bạn đã tham gia “Đợt thử ${channel}”`);
      const rows = await world.db.selectFrom('participations').select('wave_id').where('member_id', '=', memberId).execute();
      expect(rows.map((r) => r.wave_id)).toEqual([second]);
      await world.db.updateTable('waves').set({ status: 'closed' }).where('id', '=', second).execute();
    });

    test('a stranger is asked to register first', async () => {
      const stranger = world.user(channel);
      await stranger.say(MENU.joinWave.keyword);
      expect(stranger.lastText()).toContain(WAVES_TEXT.needsMember);
    });
  });

  describe('Gửi minh chứng: links', () => {
    test('after joining, a link is recorded with tracking removed, beside the original', async () => {
      const { user, memberId } = await member(channel);
      await user.say(MENU.joinWave.keyword);
      await user.pick(WAVES_TEXT.proofChoice);
      expect(user.lastText()).toContain('Gửi minh chứng cho');
      await user.say(`Bài của mình đây https://m.facebook.com/doanphuong/posts/pfbid0abc${channel}?fbclid=IwAR0xyz&mibextid=Nif5oz ạ`);
      expect(user.lastText()).toContain(PROOF_TEXT.linkRecorded('Facebook'));
      const [proof] = await proofsOf(memberId);
      expect(proof).toMatchObject({
        kind: 'link',
        platform: 'facebook',
        canonical_url: `https://www.facebook.com/doanphuong/posts/pfbid0abc${channel}`,
        original_url: `https://m.facebook.com/doanphuong/posts/pfbid0abc${channel}?fbclid=IwAR0xyz&mibextid=Nif5oz`,
        review_state: 'pending',
      });
      const participation = await world.db.selectFrom('participations').select('state').where('member_id', '=', memberId).executeTakeFirstOrThrow();
      expect(participation.state).toBe('proofSubmitted');
    });

    test('sending proof without joining joins on the way, and says so', async () => {
      const { user, memberId } = await member(channel);
      await startProof(user);
      await user.say(`https://www.tiktok.com/@doanvien.${channel}/video/7301234567890123456?is_from_webapp=1&_r=1`);
      expect(user.lastText()).toContain(PROOF_TEXT.joinedNow('Đợt cao điểm tháng 3').slice(0, 25));
      expect(user.lastText()).toContain(PROOF_TEXT.linkRecorded('TikTok'));
      expect(await proofsOf(memberId)).toHaveLength(1);
    });

    test('a link shared as an attachment (Zalo user_send_link, Messenger fallback) counts like a typed one', async () => {
      const { user, memberId } = await member(channel);
      await startProof(user);
      await user.attach([{ type: 'link', url: `https://youtu.be/${channel === 'zalo' ? 'dQw4w9WgXcQ' : 'aBcDeFgHiJk'}?si=tracking123`, title: 'Video' }]);
      expect(user.lastText()).toContain(PROOF_TEXT.linkRecorded('YouTube'));
      const [proof] = await proofsOf(memberId);
      expect(proof?.canonical_url).toMatch(/^https:\/\/www\.youtube\.com\/watch\?v=/);
    });

    test('the own resubmission changes nothing; another member\'s same post is refused', async () => {
      const first = await member(channel);
      const second = await member(channel);
      const link = `https://www.facebook.com/groups/xanh/posts/1234${channel === 'zalo' ? 1 : 2}`;
      await startProof(first.user);
      await first.user.say(`${link}?__cft__[0]=AZX&__tn__=%2CO%2CP-R`);
      expect(first.user.lastText()).toContain(PROOF_TEXT.linkRecorded('Facebook'));
      await first.user.say(`${link}/?mibextid=abc`);
      expect(first.user.lastText()).toContain(PROOF_TEXT.alreadyRecorded);
      expect(await proofsOf(first.memberId)).toHaveLength(1);
      await startProof(second.user);
      await second.user.say(link.replace('www.', 'm.'));
      expect(second.user.lastText()).toContain(PROOF_TEXT.usedByAnother);
      expect(await proofsOf(second.memberId)).toHaveLength(0);
    });

    test.each([
      ['a link that is not http(s)', 'ftp://files.example.org/bai-dang.jpg', 'Mình chỉ nhận đường link trang web'],
      ['a link to an unrelated site', 'https://example.com/bai-viet?utm_source=zalo', 'không phải bài đăng trên Facebook'],
      ['a profile, not a post', 'https://www.facebook.com/doan.phuong.binh.tan', 'chưa phải link của bài đăng'],
      ['no link at all', 'mình gửi rồi nhé', PROOF_TEXT.nothingFound],
    ])('%s is refused with a reason, and nothing is recorded', async (_what, said, reason) => {
      const { user, memberId } = await member(channel);
      await startProof(user);
      await user.say(said);
      expect(user.lastText()).toContain(reason);
      expect(await proofsOf(memberId)).toHaveLength(0);
      await user.say('xong');
      expect(user.lastText()).toContain(PROOF_TEXT.done);
    });

    test('a wave that accepts only some platforms says which, in plain words', async () => {
      now = JANUARY;
      const { user, memberId } = await member(channel);
      await startProof(user);
      await user.say('https://www.youtube.com/shorts/abcdefghijk');
      expect(user.lastText()).toContain('Đợt này chỉ nhận bài đăng trên Facebook hoặc TikTok');
      expect(await proofsOf(memberId)).toHaveLength(0);
      await user.say(`https://vt.tiktok.com/ZS${channel}abc/`);
      expect(user.lastText()).toContain(PROOF_TEXT.linkRecorded('TikTok'));
    });

    test('a required hashtag: the member confirms it (recorded on the proof), or is told to add it', async () => {
      now = APRIL;
      const { user, memberId } = await member(channel);
      await startProof(user);
      await user.say(`https://www.facebook.com/permalink.php?story_fbid=99${channel.length}&id=100012345`);
      expect(user.lastText()).toContain(PROOF_TEXT.askHashtag('#ThapNenTriAn'));
      await user.pick(PROOF_TEXT.hashtagNo);
      expect(user.lastText()).toContain(PROOF_TEXT.hashtagMissing('#ThapNenTriAn'));
      expect(await proofsOf(memberId)).toHaveLength(0);
      await user.say(`https://www.facebook.com/permalink.php?story_fbid=99${channel.length}&id=100012345&rdid=xyz`);
      await user.pick(PROOF_TEXT.hashtagYes);
      expect(user.lastText()).toContain(PROOF_TEXT.linkRecorded('Facebook'));
      const [proof] = await proofsOf(memberId);
      expect(proof?.hashtag_confirmed).toBe(true);
    });
  });

  describe('Gửi minh chứng: images', () => {
    test('an image is recorded at once, downloaded after the turn, stored by hash, and the member is told', async () => {
      const { user, memberId } = await member(channel);
      await startProof(user);
      await user.attach([{ type: 'image', url: `${cdn.base}/own.png?oe=abc` }]);
      expect(user.lastText()).toContain(PROOF_TEXT.imageRecorded);
      const [proof] = await proofsOf(memberId);
      expect(proof).toMatchObject({ kind: 'image', image_state: 'stored', image_mime: 'image/png', image_source_url: null, duplicate_of_proof_id: null });
      const stored = await world.db.selectFrom('media_images').selectAll().where('sha256', '=', proof!.image_sha256!).executeTakeFirstOrThrow();
      expect(stored.bytes).toBe(proof!.image_bytes);
      const told = await world.db.selectFrom('deliveries').select('payload').where('idempotency_key', '=', `proofImage:${proof!.id}`).executeTakeFirstOrThrow();
      expect((told.payload as { text: string }).text).toContain('đã được lưu');
    });

    test('after an image the member is told the word that ends the sending (Messenger drops the "Xong" quick reply once the image\'s confirmation follows it), and typing it ends', async () => {
      const { user } = await member(channel);
      await startProof(user);
      await user.attach([{ type: 'image', url: `${cdn.base}/own.png` }]);
      expect(user.lastText()).toContain(PROOF_TEXT.askMore);
      const word = /“([^”]+)”/.exec(PROOF_TEXT.askMore)?.[1];
      expect(word).toBe('xong');
      await user.say(word!);
      expect(user.lastText()).toContain(PROOF_TEXT.done);
    });

    test('the same screenshot from another member is flagged for the reviewer; stored once', async () => {
      const first = await member(channel);
      const second = await member(channel);
      await startProof(first.user);
      await first.user.attach([{ type: 'image', url: `${cdn.base}/shared.png` }]);
      await startProof(second.user);
      await second.user.attach([{ type: 'image', url: `${cdn.base}/shared.png?again=1` }]);
      const [original] = await proofsOf(first.memberId);
      const [copy] = await proofsOf(second.memberId);
      expect(copy?.image_sha256).toBe(original?.image_sha256);
      expect(copy?.duplicate_of_proof_id).not.toBeNull();
      // It points at a proof of the same image by someone else (the first member's, or one sent earlier on the other channel).
      const flagged = await world.db
        .selectFrom('proofs as p')
        .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
        .select(['p.image_sha256', 'pa.member_id'])
        .where('p.id', '=', copy!.duplicate_of_proof_id!)
        .executeTakeFirstOrThrow();
      expect(flagged.image_sha256).toBe(copy?.image_sha256);
      expect(flagged.member_id).not.toBe(second.memberId);
      const images = await world.db.selectFrom('media_images').select('sha256').where('sha256', '=', original!.image_sha256!).execute();
      expect(images).toHaveLength(1);
    });

    test.each([
      ['missing (404)', '/gone.png', 'chưa tải được'],
      ['over the size cap', '/huge.png', 'lớn quá'],
      ['not an image', '/page.html', 'không phải ảnh'],
    ])('an image that is %s is dropped and the member asked to send it again', async (_what, path, told) => {
      const { user, memberId } = await member(channel);
      await startProof(user);
      await user.attach([{ type: 'image', url: `${cdn.base}${path}` }]);
      expect(await proofsOf(memberId)).toHaveLength(0);
      const rows = await world.db.selectFrom('deliveries').select('payload').where('identity_id', '=', await user.identityId()).where('idempotency_key', 'like', 'proofImage:%').execute();
      expect(rows.map((r) => (r.payload as { text: string }).text).join('\n')).toContain(told);
      const participation = await world.db.selectFrom('participations').select('state').where('member_id', '=', memberId).executeTakeFirstOrThrow();
      expect(participation.state).toBe('joined');
    });
  });

  test('50 proofs in a minute: the first five are recorded, the rest slowed with a friendly word and not recorded', async () => {
    const { user, memberId } = await member(channel);
    await startProof(user);
    const answers: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      await user.say(`https://www.facebook.com/rate${channel}/posts/${1000 + i}?fbclid=x${i}`);
      answers.push(user.lastText());
    }
    expect(await proofsOf(memberId)).toHaveLength(5);
    expect(answers.slice(0, 5).every((a) => a.includes(PROOF_TEXT.linkRecorded('Facebook')))).toBe(true);
    expect(answers.slice(5).every((a) => a.includes(PROOF_TEXT.slowDown))).toBe(true);
    now = new Date(MARCH.getTime() + 61_000);
    await user.say(`https://www.facebook.com/rate${channel}/posts/9999`);
    expect(user.lastText()).toContain(PROOF_TEXT.linkRecorded('Facebook'));
    expect(await proofsOf(memberId)).toHaveLength(6);
  });

  describe('Kết quả của tôi', () => {
    test('waves joined, proofs with their review state and reason, and the branch against the targets', async () => {
      // A branch no other test uses, so that its figures are this test's alone.
      const branchId = plan.branchIds[channel === 'zalo' ? 2 : 3]!;
      const [, m1] = await addMembers(world.db, branchId, ['cadre', 'member', 'member', 'member']);
      const me = world.user(channel);
      await registerAs(world.db, me, m1!);
      await startProof(me);
      await me.say(`https://www.facebook.com/kq${channel}/posts/1`);
      await me.say(`https://www.facebook.com/kq${channel}/posts/2`);
      const [, second] = await proofsOf(m1!);
      await world.db
        .updateTable('proofs')
        .set({ review_state: 'rejected', reject_reason: 'Bài đăng chưa để chế độ công khai', reviewed_at: MARCH })
        .where('id', '=', second!.id)
        .execute();
      // The same person on the other channel too: still one member.
      const meElsewhere = world.user(channel === 'zalo' ? 'messenger' : 'zalo');
      await registerAs(world.db, meElsewhere, m1!);
      await me.say(MENU.myResults.keyword);
      const text = me.lastText();
      expect(text).toContain(RESULTS_TEXT.wavesTitle);
      expect(text).toContain('Đợt cao điểm tháng 3');
      expect(text).toContain('chờ duyệt');
      expect(text).toContain('chưa được duyệt (lý do: Bài đăng chưa để chế độ công khai)');
      expect(text).toContain('1/3 đoàn viên đã tham gia (33%), chỉ tiêu 80%');
      expect(text).toContain('0/1 cán bộ Đoàn đã tham gia (0%), chỉ tiêu 100%');
    });

    test('a stranger is asked to register first', async () => {
      const stranger = world.user(channel);
      await stranger.say(MENU.myResults.keyword);
      expect(stranger.lastText()).toContain(RESULTS_TEXT.needsMember);
    });
  });
});
