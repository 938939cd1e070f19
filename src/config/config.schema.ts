import { getNextMillis } from 'bullmq';
import { z } from 'zod';

/** Unset and empty variables are the same thing: `.env.example` ships `ZALO_APP_ID=` lines. */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
const withDefault = (fallback: string) => z.preprocess((v) => (v === '' || v === undefined ? fallback : v), z.string());

const milliseconds = (fallback: string, least: number) =>
  withDefault(fallback).refine((v) => /^\d{1,7}$/.test(v) && Number(v) >= least, { message: `expected a whole number of milliseconds, at least ${least}` }).transform(Number);

const urlWithProtocols = (fallback: string, protocols: readonly string[], what: string) =>
  withDefault(fallback).refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected ${what}` },
  );

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** QUIET_HOURS is "HH:MM-HH:MM" (may cross midnight) or "off". */
const quietHours = withDefault('21:30-07:00').transform((v, ctx) => {
  if (v.trim().toLowerCase() === 'off') return null;
  const [from, to, ...rest] = v.split('-').map((s) => s.trim());
  const a = from?.match(HH_MM);
  const b = to?.match(HH_MM);
  if (!a || !b || rest.length > 0 || from === to) {
    ctx.addIssue({ code: 'custom', message: 'expected "HH:MM-HH:MM" (for example 21:30-07:00) or "off"' });
    return z.NEVER;
  }
  return { startMinute: Number(a[1]) * 60 + Number(a[2]), endMinute: Number(b[1]) * 60 + Number(b[2]), text: `${from}-${to}` };
});

const onOff = (fallback: 'on' | 'off') => withDefault(fallback).pipe(z.enum(['on', 'off'], { message: 'expected on or off' })).transform((v) => v === 'on');

/** A Zalo template id (ZBS template message), or unset: that purpose then has no template. */
const zaloTemplateId = optionalText.pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'expected the template id from the Zalo OA console (letters and digits)' }).optional());
/**
 * A schedule: a cron pattern (5 fields, or 6 with seconds first; `1#1` is "the first Monday"), read
 * by BullMQ's own parser exactly as its job scheduler will read it, or `off`. Null means off.
 */
const schedulePattern = (fallback: string) =>
  withDefault(fallback).transform((v, ctx) => {
    const pattern = v.trim().replace(/\s+/g, ' ');
    if (pattern.toLowerCase() === 'off') return null;
    let valid = pattern.split(' ').length >= 5;
    try {
      if (valid) valid = getNextMillis(Date.now(), { pattern, tz: 'UTC' }) !== undefined;
    } catch {
      valid = false;
    }
    if (!valid) {
      ctx.addIssue({ code: 'custom', message: 'expected a cron pattern such as "30 7 * * 1" (minute hour day-of-month month day-of-week) or "off"' });
      return z.NEVER;
    }
    return pattern;
  });

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The environment, exactly as DESIGN.md's contract names it. Every key documents itself in
 * `.env.example`; this schema is the only place that knows the names.
 */
