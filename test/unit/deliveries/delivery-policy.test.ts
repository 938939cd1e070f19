import type { DeliveryPurpose } from '../../../src/db/types';
import { decideDelivery, quietHoursEnd, type DeliveryDecision, type DeliveryPolicySettings, type RecipientClock } from '../../../src/domain/deliveries/delivery-policy';
import { deliveryPolicySettingsOf } from '../../../src/domain/deliveries/delivery-policy-settings';
import { loadConfig } from '../../../src/config/config';

const TZ = 'Asia/Ho_Chi_Minh';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Local wall-clock time in Vietnam (UTC+7 all year) as an instant. */
const vn = (iso: string) => new Date(`${iso}+07:00`);

const PURPOSES: readonly DeliveryPurpose[] = ['reply', 'waveReminder', 'reviewResult', 'waveLaunch', 'recurringContent', 'cadreNudge', 'staffReply'];

const OFF: DeliveryPolicySettings = {
  timeZone: TZ,
  quietHours: { startMinute: 21 * 60 + 30, endMinute: 7 * 60 },
  dailyCap: 3,
  messengerTags: { confirmedEventUpdate: false, accountUpdate: false, humanAgent: false },
  zaloPaidEnabled: false,
  zaloTemplates: {},
};
const ON: DeliveryPolicySettings = {
  ...OFF,
  messengerTags: { confirmedEventUpdate: true, accountUpdate: true, humanAgent: true },
  zaloPaidEnabled: true,
  zaloTemplates: { waveReminder: 'tpl-wr', reviewResult: 'tpl-rr', waveLaunch: 'tpl-wl', recurringContent: 'tpl-rc', cadreNudge: 'tpl-cn' },
};

/** Noon on a weekday: outside quiet hours. */
const NOON = vn('2026-03-11T12:00:00');

type Window = 'in24h' | 'in48h' | '48h-7d' | 'over7d' | 'neverWrote' | 'closedByPlatform' | 'unreachable' | 'unfollowed';
const WINDOWS: readonly Window[] = ['in24h', 'in48h', '48h-7d', 'over7d', 'neverWrote', 'closedByPlatform', 'unreachable', 'unfollowed'];

function clock(channel: 'zalo' | 'messenger', window: Window): RecipientClock {
  const base: RecipientClock = { channel, lastInboundAt: null, windowClosedAt: null, reachability: 'reachable', followState: 'following' };
  const ago = (ms: number) => new Date(NOON.getTime() - ms);
  switch (window) {
    case 'in24h':
      return { ...base, lastInboundAt: ago(2 * HOUR) };
    case 'in48h':
      return { ...base, lastInboundAt: ago(30 * HOUR) };
    case '48h-7d':
      return { ...base, lastInboundAt: ago(3 * DAY) };
    case 'over7d':
      return { ...base, lastInboundAt: ago(8 * DAY) };
    case 'neverWrote':
      return base;
    case 'closedByPlatform':
      return { ...base, lastInboundAt: ago(2 * HOUR), windowClosedAt: ago(HOUR) };
    case 'unreachable':
      return { ...base, lastInboundAt: ago(2 * HOUR), reachability: 'unreachable' };
    case 'unfollowed':
      return { ...base, lastInboundAt: ago(2 * HOUR), followState: 'unfollowed' };
  }
}

/** A decision in a few letters, so that the table below reads as a table. */
function short(d: DeliveryDecision): string {
  if (d.kind === 'skip') return `skip:${d.reason}`;
  if (d.kind === 'defer') return `defer:${d.reason}`;
  const m = d.mode;
  if (m.channel === 'messenger') return m.messagingType === 'MESSAGE_TAG' ? `tag:${m.tag}` : m.messagingType;
  return m.kind === 'cs' ? `cs:${d.cost}` : `template:${m.templateId}`;
}

