import { seedDemo, DEMO_PEOPLE } from '../../../src/domain/plans/demo-seed.service';
import { createTranscriptWorld, type TranscriptWorld } from '../../helpers/transcript';
import { runScriptProcess } from '../../helpers/run-script';

const TZ = 'Asia/Ho_Chi_Minh';
const NOW = new Date('2026-11-29T03:00:00Z');

describe('the demo seed (npm run seed:demo)', () => {
  let world: TranscriptWorld;
  beforeAll(async () => {
    world = await createTranscriptWorld({ now: () => NOW });
  });
  afterAll(() => world.close());

  it('When run twice on one day, then one wave is open today for 30 days, the roster is there once, and the second run adds nothing', async () => {
    const first = await seedDemo(world.db, { now: NOW, timeZone: TZ });
    expect(first.wave.created).toBe(true);
    expect(first.peopleCreated).toBe(DEMO_PEOPLE.length);
    expect(first.taskCreated).toBe(true);
    const second = await seedDemo(world.db, { now: NOW, timeZone: TZ });
    expect(second).toMatchObject({ wave: { created: false }, peopleCreated: 0, taskCreated: false });

    const open = await world.db.selectFrom('waves').select(['title', 'starts_at', 'ends_at']).where('status', '=', 'open').where('starts_at', '<=', NOW).where('ends_at', '>', NOW).execute();
    expect(open).toHaveLength(1);
    expect(open[0]!.starts_at.toISOString()).toBe('2026-11-28T17:00:00.000Z'); // local midnight, 29/11
    expect(open[0]!.ends_at.toISOString()).toBe('2026-12-28T17:00:00.000Z'); // after 28/12: 30 whole days
    const members = await world.db.selectFrom('members').select(['phone', 'status']).where('phone', 'in', DEMO_PEOPLE.map((p) => p.phone)).execute();
    expect(members).toHaveLength(DEMO_PEOPLE.length);
    expect(members.every((m) => m.status === 'verified')).toBe(true);
  });

  it.each(['zalo', 'messenger'] as const)('When a tester on %s registers with a demo phone in the demo branch, then the roster verifies them at once', async (channel) => {
    const person = channel === 'zalo' ? DEMO_PEOPLE[1]! : DEMO_PEOPLE[2]!;
    const user = world.user(channel);
    await user.say('xin chào');
    await user.pick('Đồng ý');
    await user.say(person.fullName.replace(' (mẫu)', ''));
    await user.say('binh hung hoa a');
    expect(user.lastText()).toContain('Đoàn phường Bình Hưng Hòa A');
    await user.pick(person.role === 'member' ? 'Đoàn viên' : 'Thanh niên');
    await user.sharePhone(`0${person.phone.slice(3)}`);
    const member = await world.db
      .selectFrom('channel_identities')
      .innerJoin('members', 'members.id', 'channel_identities.member_id')
      .select(['members.status', 'members.verified_by', 'members.phone'])
      .where('channel_identities.platform_user_id', '=', user.platformUserId)
      .executeTakeFirstOrThrow();
    expect(member).toEqual({ status: 'verified', verified_by: 'roster', phone: person.phone });
  });

  it('When run from the command line, then it says in Vietnamese what it loaded and how to try it', async () => {
    const run = await runScriptProcess('seed-demo', [], { DATABASE_URL: world.database.url, APP_TIMEZONE: TZ });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dữ liệu dùng thử (mẫu)');
    expect(run.stdout).toContain('http://localhost:3000/simulator');
    expect(run.stdout).toContain('0901000001');
    expect(run.stdout).toContain('#canbo');
  });
});
