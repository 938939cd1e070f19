import { findMemberById } from '../../src/domain/members/members.repository';
import { countMembers, registrationNotesOf } from '../../src/domain/members/registration.repository';
import { LINKING, MENU, ONBOARDING, TEXT } from '../../src/dialogs/messages.vi';
import { branchIdOf, ROSTER, seedOnboardingDistrict } from '../helpers/onboarding-seed';
import { createTranscriptWorld, type Seen, type TranscriptUser, type TranscriptWorld } from '../helpers/transcript';

let world: TranscriptWorld;
beforeAll(async () => {
  world = await createTranscriptWorld();
  await seedOnboardingDistrict(world.db);
});
afterAll(() => world.close());

const texts = (seen: readonly Seen[]) => seen.map((s) => s.text);
let phoneSequence = 0;
/** A mobile number nobody has, different in every test. */
const freshPhone = () => `09${String(70_000_000 + (phoneSequence += 1)).padStart(8, '0')}`;

describe.each(['zalo', 'messenger'] as const)('registration on %s', (channel) => {
  /** Choices of the last reply, as the member reads them. */
  const choicesShown = (seen: Seen | undefined) =>
    channel === 'messenger' ? [...(seen?.quickReplies ?? [])] : (seen?.text ?? '').split('\n').flatMap((line) => /^\d+\. (.*)$/.exec(line)?.[1] ?? []);

  /** A newcomer who agreed to the notice and is asked their name. */
  async function agreed(): Promise<TranscriptUser> {
    const user = world.user(channel);
    await user.follow();
    await user.pick(ONBOARDING.consentYes.title);
    return user;
  }

  /** Name and branch given (the branch found at once), asked for the role. */
  async function upToRole(fullName: string, branch: string): Promise<TranscriptUser> {
    const user = await agreed();
    await user.say(fullName);
    const seen = await user.say(branch);
    expect(seen.at(-1)?.text).toContain('Bạn tham gia với vai trò nào?');
    return user;
  }

  test('When the phone shared is on the roster of the branch chosen, then the identity is linked to that roster member, verified by the roster', async () => {
    // One roster member per channel: the world (and its roster) is shared by both runs.
    const listed = channel === 'zalo' ? ROSTER.bhhA : ROSTER.bhhA2;
    const user = await upToRole(listed.name, 'binh hung hoa a');
    expect(user.lastText()).toContain(ONBOARDING.branchChosen(ROSTER.bhhA.branch));
    expect(choicesShown(user.lastReply().at(-1))).toEqual([ONBOARDING.roles.cadre.title, ONBOARDING.roles.member.title, ONBOARDING.roles.youth.title]);
    const ask = await user.pick(ONBOARDING.roles.youth.title);
    expect(ask.some((s) => s.asksForPhone)).toBe(true);
    expect(user.lastText()).toContain(channel === 'zalo' ? ONBOARDING.phoneCard.title : ONBOARDING.askPhone);

    // Zalo answers with user_submit_info (84…); Messenger with the user_phone_number quick reply (+84…).
    const seen = await user.sharePhone(channel === 'zalo' ? listed.e164.slice(1) : listed.e164);
    expect(seen[0]?.text).toBe(ONBOARDING.verifiedByRoster(listed.name, listed.branch));
    expect(seen.at(-1)?.text).toContain(TEXT.menuPrompt);
    expect(choicesShown(seen.at(-1))).not.toContain(MENU.register.title);

    const memberId = await user.memberId();
    const member = await findMemberById(world.db, memberId!);
    expect(member).toMatchObject({ source: 'roster', status: 'verified', verifiedBy: 'roster', fullName: listed.name, phone: listed.e164, branchId: await branchIdOf(world.db, 'bhh-a') });
    const consents = await world.db.selectFrom('consents').select(['member_id', 'granted']).where('identity_id', '=', await user.identityId()).execute();
    expect(consents).toEqual([{ member_id: memberId, granted: true }]);

    // A registered member asking to register again is told so, kindly.
    expect((await user.say('đăng ký'))[0]?.text).toBe(ONBOARDING.alreadyRegistered);
  });

  test('When the phone is typed and nobody has it, then a pending member is created for a cadre of the branch to verify', async () => {
    const user = await upToRole('Trần Thị Thu Trang', 'THPT Bình Tân');
    await user.pick(ONBOARDING.roles.member.title);
    const phone = freshPhone();
    const seen = await user.say(phone.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1 $2 $3'));
    expect(seen[0]?.text).toBe(ONBOARDING.pending('Trần Thị Thu Trang', 'Đoàn trường THPT Bình Tân'));
    const member = await findMemberById(world.db, (await user.memberId())!);
    expect(member).toMatchObject({ fullName: 'Trần Thị Thu Trang', source: 'chat', status: 'pending', verifiedBy: null, role: 'member', phone: `+84${phone.slice(1)}`, branchId: await branchIdOf(world.db, 'thpt-binh-tan') });
  });

  test.each([
    ['a small typo', 'binh hung hao a'],
    ['another word order', 'hoa a binh hung'],
    ['no diacritics and capitals', 'PHUONG BINH HUNG HOA A'],
  ])('When the branch is typed with %s, then "Phường Bình Hưng Hòa A" is found', async (_, typed) => {
    const user = await agreed();
    await user.say('Nguyễn Thị Mai');
    const seen = await user.say(typed);
    if (seen.at(-1)?.text.includes('Bạn tham gia với vai trò nào?')) expect(user.lastText()).toContain(ONBOARDING.branchChosen(ROSTER.bhhA.branch));
    else {
      expect(choicesShown(seen.at(-1))).toContain('Bình Hưng Hòa A');
      await user.pick('Bình Hưng Hòa A');
      expect(user.lastText()).toContain(ONBOARDING.branchChosen(ROSTER.bhhA.branch));
    }
  });

  test('When the branch typed fits many, then at most five are offered, with "Không thấy đơn vị" and "Gõ lại tên khác"; typing another name searches again', async () => {
    const user = await agreed();
    await user.say('Nguyễn Thị Mai');
    const seen = await user.say('binh');
    expect(seen.at(-1)?.text).toContain(ONBOARDING.branchCandidates);
    const shown = choicesShown(seen.at(-1));
    expect(shown.slice(-2)).toEqual([ONBOARDING.branchNotListed.title, ONBOARDING.branchRetype.title]);
    expect(shown.length - 2).toBe(5);
    // Not a candidate: read as a new search.
    const again = await user.say('binh tri dong b');
    expect(again.at(-1)?.text).toContain(ONBOARDING.branchChosen('Đoàn phường Bình Trị Đông B'));
  });

  test('When the branch is not listed, then the member says what it is called, and stays pending with no branch and a note for staff', async () => {
    const user = await agreed();
    await user.say('Đặng Văn Long');
    expect((await user.say('chi doan khu pho xyz')).at(-1)?.text).toContain(ONBOARDING.branchNone);
    expect(texts(await user.pick(ONBOARDING.branchRetype.title))).toEqual([ONBOARDING.askBranchAgain]);
    await user.say('binh');
    expect(texts(await user.pick(ONBOARDING.branchNotListed.title))).toEqual([ONBOARDING.askUnmatchedBranch]);
    expect((await user.say('🙂'))[0]?.text).toBe(ONBOARDING.unmatchedBranchEmpty);
    expect((await user.say('Chi đoàn Khu phố 9, phường Tân Tạo')).at(-1)?.text).toContain(ONBOARDING.branchForStaff);
    await user.pick(ONBOARDING.roles.youth.title);
    const seen = await user.say(freshPhone());
    expect(seen[0]?.text).toBe(ONBOARDING.pendingWithoutBranch('Đặng Văn Long'));
    const memberId = (await user.memberId())!;
    expect(await findMemberById(world.db, memberId)).toMatchObject({ status: 'pending', branchId: null, role: 'youth' });
    expect(await registrationNotesOf(world.db, memberId)).toEqual({ unmatchedBranchNote: 'Chi đoàn Khu phố 9, phường Tân Tạo', registrationNote: null });
  });

  test.each([
    ['one letter', 'A', 'tooShort'],
    ['digits', 'Nguyễn Văn 123', 'notLetters'],
    ['markup', '<b>Lan</b>', 'notLetters'],
    ['emoji only', '😀😀😀', 'notLetters'],
    ['too long', 'Nguyễn '.repeat(15), 'tooLong'],
  ] as const)('When the name has %s, then the member is told what is wrong and asked again', async (_, name, problem) => {
    const user = await agreed();
    expect(texts(await user.say(name))).toEqual([ONBOARDING.nameProblem[problem]]);
    expect(texts(await user.say('  nguyễn   thị HOA  '))).toEqual([ONBOARDING.askBranch]);
  });

  test.each([
    ['letters', 'số của mình', 'invalidCharacters'],
    ['a landline', '028 3875 1234', 'landline'],
    ['too few digits', '09123', 'notMobile'],
    ['an old 11-digit prefix no longer mapped', '01001234567', 'unknownOldPrefix'],
  ] as const)('When the phone is %s, then the member is told what is wrong, asked again with the share button, and a good one is taken', async (_, phone, problem) => {
    const user = await upToRole('Phan Minh Đức', 'an lac');
    await user.pick(ONBOARDING.roles.member.title);
    const seen = await user.say(phone);
    expect(user.lastText()).toContain(`${ONBOARDING.phoneProblem[problem]} ${ONBOARDING.phoneRetry}`);
    expect(seen.some((s) => s.asksForPhone)).toBe(true);
    expect((await user.say(freshPhone()))[0]?.text).toBe(ONBOARDING.pending('Phan Minh Đức', 'Đoàn phường An Lạc'));
  });

  test('When the share answer carries no number (the member closed the card without sharing), then they are asked again, and typing the number works', async () => {
    const user = await upToRole('Hồ Thị Lan', 'an lac');
    await user.pick(ONBOARDING.roles.youth.title);
    const seen = await user.sharePhone('');
    expect(user.lastText()).toContain(`${ONBOARDING.phoneProblem.empty} ${ONBOARDING.phoneRetry}`);
    expect(seen.some((s) => s.asksForPhone)).toBe(true);
    expect((await user.say(`+84 ${freshPhone().slice(1)}`))[0]?.text).toBe(ONBOARDING.pending('Hồ Thị Lan', 'Đoàn phường An Lạc'));
  });

  test('When the roster lists another role than the one picked, then the roster wins and the person is told why, with whom to talk', async () => {
    const listed = channel === 'zalo' ? ROSTER.youthZalo : ROSTER.youthMessenger;
    const user = await upToRole(listed.name, 'binh hung hoa a');
    await user.pick(ONBOARDING.roles.cadre.title);
    const seen = await user.sharePhone(channel === 'zalo' ? listed.e164.slice(1) : listed.e164);
    expect(seen[0]?.text).toBe(`${ONBOARDING.verifiedByRoster(listed.name, listed.branch)}\n\n${ONBOARDING.rosterRoleDiffers(ONBOARDING.roles.youth.title)}`);
    expect(await findMemberById(world.db, (await user.memberId())!)).toMatchObject({ role: 'youth', status: 'verified' });
  });

  test('When the phone given belongs to a roster member of another branch, then nothing is merged: the member is told, and a pending registration without the phone carries a note for staff', async () => {
    const user = await upToRole('Võ Quốc Bảo', 'binh tri dong a');
    await user.pick(ONBOARDING.roles.member.title);
    const seen = await user.say(ROSTER.anLac.phone);
    expect(seen[0]?.text).toBe(ONBOARDING.phoneTaken('Võ Quốc Bảo'));
    const memberId = (await user.memberId())!;
    expect(await findMemberById(world.db, memberId)).toMatchObject({ source: 'chat', status: 'pending', phone: null, branchId: await branchIdOf(world.db, 'btd-a') });
    const notes = await registrationNotesOf(world.db, memberId);
    expect(notes?.registrationNote).toContain(ROSTER.anLac.phone);
    expect(notes?.registrationNote).toContain(ROSTER.anLac.branch);
    // The roster member is untouched and still free to be claimed by its owner.
    const roster = await world.db.selectFrom('members').select(['id', 'full_name']).where('phone', '=', ROSTER.anLac.e164).executeTakeFirstOrThrow();
    expect(roster.full_name).toBe(ROSTER.anLac.name);
  });

  test.each([
    ['"menu"', 'menu', TEXT.menuPrompt],
    ['"hủy"', 'hủy', TEXT.cancelled],
    ['"Huỷ" with the other accent placement', 'Huỷ', TEXT.cancelled],
    ['"trợ giúp"', 'trợ giúp', TEXT.help],
    ['"#dot"', '#dot', TEXT.noCurrentWaves],
  ])('When the member says %s in the middle of registration, then it interrupts, and nothing is stored', async (_, said, expected) => {
    const user = await agreed();
    await user.say('Nguyễn Văn Tâm');
    await user.say('an lac');
    const seen = await user.say(said);
    expect(texts(seen).join('\n')).toContain(expected);
    expect(await user.memberId()).toBeNull();
    // The interrupted question is gone: a role typed now is not understood.
    expect((await user.say('thanh niên')).at(-1)?.text).toContain(said === '#dot' ? TEXT.notUnderstood : TEXT.menuRetry);
  });

  test('When hostile text arrives (100 KB, markup, SQL), then it is read as plain text, cut politely, never echoed, and the members table survives', async () => {
    const before = await countMembers(world.db);
    const user = await agreed();
    const huge = await user.say('Nguyễn '.repeat(15_000));
    expect(texts(huge)).toEqual([TEXT.inputCut, ONBOARDING.nameProblem.tooLong]);
    const script = await user.say('<script>alert(1)</script>');
    expect(texts(script)).toEqual([ONBOARDING.nameProblem.notLetters]);
    await user.say('Lý Thị Hạnh');
    const sql = "'; drop table members; --";
    expect((await user.say(sql)).at(-1)?.text).toContain(ONBOARDING.branchNone);
    await user.pick(ONBOARDING.branchNotListed.title);
    await user.say(sql);
    await user.pick(ONBOARDING.roles.youth.title);
    const done = await user.say(freshPhone());
    expect(done[0]?.text).toBe(ONBOARDING.pendingWithoutBranch('Lý Thị Hạnh'));
    for (const s of user.seen) expect(s.text).not.toMatch(/<script>|drop table/i);
    expect(await countMembers(world.db)).toBe(before + 1);
    expect((await registrationNotesOf(world.db, (await user.memberId())!))?.unmatchedBranchNote).toBe(sql);
  });
});

describe('one person registering on a second channel', () => {
  test('When someone registered on Zalo registers on Messenger with the same phone, then nothing is stored twice: they are told to link, and the code from Zalo typed bare on Messenger links them', async () => {
    const phone = freshPhone();
    const onZalo = world.user('zalo');
    await onZalo.follow();
    await onZalo.pick(ONBOARDING.consentYes.title);
    await onZalo.say('Trần Thu Trang');
    await onZalo.say('an lac');
    await onZalo.pick(ONBOARDING.roles.member.title);
    await onZalo.say(phone);
    const memberId = await onZalo.memberId();
    expect(memberId).not.toBeNull();

    const onMessenger = world.user('messenger');
    await onMessenger.follow();
    await onMessenger.pick(ONBOARDING.consentYes.title);
    await onMessenger.say('Trần Thu Trang');
    await onMessenger.say('an lac');
    await onMessenger.pick(ONBOARDING.roles.member.title);
    await onMessenger.say(phone);
    expect(onMessenger.lastText()).toContain(ONBOARDING.registeredElsewhere);
    expect(await onMessenger.memberId()).toBeNull();

    await onZalo.say('liên kết');
    const code = /\b(\d{6})\b/.exec(onZalo.lastText())?.[1];
    expect(code).toBeDefined();
    await onMessenger.say(code!);
    expect(onMessenger.lastText()).toContain(LINKING.linked);
    expect(await onMessenger.memberId()).toBe(memberId);
    // Linked on both channels: asking again gets no code that would have nowhere to go.
    await onMessenger.say('liên kết');
    expect(onMessenger.lastText()).toBe(LINKING.alreadyBoth);
    const withPhone = await world.db.selectFrom('members').select('id').where('phone', '=', `+84${phone.slice(1)}`).execute();
    expect(withPhone).toEqual([{ id: memberId }]);
  });
});
