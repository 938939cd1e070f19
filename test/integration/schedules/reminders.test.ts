import type { Db } from '../../../src/db/database';
import { sendBranchDigests } from '../../../src/domain/reminders/branch-digest.service';
import { runCadreNudges } from '../../../src/domain/reminders/cadre-nudges.service';
import { sendGoodNewsReportReminders, sendTheoryClubReminder } from '../../../src/domain/reminders/periodic-reminders.service';
import { runWaveLifecycle } from '../../../src/domain/reminders/wave-lifecycle.service';
import { addDays, formatIsoDay, zonedTime } from '../../../src/domain/shared/time';
import { aDistrict, aMember, aParticipation, aProof, aUnit, aWave } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { anIdentity, at, deliveriesLike, harness, TZ, type Harness } from './harness';

describe('schedules: cadre nudges, digests, theory club, good-news report reminders', () => {
  let t: TestDatabase;
  let db: Db;
  let h: Harness;
  let districtId: string;
  let branchId: string;
  let otherBranchId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    h = harness(db);
    districtId = await aDistrict(db);
    branchId = await aUnit(db, districtId, { name: 'Đoàn phường An Lạc' });
    otherBranchId = await aUnit(db, districtId, { name: 'Đoàn phường Tân Tạo' });
  });

  afterAll(async () => {
    await t.drop();
  });

  describe('cadre nudges (a controllable clock: the daily run at 09:00, twice a day)', () => {
    let waveId: string;
    let never: string;
    let late: string;
    let secretary: string;
    let neverZalo: string;
    let lonely: string;

    beforeAll(async () => {
      waveId = await aWave(db, { ownerUnitId: districtId, title: 'Đợt tháng 4', startsAt: at('2028-03-30T00:00:00'), endsAt: at('2028-05-01T00:00:00') });
      never = await aMember(db, { branchId, role: 'cadre', fullName: 'Nguyễn Văn Chậm', phone: '+84912345678' });
      await anIdentity(db, never, { channel: 'messenger', lastInboundAt: at('2028-03-29T00:00:00') });
      neverZalo = await anIdentity(db, never, { channel: 'zalo', lastInboundAt: at('2028-01-01T00:00:00') });
      late = await aMember(db, { branchId, role: 'cadre', fullName: 'Trần Thị Muộn' });
      await anIdentity(db, late);
      secretary = await aMember(db, { branchId, role: 'cadre', fullName: 'Lê Bí Thư' });
      await anIdentity(db, secretary);
      await db.updateTable('members').set({ is_branch_secretary: true }).where('id', '=', secretary).execute();
      await aParticipation(db, waveId, secretary);
      // A cadre of a branch with no flagged secretary.
      lonely = await aMember(db, { branchId: otherBranchId, role: 'cadre', fullName: 'Phạm Một Mình' });
      await anIdentity(db, lonely);
      await runWaveLifecycle(h.ctx, at('2028-03-30T08:00:00'));
    });

    it('When the days go by, then a cadre who never joins is nudged on day 3 and day 5, the secretary gets the name on day 7, and one who joins on day 4 hears no more', async () => {
      const launchDay = { year: 2028, month: 3, day: 30 };
      const secretaryToldOn: string[] = [];
      for (let n = 0; n <= 12; n += 1) {
        if (n === 4) await aParticipation(db, waveId, late);
        const now = zonedTime(addDays(launchDay, n), 9, 0, TZ);
        const first = await runCadreNudges(h.ctx, now);
        const again = await runCadreNudges(h.ctx, new Date(now.getTime() + 60_000));
        expect(again.nudged + again.reportedToSecretary).toBe(0);
        if (first.reportedToSecretary > 0) secretaryToldOn.push(formatIsoDay(addDays(launchDay, n)));
        if (n === 7) expect(first.branchesWithoutSecretary).toEqual([otherBranchId]);
      }
      const nudges = await deliveriesLike(db, `cadreNudge:${waveId}:`);
      const days = await db.selectFrom('deliveries').select(['idempotency_key', 'created_at']).where('idempotency_key', 'like', `cadreNudge:${waveId}:%`).execute();
      expect(days).toHaveLength(nudges.length);
      expect(nudges.map((d) => d.key).sort()).toEqual(
        [`cadreNudge:${waveId}:${never}:1`, `cadreNudge:${waveId}:${never}:2`, `cadreNudge:${waveId}:${late}:1`, `cadreNudge:${waveId}:${lonely}:1`, `cadreNudge:${waveId}:${lonely}:2`].sort(),
      );
      // Zalo preferred, though the cadre wrote on Messenger more recently.
      expect(nudges.filter((d) => d.key.includes(never)).map((d) => d.identityId)).toEqual([neverZalo, neverZalo]);
      expect(nudges[0]!.text).toContain('đợt “Đợt tháng 4” của Quận Đoàn đã phát động được mấy ngày');
      const rows = await db.selectFrom('cadre_nudges').select(['member_id', 'nudges', 'last_nudged_on', 'secretary_told_on']).where('wave_id', '=', waveId).execute();
      expect(rows.find((r) => r.member_id === never)).toMatchObject({ nudges: 2, last_nudged_on: '2028-04-04', secretary_told_on: '2028-04-06' });
      expect(rows.find((r) => r.member_id === late)).toMatchObject({ nudges: 1, last_nudged_on: '2028-04-02', secretary_told_on: null });
      expect(secretaryToldOn).toEqual(['2028-04-06']);
      const toSecretary = await deliveriesLike(db, `cadreNudgeSecretary:${waveId}:`);
      expect(toSecretary).toHaveLength(1);
      expect(toSecretary[0]!.text).toContain('Nguyễn Văn Chậm');
      expect(toSecretary[0]!.text).not.toContain('Trần Thị Muộn');
      expect(toSecretary[0]!.text).not.toContain('912345678');
      expect(toSecretary[0]!.key).toContain(secretary);
    });
  });

  describe('weekly digest', () => {
    it('When a branch has cadres and an open wave of a plan, then each cadre gets its figures against the targets and the names of who is missing, never phones, once a week', async () => {
      const branch = await aUnit(db, districtId, { name: 'Đoàn trường THPT Bình Tân' });
      const plan = await db.insertInto('plans').values({ owner_unit_id: districtId, year: 2029, title: 'Kế hoạch 2029', member_target_pct: 80 }).returning('id').executeTakeFirstOrThrow();
      const waveId = await aWave(db, { ownerUnitId: districtId, title: 'Đợt tháng 5', startsAt: at('2029-05-01T00:00:00'), endsAt: at('2029-07-01T00:00:00') });
      await db.updateTable('waves').set({ plan_id: plan.id }).where('id', '=', waveId).execute();
      const cadreA = await aMember(db, { branchId: branch, role: 'cadre', fullName: 'Cán bộ An' });
      const cadreB = await aMember(db, { branchId: branch, role: 'cadre', fullName: 'Cán bộ Bình', phone: '+84987654321' });
      await anIdentity(db, cadreA);
      await anIdentity(db, cadreB);
      const members = [];
      for (const name of ['Đoàn viên Chi', 'Đoàn viên Dũng', 'Đoàn viên Em', 'Đoàn viên Giang', 'Đoàn viên Hà']) members.push(await aMember(db, { branchId: branch, fullName: name }));
      await aProof(db, { waveId, memberId: cadreA, link: `https://www.facebook.com/p/${cadreA}` });
      await aProof(db, { waveId, memberId: members[0]!, link: `https://www.facebook.com/p/${members[0]}` });
      await aProof(db, { waveId, memberId: members[1]!, link: `https://www.facebook.com/p/${members[1]}` });
      await aParticipation(db, waveId, members[2]!); // joined, no proof yet: still missing
      await aMember(db, { branchId: branch, role: 'youth', fullName: 'Thanh niên Khoa' });

      const friday = at('2029-05-18T16:00:00');
      const first = await sendBranchDigests(h.ctx, friday);
      const again = await sendBranchDigests(h.ctx, friday);
      expect(again.branches).toBe(0);
      expect(first.branches).toBeGreaterThanOrEqual(1);
      const digests = await deliveriesLike(db, `digest:${branch}:2029-W20`);
      expect(digests).toHaveLength(2);
      expect(digests[0]!.text).toBe(digests[1]!.text);
      expect(digests[0]!.text).toBe(
        [
          'Tổng hợp tuần của Đoàn trường THPT Bình Tân (đến ngày 18/5/2029):',
          '',
          '• Đợt tháng 5 (đến hết ngày 30/6/2029)',
          '– Cán bộ Đoàn: 1/2 (50%), chỉ tiêu 100% — cần thêm 1 người.',
          '– Đoàn viên: 2/5 (40%), chỉ tiêu 80% — cần thêm 2 người.',
          'Chưa tham gia: Cán bộ Bình, Đoàn viên Em, Đoàn viên Giang, Đoàn viên Hà.',
          '',
          'Các bạn động viên những người chưa tham gia giúp mình nhé. Cảm ơn các bạn!',
        ].join('\n'),
      );
      expect(digests[0]!.text).not.toContain('987654321');
      expect(digests[0]!.purpose).toBe('cadreNudge');
    });
  });

  describe('theory club and the evening good-news report reminder', () => {
    it('When the quarter begins, then each verified club member gets the reminder once that quarter', async () => {
      const member = await aMember(db, { branchId, fullName: 'Thành viên CLB' });
      await db.updateTable('members').set({ is_theory_club: true }).where('id', '=', member).execute();
      await anIdentity(db, member);
      const first = await sendTheoryClubReminder(h.ctx, at('2030-04-01T08:00:00'));
      const again = await sendTheoryClubReminder(h.ctx, at('2030-04-01T08:00:00'));
      expect(first).toMatchObject({ key: 'theoryClub:2030-Q2', ran: true, messages: 1 });
      expect(again).toMatchObject({ ran: false, messages: 0 });
      const sent = await deliveriesLike(db, 'theoryClub:2030-Q2');
      expect(sent[0]!.text).toContain('quý II/2030 đã bắt đầu');
    });

    it('When a branch has reported its good-news post of the day, then only the other branches’ cadres are reminded, once', async () => {
      await db.insertInto('branch_reports').values({ branch_id: branchId, report_date: '2030-05-02', post_url: 'https://www.facebook.com/anlac/posts/1' }).execute();
      const first = await sendGoodNewsReportReminders(h.ctx, at('2030-05-02T20:00:00'));
      const again = await sendGoodNewsReportReminders(h.ctx, at('2030-05-02T20:00:00'));
      expect(again.ran).toBe(false);
      const sent = await deliveriesLike(db, 'goodNewsReport:2030-05-02');
      expect(first.messages).toBe(sent.length);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((d) => d.text.includes('Đoàn phường An Lạc'))).toBe(false);
      expect(sent.some((d) => d.text.includes('hôm nay (2/5/2030) Đoàn phường Tân Tạo chưa báo cáo bài đăng tin tốt'))).toBe(true);
      expect(sent.some((d) => d.text.includes('An Lạc'))).toBe(false);
    });
  });
});