export const environmentSchema = z
  .object({
    NODE_ENV: withDefault('development').pipe(z.enum(['development', 'production', 'test'], { message: 'expected development, production or test' })),
    PORT: withDefault('3000')
      .refine((v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535, { message: 'expected a port number from 0 to 65535' })
      .transform(Number),
    DATABASE_URL: urlWithProtocols('postgres://postgres@127.0.0.1:5432/vungxanh', ['postgres:', 'postgresql:'], 'a postgres:// URL naming a database'),
    REDIS_URL: urlWithProtocols('redis://127.0.0.1:6379', ['redis:', 'rediss:'], 'a redis:// or rediss:// URL'),
    QUEUE_PREFIX: withDefault('vx').pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'expected 1 to 40 letters, digits, dots, dashes or underscores' })),
    APP_TIMEZONE: withDefault('Asia/Ho_Chi_Minh').refine(isValidTimeZone, { message: 'expected an IANA time zone such as Asia/Ho_Chi_Minh' }),
    ROLE: withDefault('all').pipe(z.enum(['all', 'api', 'worker'], { message: 'expected all, api or worker' })),
    ZALO_APP_ID: optionalText.pipe(z.string().regex(/^\d+$/, { message: 'expected the numeric app id from developers.zalo.me' }).optional()),
    ZALO_APP_SECRET: optionalText,
    ZALO_OA_SECRET_KEY: optionalText,
    ZALO_ACCESS_TOKEN: optionalText,
    ZALO_REFRESH_TOKEN: optionalText,
    ZALO_API_BASE: urlWithProtocols('https://openapi.zalo.me', ['http:', 'https:'], 'an http(s) URL'),
    ZALO_OAUTH_BASE: urlWithProtocols('https://oauth.zaloapp.com', ['http:', 'https:'], 'an http(s) URL'),
    MESSENGER_APP_SECRET: optionalText,
    MESSENGER_VERIFY_TOKEN: optionalText,
    MESSENGER_PAGE_ACCESS_TOKEN: optionalText,
    GRAPH_API_BASE: urlWithProtocols('https://graph.facebook.com', ['http:', 'https:'], 'an http(s) URL'),
    GRAPH_API_VERSION: withDefault('v25.0').pipe(z.string().regex(/^v\d+\.\d+$/, { message: 'expected a Graph API version such as v25.0' })),
    SECRETS_KEY: optionalText.pipe(
      z.string().regex(/^[0-9a-fA-F]{64}$/, { message: 'expected 64 hex characters (32 random bytes: openssl rand -hex 32)' }).optional(),
    ),
    ZALO_SITE_VERIFICATION: optionalText.pipe(z.string().regex(/^[A-Za-z0-9_-]{4,128}$/, { message: 'expected the verification code Zalo gives (letters, digits, - and _)' }).optional()),
    ZALO_SENDS_PER_SECOND: withDefault('50').refine((v) => /^\d{1,4}$/.test(v) && Number(v) >= 1, { message: 'expected a whole number of messages per second, at least 1' }).transform(Number),
    MESSENGER_SENDS_PER_SECOND: withDefault('100').refine((v) => /^\d{1,4}$/.test(v) && Number(v) >= 1, { message: 'expected a whole number of messages per second, at least 1' }).transform(Number),
    // Where members' and reviewers' devices reach this service (signed proof-image links); default http://localhost:<PORT>.
    PUBLIC_BASE_URL: optionalText.pipe(
      z
        .string()
        .refine((v) => {
          try {
            return ['http:', 'https:'].includes(new URL(v).protocol);
          } catch {
            return false;
          }
        }, { message: 'expected an http(s) URL such as https://vungxanh.example.vn' })
        .optional(),
    ),
    PROOF_IMAGE_MAX_BYTES: withDefault('5242880').refine((v) => /^\d{1,9}$/.test(v) && Number(v) >= 1024, { message: 'expected a whole number of bytes, at least 1024' }).transform(Number),
    // Which proxies in front of the app to believe about the client's address and https (express's
    // "trust proxy"): a hop count, or loopback / linklocal / uniquelocal / addresses, comma-separated.
    TRUST_PROXY: optionalText.pipe(z.string().regex(/^(\d{1,2}|[A-Za-z0-9.:/, ]{2,200})$/, { message: 'expected a number of proxies (1) or loopback, uniquelocal or addresses, comma-separated' }).optional()),
    SESSION_SECRET: optionalText.pipe(z.string().min(32, { message: 'expected at least 32 characters' }).optional()),
    SIMULATOR: optionalText.pipe(z.enum(['on', 'off'], { message: 'expected on or off' }).optional()),
    QUIET_HOURS: quietHours,
    // The HTTP server's own limits on slow clients (slow-loris): all headers within, the whole request within, idle keep-alive.
    HTTP_HEADERS_TIMEOUT_MS: milliseconds('10000', 500),
    HTTP_REQUEST_TIMEOUT_MS: milliseconds('30000', 1000),
    // Longer than any client keeps an idle connection for reuse (undici 4 s, our platform clients 30 s,
    // a load balancer's 60 s): with node's 5 s a client on a busy machine reused a socket the server
    // was closing and got "other side closed" (seen in the worker-crash e2e under load).
    HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds('65000', 100),
    METRICS_PORT: optionalText.pipe(z.string().regex(/^\d{1,5}$/, { message: 'expected a port number' }).transform(Number).optional()),
    DAILY_CAP: withDefault('3').refine((v) => /^\d{1,3}$/.test(v) && Number(v) >= 1, { message: 'expected a whole number of messages per member per day, at least 1' }).transform(Number),
    MESSENGER_TAG_CONFIRMED_EVENT_UPDATE: onOff('off'),
    MESSENGER_TAG_ACCOUNT_UPDATE: onOff('off'),
    MESSENGER_TAG_HUMAN_AGENT: onOff('off'),
    ZALO_PAID_SENDS: onOff('off'),
    ZALO_TEMPLATE_WAVE_REMINDER: zaloTemplateId,
    ZALO_TEMPLATE_REVIEW_RESULT: zaloTemplateId,
    ZALO_TEMPLATE_WAVE_LAUNCH: zaloTemplateId,
    ZALO_TEMPLATE_RECURRING_CONTENT: zaloTemplateId,
    ZALO_TEMPLATE_CADRE_NUDGE: zaloTemplateId,
    UNCLE_HO_SCHEDULE: schedulePattern('30 7 * * 1'),
    GOOD_NEWS_SCHEDULE: schedulePattern('0 7 * * *'),
    LEGAL_INFO_SCHEDULE: schedulePattern('30 11 * * *'),
    WAVE_LIFECYCLE_SCHEDULE: schedulePattern('*/5 * * * *'),
    CADRE_NUDGE_SCHEDULE: schedulePattern('0 9 * * *'),
    BRANCH_DIGEST_SCHEDULE: schedulePattern('0 16 * * 5'),
    THEORY_CLUB_SCHEDULE: schedulePattern('0 8 * 1,4,7,10 1#1'),
    GOOD_NEWS_REPORT_REMINDER_SCHEDULE: schedulePattern('0 20 * * *'),
    ADMIN_PASSWORD: optionalText,
    LOG_LEVEL: withDefault('info').pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'expected fatal, error, warn, info, debug, trace or silent' })),
    LOG_PRETTY: withDefault('0').pipe(z.enum(['0', '1'], { message: 'expected 0 or 1' })),
  })
  .superRefine((env, ctx) => {
    const require = (name: keyof typeof env, because: string) => {
      if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `required ${because}` });
    };
    if (env.NODE_ENV === 'production') {
      require('SESSION_SECRET', 'when NODE_ENV=production');
      require('SECRETS_KEY', 'when NODE_ENV=production (it encrypts platform tokens at rest)');
    }
    if (env.MESSENGER_PAGE_ACCESS_TOKEN !== undefined) {
      require('MESSENGER_APP_SECRET', 'when MESSENGER_PAGE_ACCESS_TOKEN is set (webhook signatures)');
      require('MESSENGER_VERIFY_TOKEN', 'when MESSENGER_PAGE_ACCESS_TOKEN is set (webhook subscription)');
    }
    if (env.ZALO_ACCESS_TOKEN !== undefined || env.ZALO_REFRESH_TOKEN !== undefined) {
      require('ZALO_APP_ID', 'when Zalo tokens are set');
      if (env.ZALO_OA_SECRET_KEY === undefined && env.ZALO_APP_SECRET === undefined) {
        ctx.addIssue({ code: 'custom', path: ['ZALO_OA_SECRET_KEY'], message: 'required (or ZALO_APP_SECRET) when Zalo tokens are set (webhook signatures)' });
      }
    }
    if (env.ZALO_REFRESH_TOKEN !== undefined) require('ZALO_APP_SECRET', 'when ZALO_REFRESH_TOKEN is set (token refresh)');
  });

export type Environment = z.infer<typeof environmentSchema>;
