import { existsSync } from 'node:fs';
import { environmentSchema, type Environment } from './config.schema';

export type Role = 'all' | 'api' | 'worker';

/** The proactive purposes a Zalo template may carry (replies never go as templates). */
export type ZaloTemplatePurpose = 'waveReminder' | 'reviewResult' | 'waveLaunch' | 'recurringContent' | 'cadreNudge';

export interface QuietHours {
  /** Minutes after local midnight; the window may cross midnight (start > end). */
  readonly startMinute: number;
  readonly endMinute: number;
  readonly text: string;
}

/** The recurring jobs whose times are settings (issue 5 §3). */
export type ScheduleName =
  | 'uncleHoTeaching'
  | 'goodNews'
  | 'legalInfo'
  | 'waveLifecycle'
  | 'cadreNudges'
  | 'branchDigest'
  | 'theoryClub'
  | 'goodNewsReportReminder';

/** Each schedule's cron pattern in APP_TIMEZONE, or null when switched off. */
export type ScheduleSettings = Readonly<Record<ScheduleName, string | null>>;

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly timezone: string;
  readonly role: Role;
  readonly zalo: {
    readonly appId: string | undefined;
    readonly appSecret: string | undefined;
    readonly oaSecretKey: string | undefined;
    readonly accessToken: string | undefined;
    readonly refreshToken: string | undefined;
    readonly apiBase: string;
    readonly oauthBase: string;
    /** Zalo's domain-ownership code, served as /zalo_verifier<code>.html and a meta tag. */
    readonly siteVerification: string | undefined;
    readonly sendsPerSecond: number;
    readonly configured: boolean;
  };
  readonly messenger: {
    readonly appSecret: string | undefined;
    readonly verifyToken: string | undefined;
    readonly pageAccessToken: string | undefined;
    readonly graphApiBase: string;
    readonly graphApiVersion: string;
    readonly sendsPerSecond: number;
    readonly configured: boolean;
  };
  /** Where devices reach this service, without a trailing slash (signed proof-image links). */
  readonly publicBaseUrl: string;
  /** Proof images larger than this are refused (PROOF_IMAGE_MAX_BYTES, default 5 MB). */
  readonly proofImageMaxBytes: number;
  readonly sessionSecret: string;
  /** express's "trust proxy" (TRUST_PROXY): false when the app faces the clients itself. */
  readonly trustProxy: number | string | false;
  /** 32 bytes that encrypt platform tokens at rest (AES-256-GCM). */
  readonly secretsKey: Buffer;
  /** True when the demo simulator is served; by default on exactly when no platform is configured. */
  readonly simulator: boolean;
  readonly quietHours: QuietHours | null;
  /**
   * How long the HTTP server waits for a client (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS,
   * HTTP_KEEP_ALIVE_TIMEOUT_MS): a client trickling its headers or body is cut off, never holding
   * a connection for ever.
   */
  readonly http: { readonly headersTimeoutMs: number; readonly requestTimeoutMs: number; readonly keepAliveTimeoutMs: number };
  /** ROLE=worker serves its own GET /metrics on this port when set (it has no HTTP server otherwise). */
  readonly metricsPort: number | undefined;
  /** What the delivery policy may use (DESIGN.md "Delivery policy"); see delivery-policy-settings.ts. */
  readonly delivery: {
    /** Proactive messages per member per local day (DAILY_CAP). */
    readonly dailyCap: number;
    /** Messenger message tags allowed outside the 24 h window (each needs Meta's rules kept). */
    readonly messengerTags: { readonly confirmedEventUpdate: boolean; readonly accountUpdate: boolean; readonly humanAgent: boolean };
    /** Billed Zalo consultation messages 48 h – 7 days after the member's last interaction (ZALO_PAID_SENDS). */
    readonly zaloPaidSends: boolean;
    /** Approved Zalo template ids per purpose (ZALO_TEMPLATE_<PURPOSE>); a purpose not here has none. */
    readonly zaloTemplates: Readonly<Partial<Record<ZaloTemplatePurpose, string>>>;
  };
  readonly schedules: ScheduleSettings;
  readonly adminPassword: string | undefined;
  readonly log: { readonly level: string; readonly pretty: boolean };
}