// Columns, in PURPOSES order: reply, waveReminder, reviewResult, waveLaunch, recurringContent, cadreNudge, staffReply.
const W = 'defer:windowClosed';
const EXPECTED: Record<'messenger' | 'zalo', Record<'off' | 'on', Record<Window, readonly string[]>>> = {
  messenger: {
    off: {
      in24h: ['RESPONSE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE', 'RESPONSE'],
      in48h: [W, W, W, W, W, W, W],
      '48h-7d': [W, W, W, W, W, W, W],
      over7d: [W, W, W, W, W, W, W],
      neverWrote: [W, W, W, W, W, W, W],
      closedByPlatform: [W, W, W, W, W, W, W],
      unreachable: Array(7).fill('skip:unreachable'),
      // Messenger has no follow: an unfollow on Zalo says nothing here.
      unfollowed: ['RESPONSE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE', 'RESPONSE'],
    },
    on: {
      in24h: ['RESPONSE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE', 'RESPONSE'],
      in48h: [W, 'tag:CONFIRMED_EVENT_UPDATE', 'tag:ACCOUNT_UPDATE', W, W, W, 'tag:HUMAN_AGENT'],
      '48h-7d': [W, 'tag:CONFIRMED_EVENT_UPDATE', 'tag:ACCOUNT_UPDATE', W, W, W, 'tag:HUMAN_AGENT'],
      over7d: [W, 'tag:CONFIRMED_EVENT_UPDATE', 'tag:ACCOUNT_UPDATE', W, W, W, W],
      // A tag never opens a conversation.
      neverWrote: [W, W, W, W, W, W, W],
      // The platform closed the standard window; tags (and HUMAN_AGENT's 7 days) still hold.
      closedByPlatform: [W, 'tag:CONFIRMED_EVENT_UPDATE', 'tag:ACCOUNT_UPDATE', W, W, W, 'tag:HUMAN_AGENT'],
      unreachable: Array(7).fill('skip:unreachable'),
      unfollowed: ['RESPONSE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE', 'UPDATE', 'RESPONSE'],
    },
  },
  zalo: {
    off: {
      in24h: Array(7).fill('cs:free'),
      in48h: Array(7).fill('cs:free'),
      '48h-7d': ['cs:paid', 'cs:paid', 'cs:paid', W, W, 'cs:paid', 'cs:paid'],
      over7d: [W, W, W, W, W, W, W],
      neverWrote: [W, W, W, W, W, W, W],
      closedByPlatform: [W, W, W, W, W, W, W],
      unreachable: Array(7).fill('skip:unreachable'),
      unfollowed: Array(7).fill('skip:unfollowed'),
    },
    on: {
      in24h: Array(7).fill('cs:free'),
      in48h: Array(7).fill('cs:free'),
      '48h-7d': Array(7).fill('cs:paid'),
      over7d: [W, 'template:tpl-wr', 'template:tpl-rr', 'template:tpl-wl', 'template:tpl-rc', 'template:tpl-cn', W],
      neverWrote: [W, 'template:tpl-wr', 'template:tpl-rr', 'template:tpl-wl', 'template:tpl-rc', 'template:tpl-cn', W],
      closedByPlatform: [W, 'template:tpl-wr', 'template:tpl-rr', 'template:tpl-wl', 'template:tpl-rc', 'template:tpl-cn', W],
      unreachable: Array(7).fill('skip:unreachable'),
      unfollowed: Array(7).fill('skip:unfollowed'),
    },
  },
};

