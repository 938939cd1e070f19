import { ConfigError, loadConfig } from '../../../src/config/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('settings', () => {
  it('When nothing is set, then the local defaults of the contract apply', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/vungxanh',
      redisUrl: 'redis://127.0.0.1:6379',
      timezone: 'Asia/Ho_Chi_Minh',
      role: 'all',
      simulator: true,
      quietHours: { startMinute: 21 * 60 + 30, endMinute: 7 * 60, text: '21:30-07:00' },
      zalo: { apiBase: 'https://openapi.zalo.me', oauthBase: 'https://oauth.zaloapp.com', configured: false },
      messenger: { graphApiBase: 'https://graph.facebook.com', sendsPerSecond: 100, configured: false },
    });
  });

  it('When loaded, then the config is frozen all the way down', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.zalo)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('When empty strings are set (as .env.example ships them), then they count as unset', () => {
    const config = loadConfig({ ZALO_APP_ID: '', PORT: '', MESSENGER_PAGE_ACCESS_TOKEN: '' });
    expect(config.port).toBe(3000);
    expect(config.zalo.appId).toBeUndefined();
    expect(config.messenger.configured).toBe(false);
  });

  it('When several variables are wrong, then one error names every one of them and what it expects', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      ROLE: 'both',
      DATABASE_URL: 'mysql://x/y',
      APP_TIMEZONE: 'Mars/Olympus',
      QUIET_HOURS: '22-7',
      SIMULATOR: 'yes',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: expected a port number/),
        expect.stringMatching(/^ROLE: expected all, api or worker/),
        expect.stringMatching(/^DATABASE_URL: expected a postgres:\/\/ URL/),
        expect.stringMatching(/^APP_TIMEZONE: expected an IANA time zone/),
        expect.stringMatching(/^QUIET_HOURS: expected "HH:MM-HH:MM"/),
        expect.stringMatching(/^SIMULATOR: expected on or off/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('When a secret has a wrong value, then the message never echoes it', () => {
    const secret = 'short-secret-value';
    const dbPassword = 'p4ssw0rd-in-url';
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, DATABASE_URL: `mysql://u:${dbPassword}@h/db` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SESSION_SECRET: expected at least 32 characters');
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain(secret);
    expect(message).not.toContain(dbPassword);
  });

  it('When running in production without a session secret and a secrets key, then start-up is refused', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'SESSION_SECRET: required when NODE_ENV=production',
      'SECRETS_KEY: required when NODE_ENV=production (it encrypts platform tokens at rest)',
    ]);
  });

  it('When SECRETS_KEY is set, then it becomes the 32-byte key; a wrong one is refused without echoing it', () => {
    const key = 'ab'.repeat(32);
    expect(loadConfig({ SECRETS_KEY: key }).secretsKey).toEqual(Buffer.from(key, 'hex'));
    expect(loadConfig({}).secretsKey).toHaveLength(32);
    const problems = problemsOf({ SECRETS_KEY: 'not-a-key-secret-value' });
    expect(problems).toEqual([expect.stringMatching(/^SECRETS_KEY: expected 64 hex characters/)]);
    expect(problems.join()).not.toContain('not-a-key-secret-value');
  });

  it('When a Page token is set without its app secret and verify token, then both are asked for', () => {
    expect(problemsOf({ MESSENGER_PAGE_ACCESS_TOKEN: 'EAAB' })).toEqual([
      expect.stringMatching(/^MESSENGER_APP_SECRET: required/),
      expect.stringMatching(/^MESSENGER_VERIFY_TOKEN: required/),
    ]);
  });

  it('When Zalo tokens are set without the app id and a signing secret, then both are asked for', () => {
    expect(problemsOf({ ZALO_ACCESS_TOKEN: 'tok' })).toEqual([
      expect.stringMatching(/^ZALO_APP_ID: required/),
      expect.stringMatching(/^ZALO_OA_SECRET_KEY: required \(or ZALO_APP_SECRET\)/),
    ]);
  });

  it('When a platform is configured, then the simulator is off unless asked for', () => {
    const zalo = { ZALO_ACCESS_TOKEN: 't', ZALO_APP_ID: '123', ZALO_OA_SECRET_KEY: 'k' };
    expect(loadConfig(zalo).simulator).toBe(false);
    expect(loadConfig({ ...zalo, SIMULATOR: 'on' }).simulator).toBe(true);
    expect(loadConfig({ SIMULATOR: 'off' }).simulator).toBe(false);
  });

  it.each([
    ['off', null],
    ['OFF', null],
    ['22:00-06:30', { startMinute: 1320, endMinute: 390, text: '22:00-06:30' }],
    ['12:00-13:00', { startMinute: 720, endMinute: 780, text: '12:00-13:00' }],
  ])('When QUIET_HOURS is %s, then it parses', (value, expected) => {
    expect(loadConfig({ QUIET_HOURS: value }).quietHours).toEqual(expected);
  });

  it.each(['25:00-07:00', '21:30', '21:30-21:30', '9:30-07:00'])('When QUIET_HOURS is %s, then it is refused', (value) => {
    expect(problemsOf({ QUIET_HOURS: value })).toEqual([expect.stringMatching(/^QUIET_HOURS:/)]);
  });

  it('When platform base URLs end with a slash, then it is dropped so paths join cleanly', () => {
    const config = loadConfig({ ZALO_API_BASE: 'http://127.0.0.1:4000/', GRAPH_API_BASE: 'http://127.0.0.1:4001//' });
    expect(config.zalo.apiBase).toBe('http://127.0.0.1:4000');
    expect(config.messenger.graphApiBase).toBe('http://127.0.0.1:4001');
  });
});