/** Thrown when the environment is wrong; the message names every bad variable and never a value. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid settings (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// A fixed development secret keeps local sessions across restarts; production must set its own.
export const DEVELOPMENT_SESSION_SECRET = 'vung-xanh-development-only-session-secret-change-me';
// Likewise for the key of tokens at rest: fine for a demo, refused in production.
export const DEVELOPMENT_SECRETS_KEY_HEX = '76756e672d78616e682d646576656c6f706d656e742d6b65792d2d2d2d2d2d2d';

function deepFreeze<T>(value: T): T {
  // Buffers (the secrets key) cannot be frozen; nothing hands them out for writing.
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function withoutUnset<K extends string>(record: Record<K, string | undefined>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<Record<K, string>>;
}

function toConfig(env: Environment): Config {
  const zaloConfigured = env.ZALO_ACCESS_TOKEN !== undefined || env.ZALO_REFRESH_TOKEN !== undefined;
  const messengerConfigured = env.MESSENGER_PAGE_ACCESS_TOKEN !== undefined;
  return deepFreeze({
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.QUEUE_PREFIX,
    timezone: env.APP_TIMEZONE,
    role: env.ROLE,
    zalo: {
      appId: env.ZALO_APP_ID,
      appSecret: env.ZALO_APP_SECRET,
      oaSecretKey: env.ZALO_OA_SECRET_KEY,
      accessToken: env.ZALO_ACCESS_TOKEN,
      refreshToken: env.ZALO_REFRESH_TOKEN,
      apiBase: env.ZALO_API_BASE.replace(/\/+$/, ''),
      oauthBase: env.ZALO_OAUTH_BASE.replace(/\/+$/, ''),
      siteVerification: env.ZALO_SITE_VERIFICATION,
      sendsPerSecond: env.ZALO_SENDS_PER_SECOND,
      configured: zaloConfigured,
    },
    messenger: {
      appSecret: env.MESSENGER_APP_SECRET,
      verifyToken: env.MESSENGER_VERIFY_TOKEN,
      pageAccessToken: env.MESSENGER_PAGE_ACCESS_TOKEN,
      graphApiBase: env.GRAPH_API_BASE.replace(/\/+$/, ''),
      graphApiVersion: env.GRAPH_API_VERSION,
      sendsPerSecond: env.MESSENGER_SENDS_PER_SECOND,
      configured: messengerConfigured,
    },
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    proofImageMaxBytes: env.PROOF_IMAGE_MAX_BYTES,
    sessionSecret: env.SESSION_SECRET ?? DEVELOPMENT_SESSION_SECRET,
    trustProxy: env.TRUST_PROXY === undefined ? false : /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY,
    secretsKey: Buffer.from(env.SECRETS_KEY ?? DEVELOPMENT_SECRETS_KEY_HEX, 'hex'),
    simulator: env.SIMULATOR === undefined ? !zaloConfigured && !messengerConfigured : env.SIMULATOR === 'on',
    quietHours: env.QUIET_HOURS,
    http: { headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS, requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    metricsPort: env.METRICS_PORT,
    delivery: {
      dailyCap: env.DAILY_CAP,
      messengerTags: {
        confirmedEventUpdate: env.MESSENGER_TAG_CONFIRMED_EVENT_UPDATE,
        accountUpdate: env.MESSENGER_TAG_ACCOUNT_UPDATE,
        humanAgent: env.MESSENGER_TAG_HUMAN_AGENT,
      },
      zaloPaidSends: env.ZALO_PAID_SENDS,
      zaloTemplates: withoutUnset({
        waveReminder: env.ZALO_TEMPLATE_WAVE_REMINDER,
        reviewResult: env.ZALO_TEMPLATE_REVIEW_RESULT,
        waveLaunch: env.ZALO_TEMPLATE_WAVE_LAUNCH,
        recurringContent: env.ZALO_TEMPLATE_RECURRING_CONTENT,
        cadreNudge: env.ZALO_TEMPLATE_CADRE_NUDGE,
      }),
    },
    schedules: {
      uncleHoTeaching: env.UNCLE_HO_SCHEDULE,
      goodNews: env.GOOD_NEWS_SCHEDULE,
      legalInfo: env.LEGAL_INFO_SCHEDULE,
      waveLifecycle: env.WAVE_LIFECYCLE_SCHEDULE,
      cadreNudges: env.CADRE_NUDGE_SCHEDULE,
      branchDigest: env.BRANCH_DIGEST_SCHEDULE,
      theoryClub: env.THEORY_CLUB_SCHEDULE,
      goodNewsReportReminder: env.GOOD_NEWS_REPORT_REMINDER_SCHEDULE,
    },
    adminPassword: env.ADMIN_PASSWORD,
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY === '1' },
  });
}

/** Validates an environment map; pure, so tests pass their own. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.length > 0 ? issue.path.join('.') : 'environment';
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  return toConfig(parsed.data);
}

/** The entry points' reader: `.env` (when present) under the real environment, which wins. */
export function loadConfigFromProcess(envFile = '.env'): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return loadConfig(process.env);
}