describe('the delivery policy', () => {
  describe('every purpose × channel × window, with the optional sends off and on', () => {
    const cases = (['messenger', 'zalo'] as const).flatMap((channel) =>
      (['off', 'on'] as const).flatMap((setting) => WINDOWS.map((window) => ({ channel, setting, window, expected: EXPECTED[channel][setting][window] }))),
    );
    it.each(cases)('When a $channel member is $window and the tags, paid sends and templates are $setting, then each purpose is decided as the table says', ({ channel, setting, window, expected }) => {
      const settings = setting === 'on' ? ON : OFF;
      const decided = PURPOSES.map((purpose) => short(decideDelivery({ purpose, recipient: clock(channel, window), now: NOON, sentToday: 0 }, settings)));
      expect(Object.fromEntries(PURPOSES.map((p, i) => [p, decided[i]]))).toEqual(Object.fromEntries(PURPOSES.map((p, i) => [p, expected[i]])));
    });

    it('When the table is read, then it covers 7 purposes × 2 channels × 8 windows × 2 settings', () => {
      expect(cases.length * PURPOSES.length).toBe(7 * 2 * 8 * 2);
    });
  });

  it('When a Zalo template is chosen, then its data is left for the outbound job to fill from the message', () => {
    const d = decideDelivery({ purpose: 'waveLaunch', recipient: clock('zalo', 'over7d'), now: NOON, sentToday: 0 }, ON);
    expect(d).toEqual({ kind: 'send', mode: { channel: 'zalo', kind: 'template', templateId: 'tpl-wl', templateData: {} }, cost: 'paid' });
  });

  it('When the member wrote after the platform closed the window, then the window is open again', () => {
    const recipient: RecipientClock = { ...clock('messenger', 'in24h'), windowClosedAt: new Date(NOON.getTime() - 3 * HOUR) };
    expect(short(decideDelivery({ purpose: 'waveLaunch', recipient, now: NOON, sentToday: 0 }, OFF))).toBe('UPDATE');
  });

  describe('quiet hours (21:30-07:00 in Asia/Ho_Chi_Minh unless said)', () => {
    const at = (iso: string, purpose: DeliveryPurpose = 'waveLaunch', settings = OFF) =>
      decideDelivery({ purpose, recipient: { ...clock('zalo', 'in24h'), lastInboundAt: new Date(vn(iso).getTime() - HOUR) }, now: vn(iso), sentToday: 0 }, settings);

    it.each([
      ['2026-03-11T21:29:59', null],
      ['2026-03-11T21:30:00', '2026-03-12T07:00:00'],
      ['2026-03-11T23:59:59', '2026-03-12T07:00:00'],
      ['2026-03-12T00:00:00', '2026-03-12T07:00:00'],
      ['2026-03-12T06:59:59', '2026-03-12T07:00:00'],
      ['2026-03-12T07:00:00', null],
      // Across a month and a year end.
      ['2026-03-31T22:00:00', '2026-04-01T07:00:00'],
      ['2026-12-31T23:00:00', '2027-01-01T07:00:00'],
    ])('When it is %s local, then a proactive send waits until %s', (now, until) => {
      const d = at(now);
      if (until === null) expect(d.kind).toBe('send');
      else expect(d).toEqual({ kind: 'defer', reason: 'quietHours', until: vn(until) });
    });

    it('When QUIET_HOURS is off, then nothing waits at night', () => {
      expect(at('2026-03-11T23:30:00', 'waveLaunch', { ...OFF, quietHours: null }).kind).toBe('send');
      expect(quietHoursEnd(vn('2026-03-11T23:30:00'), { timeZone: TZ, quietHours: null })).toBeNull();
    });

    it('When quiet hours do not cross midnight (12:00-13:30), then only that span waits, its end excluded', () => {
      const lunch = { ...OFF, quietHours: { startMinute: 12 * 60, endMinute: 13 * 60 + 30 } };
      expect(at('2026-03-11T11:59:00', 'waveLaunch', lunch).kind).toBe('send');
      expect(at('2026-03-11T12:00:00', 'waveLaunch', lunch)).toEqual({ kind: 'defer', reason: 'quietHours', until: vn('2026-03-11T13:30:00') });
      expect(at('2026-03-11T13:30:00', 'waveLaunch', lunch).kind).toBe('send');
      expect(at('2026-03-11T23:00:00', 'waveLaunch', lunch).kind).toBe('send');
    });

    it.each(['reply', 'staffReply'] as const)('When the purpose is %s (the member is answered), then quiet hours do not hold it', (purpose) => {
      expect(at('2026-03-11T23:00:00', purpose).kind).toBe('send');
    });

    it.each(['waveReminder', 'reviewResult', 'waveLaunch', 'recurringContent', 'cadreNudge'] as const)('When the purpose is %s, then quiet hours hold it', (purpose) => {
      expect(at('2026-03-11T23:00:00', purpose)).toMatchObject({ kind: 'defer', reason: 'quietHours' });
    });

    it('When quiet hours and a closed window both apply, then quiet hours are said first (the window is looked at again when they end)', () => {
      const d = decideDelivery({ purpose: 'waveLaunch', recipient: clock('messenger', 'over7d'), now: vn('2026-03-11T22:00:00'), sentToday: 0 }, OFF);
      expect(d).toMatchObject({ kind: 'defer', reason: 'quietHours' });
    });
  });

  describe('the daily cap (3 proactive messages per member per local day)', () => {
    const decide = (now: Date, sentToday: number, purpose: DeliveryPurpose = 'recurringContent', settings = OFF) =>
      decideDelivery({ purpose, recipient: { ...clock('zalo', 'in24h'), lastInboundAt: new Date(now.getTime() - HOUR) }, now, sentToday }, settings);

    it('When the member got 2 today, then a third goes', () => {
      expect(decide(NOON, 2).kind).toBe('send');
    });

    it('When the member got 3 today, then a fourth waits for the end of the next quiet hours (07:00 tomorrow)', () => {
      expect(decide(NOON, 3)).toEqual({ kind: 'defer', reason: 'dailyCap', until: vn('2026-03-12T07:00:00') });
    });

    it('When quiet hours are off, then a capped message waits for local midnight', () => {
      expect(decide(vn('2026-03-11T23:45:00'), 3, 'waveLaunch', { ...OFF, quietHours: null })).toEqual({ kind: 'defer', reason: 'dailyCap', until: vn('2026-03-12T00:00:00') });
    });

    it('When quiet hours start at midnight (00:00-06:00), then a capped message waits for 06:00 tomorrow', () => {
      const early = { ...OFF, quietHours: { startMinute: 0, endMinute: 6 * 60 } };
      expect(decide(NOON, 5, 'waveLaunch', early)).toEqual({ kind: 'defer', reason: 'dailyCap', until: vn('2026-03-12T06:00:00') });
    });

    it('When quiet hours sit inside the day (12:00-13:00), then a capped message waits for midnight', () => {
      const lunch = { ...OFF, quietHours: { startMinute: 12 * 60, endMinute: 13 * 60 } };
      expect(decide(vn('2026-03-11T15:00:00'), 3, 'waveLaunch', lunch)).toEqual({ kind: 'defer', reason: 'dailyCap', until: vn('2026-03-12T00:00:00') });
    });

    it.each(['reply', 'staffReply'] as const)('When the purpose is %s, then the cap does not hold it', (purpose) => {
      expect(decide(NOON, 10, purpose).kind).toBe('send');
    });
  });

  describe('settings', () => {
    it('When nothing is set, then the cap is 3, every tag and paid send is off, no template is configured, and quiet hours are 21:30-07:00', () => {
      expect(deliveryPolicySettingsOf(loadConfig({}))).toEqual(OFF);
    });

    it('When the settings turn everything on, then the policy gets each of them', () => {
      const config = loadConfig({
        DAILY_CAP: '5',
        QUIET_HOURS: 'off',
        MESSENGER_TAG_CONFIRMED_EVENT_UPDATE: 'on',
        MESSENGER_TAG_ACCOUNT_UPDATE: 'on',
        MESSENGER_TAG_HUMAN_AGENT: 'on',
        ZALO_PAID_SENDS: 'on',
        ZALO_TEMPLATE_WAVE_REMINDER: 'tpl-wr',
        ZALO_TEMPLATE_REVIEW_RESULT: 'tpl-rr',
        ZALO_TEMPLATE_WAVE_LAUNCH: 'tpl-wl',
        ZALO_TEMPLATE_RECURRING_CONTENT: 'tpl-rc',
        ZALO_TEMPLATE_CADRE_NUDGE: 'tpl-cn',
      });
      expect(deliveryPolicySettingsOf(config)).toEqual({ ...ON, dailyCap: 5, quietHours: null });
    });

    it('When a switch or the cap is misspelt, then loading the settings names it', () => {
      expect(() => loadConfig({ ZALO_PAID_SENDS: 'yes' })).toThrow(/ZALO_PAID_SENDS: expected on or off/);
      expect(() => loadConfig({ DAILY_CAP: '0' })).toThrow(/DAILY_CAP: expected a whole number/);
      expect(() => loadConfig({ ZALO_TEMPLATE_WAVE_LAUNCH: 'id with spaces' })).toThrow(/ZALO_TEMPLATE_WAVE_LAUNCH: expected the template id/);
    });
  });
});
