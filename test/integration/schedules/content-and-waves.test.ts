import type { Db } from '../../../src/db/database';
import { sendDailyContent, sendWeeklyTeaching } from '../../../src/domain/reminders/recurring-content.service';
import { runWaveLifecycle } from '../../../src/domain/reminders/wave-lifecycle.service';
import { aDistrict, aMember, aParticipation, aProof, aUnit, aWave } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { anIdentity, at, deliveriesLike, harness, type Harness } from './harness';

async function aTeaching(db: Db, body: string, approval: 'approved' | 'pending' | 'rejected' = 'approved'): Promise<string> {
  const row = await db
    .insertInto('content_items')
    .values({ kind: 'uncleHoTeaching', body, source: `Nguồn của “${body}”`, approval })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function broadcastsWithKey(db: Db, prefix: string) {
  return db.selectFrom('broadcasts').select(['id', 'schedule_key', 'content_item_id', 'purpose', 'text', 'audience', 'wave_id']).where('schedule_key', 'like', `${prefix}%`).orderBy('created_at').execute();
}

describe('schedules: weekly teaching, daily content, the waves’ lifecycle', () => {
  let t: TestDatabase;
  let db: Db;
  let h: Harness;

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    h = harness(db);
  });

  afterAll(async () => {
    await t.drop();
  });

  describe('Lời Bác dạy', () => {
    it('When no teaching is approved, then nothing is sent and the outcome says so', async () => {
      await aTeaching(db, 'Chờ duyệt', 'pending');
      await aTeaching(db, 'Bị từ chối', 'rejected');
      const outcome = await sendWeeklyTeaching(h.ctx, at('2024-01-01T07:30:00'));
      expect(outcome).toEqual({ kind: 'noneApproved', key: 'uncleHo:2024-W01' });
      expect(await broadcastsWithKey(db, 'uncleHo:')).toHaveLength(0);
    });

    it('When three are approved, then three weeks send three different ones, the fourth starts over with the least recently sent, and a second firing in a week sends nothing more', async () => {
      const ids = [await aTeaching(db, 'Một'), await aTeaching(db, 'Hai'), await aTeaching(db, 'Ba')];
      const mondays = ['2024-12-30T07:30:00', '2025-01-06T07:30:00', '2025-01-13T07:30:00', '2025-01-20T07:30:00'];
      const sent: string[] = [];
      for (const monday of mondays) {
        const first = await sendWeeklyTeaching(h.ctx, at(monday));
        const again = await sendWeeklyTeaching(h.ctx, at(monday));
        expect(first.kind).toBe('sent');
        expect(again.kind).toBe('alreadySent');
        if (first.kind === 'sent') sent.push(first.contentItemId);
      }
      expect(sent.slice(0, 3).sort()).toEqual([...ids].sort());
      expect(sent[3]).toBe(sent[0]);
      const rows = await broadcastsWithKey(db, 'uncleHo:');
      // 30/12/2024 is in ISO week 1 of 2025.
      expect(rows.map((r) => r.schedule_key)).toEqual(['uncleHo:2025-W01', 'uncleHo:2025-W02', 'uncleHo:2025-W03', 'uncleHo:2025-W04']);
      expect(rows.map((r) => r.content_item_id)).toEqual(sent);
      expect(rows.every((r) => r.purpose === 'recurringContent')).toBe(true);
      expect(rows[0]!.audience).toEqual({ topic: 'uncleHoTeaching' });
      expect(rows[0]!.text).toMatch(/^Lời Bác dạy tuần này:\n\n“(Một|Hai|Ba)”\n\n— Nguồn của/);
      const counts = await db.selectFrom('content_items').select(['id', 'times_sent']).where('id', 'in', ids).execute();
      expect(counts.map((c) => c.times_sent).sort()).toEqual([1, 1, 2]);
    });

    it('When the week’s teaching fans out, then its subscribers get it and nobody else does', async () => {
      const subscriber = await anIdentity(db, null, { topics: ['uncleHoTeaching'] });
      const other = await anIdentity(db, null, { topics: ['goodNews'] });
      await aTeaching(db, 'Bốn');
      const outcome = await sendWeeklyTeaching(h.ctx, at('2025-02-03T07:30:00'));
      if (outcome.kind !== 'sent') throw new Error(outcome.kind);
      await h.service.fanOut(outcome.broadcastId);
      const got = await db.selectFrom('deliveries').select('identity_id').where('broadcast_id', '=', outcome.broadcastId).execute();
      expect(got.map((g) => g.identity_id)).toEqual([subscriber]);
      expect(got.map((g) => g.identity_id)).not.toContain(other);
    });
  });

  describe('daily good news and legal information', () => {
    it('When items are scheduled for the day, then each approved one of that day goes once to its topic; pending ones and other days do not', async () => {
      const item = (kind: 'goodNews' | 'legalInfo', day: string, approval: 'approved' | 'pending' = 'approved') =>
        db.insertInto('content_items').values({ kind, title: `${kind} ${day}`, body: `Nội dung ${kind} ${day}`, scheduled_on: day, approval, link_url: 'https://example.vn/tin' }).returning('id').executeTakeFirstOrThrow();
      const today = await item('goodNews', '2026-01-01');
      await item('goodNews', '2026-01-01', 'pending');
      await item('goodNews', '2026-01-02');
      const legal = await item('legalInfo', '2026-01-01');
      const first = await sendDailyContent(h.ctx, 'goodNews', at('2026-01-01T07:00:00'));
      const again = await sendDailyContent(h.ctx, 'goodNews', at('2026-01-01T07:00:00'));
      expect(first.sent.map((s) => s.contentItemId)).toEqual([today.id]);
      expect(again).toEqual({ day: '2026-01-01', sent: [], alreadySent: 1 });
      const legalSent = await sendDailyContent(h.ctx, 'legalInfo', at('2026-01-01T11:30:00'));
      expect(legalSent.sent.map((s) => s.contentItemId)).toEqual([legal.id]);
      const rows = await broadcastsWithKey(db, 'goodNews:2026-01-01');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.audience).toEqual({ topic: 'goodNews' });
      expect(rows[0]!.text).toContain('Tin tốt hôm nay');
      const expiry = await db.selectFrom('broadcasts').select('expires_at').where('id', '=', rows[0]!.id).executeTakeFirstOrThrow();
      expect(expiry.expires_at).toEqual(at('2026-01-02T00:00:00'));
    });
  });

  describe('a wave’s lifecycle', () => {
    let districtId: string;
    let branchId: string;
    let waveId: string;

    beforeAll(async () => {
      districtId = await aDistrict(db);
      branchId = await aUnit(db, districtId, { name: 'Chi đoàn Phường Một' });
      waveId = await aWave(db, { ownerUnitId: districtId, title: 'Đợt tháng 3', startsAt: at('2027-03-01T00:00:00'), endsAt: at('2027-04-01T00:00:00') });
      const plan = await db.insertInto('plans').values({ owner_unit_id: districtId, year: 2027, title: 'Kế hoạch 2027' }).returning('id').executeTakeFirstOrThrow();
      await db.updateTable('waves').set({ plan_id: plan.id }).where('id', '=', waveId).execute();
    });

    async function tick(local: string) {
      const tick = await runWaveLifecycle(h.ctx, at(local));
      expect(tick.failed).toEqual([]);
      return tick.fired.filter((f) => f.waveId === waveId).map((f) => f.step);
    }

    it('When ticks run through the wave, twice each, then every step fires exactly once, at its time', async () => {
      expect(await tick('2027-03-01T07:55:00')).toEqual([]);
      expect(await tick('2027-03-01T08:00:00')).toEqual(['launch']);
      expect(await tick('2027-03-01T08:00:00')).toEqual([]);
      expect(await tick('2027-03-01T08:05:00')).toEqual([]);
      expect(await tick('2027-03-16T12:00:00')).toEqual(['midReminder', 'midProofNudge']);
      expect(await tick('2027-03-16T12:05:00')).toEqual([]);
      const launch = await broadcastsWithKey(db, `wave:${waveId}:launch`);
      expect(launch).toHaveLength(1);
      expect(launch[0]!.audience).toEqual({ everyone: true });
      expect(launch[0]!.purpose).toBe('waveLaunch');
      expect(launch[0]!.wave_id).toBe(waveId);
      expect(launch[0]!.text).toContain('📣 Đợt hoạt động mới: Đợt tháng 3');
      expect(launch[0]!.text).toContain('từ 1/3/2027 đến hết ngày 31/3/2027');
      const mid = await broadcastsWithKey(db, `wave:${waveId}:mid`);
      expect(mid.map((b) => [b.schedule_key, b.audience, b.purpose])).toEqual([
        [`wave:${waveId}:mid`, { wave: { id: waveId, state: 'notJoined' } }, 'waveLaunch'],
        [`wave:${waveId}:mid-proof`, { wave: { id: waveId, state: 'withoutProof' } }, 'waveReminder'],
      ]);
    });

    it('When staff move the end later, then the last-day reminder follows the new date and nothing fires twice', async () => {
      await db.updateTable('waves').set({ ends_at: at('2027-04-11T00:00:00') }).where('id', '=', waveId).execute();
      expect(await tick('2027-03-30T08:00:00')).toEqual([]);
      expect(await tick('2027-04-09T08:00:00')).toEqual(['lastDayReminder', 'lastDayProofNudge']);
      expect(await tick('2027-04-09T08:00:00')).toEqual([]);
      expect((await db.selectFrom('waves').select('status').where('id', '=', waveId).executeTakeFirstOrThrow()).status).toBe('open');
      const lastDay = await broadcastsWithKey(db, `wave:${waveId}:last-day`);
      expect(lastDay).toHaveLength(2);
      expect(lastDay[0]!.text).toContain('Ngày mai (10/4/2027) là ngày cuối của đợt “Đợt tháng 3”');
    });

    it('When it has ended, then each cadre of each branch gets the branch’s figures once, on their Zalo identity', async () => {
      const cadre = await aMember(db, { branchId, role: 'cadre', fullName: 'Cán Bộ Một' });
      const zalo = await anIdentity(db, cadre, { channel: 'zalo', lastInboundAt: at('2027-01-01T00:00:00') });
      await anIdentity(db, cadre, { channel: 'messenger' });
      const m1 = await aMember(db, { branchId });
      const m2 = await aMember(db, { branchId });
      await aProof(db, { waveId, memberId: m1, link: `https://www.facebook.com/p/${waveId}` });
      await aParticipation(db, waveId, m2);
      expect(await tick('2027-04-11T07:55:00')).toEqual([]);
      // Past its end the tick closes it ("đang mở" nowhere any more); the summary still goes out.
      expect((await db.selectFrom('waves').select('status').where('id', '=', waveId).executeTakeFirstOrThrow()).status).toBe('closed');
      expect(await tick('2027-04-11T08:00:00')).toEqual(['closingSummary']);
      expect(await tick('2027-04-11T08:05:00')).toEqual([]);
      const summaries = await deliveriesLike(db, `wave:${waveId}:closing`);
      expect(summaries).toHaveLength(1);
      expect(summaries[0]).toMatchObject({ identityId: zalo, purpose: 'cadreNudge' });
      expect(summaries[0]!.text).toContain('Kết quả của Chi đoàn Phường Một');
      expect(summaries[0]!.text).toContain('– Cán bộ Đoàn: 0/1 (0%), chỉ tiêu 100% — cần thêm 1 người.');
      expect(summaries[0]!.text).toContain('– Đoàn viên: 1/2 (50%), chỉ tiêu 80% — cần thêm 1 người.');
      expect(h.outbox.enqueued).toContain((await db.selectFrom('deliveries').select('id').where('idempotency_key', '=', summaries[0]!.key).executeTakeFirstOrThrow()).id);
    });

    it('When one wave’s launch is refused (its text is too long for a broadcast), then the other waves still launch and the refused one is reported, not recorded', async () => {
      const broken = await aWave(db, { ownerUnitId: districtId, title: 'Đợt lỗi', startsAt: at('2027-08-01T00:00:00'), endsAt: at('2027-08-31T00:00:00') });
      await db.updateTable('waves').set({ description: 'x'.repeat(6_000) }).where('id', '=', broken).execute();
      const fine = await aWave(db, { ownerUnitId: districtId, title: 'Đợt tốt', startsAt: at('2027-08-01T00:00:00'), endsAt: at('2027-08-31T00:00:00') });
      const tick = await runWaveLifecycle(h.ctx, at('2027-08-01T08:00:00'));
      expect(tick.failed.map((f) => [f.waveId, f.step])).toEqual([[broken, 'launch']]);
      expect(tick.fired.map((f) => [f.waveId, f.step])).toEqual([[fine, 'launch']]);
      expect(await broadcastsWithKey(db, `wave:${broken}:`)).toHaveLength(0);
    });

    it('When a branch runs its own trend, then its launch goes to that branch only', async () => {
      const trend = await aWave(db, { ownerUnitId: branchId, title: 'Trào lưu của chi đoàn', startsAt: at('2027-06-01T00:00:00'), endsAt: at('2027-06-15T00:00:00') });
      await runWaveLifecycle(h.ctx, at('2027-06-01T09:00:00'));
      const launch = await broadcastsWithKey(db, `wave:${trend}:launch`);
      expect(launch.map((b) => b.audience)).toEqual([{ branches: [branchId] }]);
    });
  });
});
