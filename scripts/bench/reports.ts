/**
 * The reports benchmark (issue 6): a district of 50,000 members, 300 branches, 20 waves and 200,000
 * proofs seeded in SQL on a fresh database `vx_bench_reports_<stamp>` (dropped afterwards), then
 *  - each report query's latency (p50 / p95 / max over BENCH_REPORT_ITERATIONS runs after a warm-up),
 *    as a district admin, a cluster's staff member and a branch cadre — REPORT_QUERIES below: the
 *    participation report, Tổng quan whole and statement by statement, the Minh chứng queue and a
 *    wave's participants page of the admin web;
 *  - the biggest wave's exports written end to end (XLSX with both sheets, the participants CSV):
 *    time, size, and how much the process's memory grew while writing;
 *  - EXPLAIN (ANALYZE, BUFFERS) of every statement those run, kept in the JSON.
 * Targets: p95 < 150 ms per query, a wave export < 3 s.
 * Settings (env): BENCH_REPORT_MEMBERS 50000, BENCH_REPORT_BRANCHES 300, BENCH_REPORT_WAVES 20,
 * BENCH_REPORT_PROOFS 200000, BENCH_REPORT_BIG_WAVE 40000, BENCH_REPORT_ITERATIONS 40,
 * BENCH_ADMIN_DATABASE_URL.
 */
import { writeFileSync, renameSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import Cursor from 'pg-cursor';
import type pg from 'pg';
import { createPool } from '../../src/db/database';
import { ensureDatabase } from '../../src/db/ensure-database';
import { migrateToLatest } from '../../src/db/migrate';
import type { Database } from '../../src/db/types';
import type { ExportContext, ExportFile } from '../../src/domain/reports/export-file';
import { goodNewsCompliance, goodNewsWorkbook } from '../../src/domain/reports/good-news-compliance.service';
import { participationReport } from '../../src/domain/reports/participation-report.service';
import { MESSENGER_WINDOW_MS, ZALO_CS_MS, ZALO_FREE_MS } from '../../src/domain/deliveries/delivery-policy';
import { listProofsForStaff } from '../../src/domain/proofs/staff-proof-queue.repository';
import { countTrendsByBranch, findDistrictPlan, goodNewsReportDays, listDistrictWaves, participationByWaveAndBranch, reachByChannel } from '../../src/domain/reports/dashboard.repository';
import { loadDashboard } from '../../src/domain/reports/dashboard.service';
import { zonedMidnight } from '../../src/domain/shared/time';
import { listWaveParticipants } from '../../src/domain/waves/wave-participants.repository';
import { waveParticipantsCsv, waveWorkbook } from '../../src/domain/reports/wave-export.service';
import type { StaffPrincipal } from '../../src/domain/staff/staff-scope';
import { dropDatabase, withDatabase } from './app-checks';
import { seedBigDistrict, type SeededDistrict } from './reports-seed';

const env = (name: string, fallback: string) => Number(process.env[name] || fallback);
const DISTRICT_MEMBERS = 50_000;
const SIZE = {
  members: env('BENCH_REPORT_MEMBERS', String(DISTRICT_MEMBERS)),
  clusters: 10,
  branches: env('BENCH_REPORT_BRANCHES', '300'),
  waves: env('BENCH_REPORT_WAVES', '20'),
  proofs: env('BENCH_REPORT_PROOFS', '200000'),
  bigWave: env('BENCH_REPORT_BIG_WAVE', '40000'),
  year: 2026,
};
const ITERATIONS = env('BENCH_REPORT_ITERATIONS', '40');
const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const QUERY_P95_TARGET_MS = 150;
export const EXPORT_TARGET_MS = 3_000;

type Principals = Record<'admin' | 'staff' | 'cadre', StaffPrincipal>;

/** One measured query: what the dashboard or a report page runs for one principal. */
export interface BenchQuery {
  readonly name: string;
  readonly as: keyof Principals;
  readonly run: (ctx: ExportContext, principals: Principals, seeded: SeededDistrict) => Promise<unknown>;
}

const MONTH = `${SIZE.year}-10`;
/** "Now" for the dashboard: in the seeded plan's year, the month the good-news queries measure. */
const DASHBOARD_NOW = new Date(Date.UTC(SIZE.year, 9, 20, 5));
const ROLES = ['admin', 'staff', 'cadre'] as const;
const scopeOf = (p: StaffPrincipal) => (p.scope === null ? null : p.scope.branchIds);

async function districtWaveIds(ctx: ExportContext): Promise<string[]> {
  const plan = await findDistrictPlan(ctx.db, SIZE.year);
  return plan ? (await listDistrictWaves(ctx.db, plan)).map((w) => w.id) : [];
}

/** Tổng quan (src/domain/reports/dashboard.*): the whole page's load per role, then each statement it runs. */
const DASHBOARD_QUERIES: readonly BenchQuery[] = [
  ...ROLES.map((as): BenchQuery => ({ name: 'dashboard: whole Tổng quan', as, run: (ctx, p) => loadDashboard(ctx.db, p[as], {}, DASHBOARD_NOW, TIME_ZONE) })),
  ...ROLES.map((as): BenchQuery => ({ name: 'dashboard: plan and its district waves', as, run: (ctx) => districtWaveIds(ctx) })),
  ...ROLES.map((as): BenchQuery => ({
    name: 'dashboard: participation by wave and branch',
    as,
    run: async (ctx, p) => participationByWaveAndBranch(ctx.db, await districtWaveIds(ctx), scopeOf(p[as])),
  })),
  ...ROLES.map((as): BenchQuery => ({
    name: 'dashboard: trends by branch this year',
    as,
    run: (ctx, p) => countTrendsByBranch(ctx.db, zonedMidnight(SIZE.year, 1, 1, TIME_ZONE), zonedMidnight(SIZE.year + 1, 1, 1, TIME_ZONE), scopeOf(p[as])),
  })),
  ...ROLES.map((as): BenchQuery => ({ name: `dashboard: good-news calendar, ${MONTH}`, as, run: (ctx, p) => goodNewsReportDays(ctx.db, `${MONTH}-01`, `${MONTH}-31`, scopeOf(p[as])) })),
  ...ROLES.map((as): BenchQuery => ({
    name: 'dashboard: reach by channel',
    as,
    run: (ctx, p) => reachByChannel(ctx.db, DASHBOARD_NOW, { messenger: { openMs: MESSENGER_WINDOW_MS, paidMs: MESSENGER_WINDOW_MS }, zalo: { openMs: ZALO_FREE_MS, paidMs: ZALO_CS_MS } }, scopeOf(p[as])),
  })),
];

/** The admin web's Minh chứng queue (first page, pending and all states) and a wave's participants page. */
const ADMIN_PAGE_QUERIES: readonly BenchQuery[] = [
  ...ROLES.map((as): BenchQuery => ({ name: 'Minh chứng: pending queue, first page', as, run: (ctx, p) => listProofsForStaff(ctx.db, { branchIds: scopeOf(p[as]), state: 'pending', limit: 20, offset: 0 }) })),
  ...ROLES.map((as): BenchQuery => ({ name: 'Minh chứng: all proofs of the biggest wave, first page', as, run: (ctx, p, s) => listProofsForStaff(ctx.db, { branchIds: scopeOf(p[as]), waveId: s.waveIds[0]!, limit: 20, offset: 0 }) })),
  ...ROLES.map((as): BenchQuery => ({ name: 'Đợt: participants of the biggest wave, first page', as, run: (ctx, p, s) => listWaveParticipants(ctx.db, s.waveIds[0]!, scopeOf(p[as]), { limit: 50, offset: 0 }) })),
];

/**
 * What the dashboard and the report pages ask the database, per role: the bench measures and
 * explains each entry with the rest. Add a page's queries here when they may meet the big district.
 */
export const REPORT_QUERIES: readonly BenchQuery[] = [
  ...(['admin', 'staff', 'cadre'] as const).map((as): BenchQuery => ({
    name: 'participation report of the biggest wave',
    as,
    run: (ctx, p, s) => participationReport(ctx.db, p[as], s.waveIds[0]!),
  })),
  { name: 'participation report of a 10,000-proof wave', as: 'admin', run: (ctx, p, s) => participationReport(ctx.db, p.admin, s.waveIds[1]!) },
  ...(['admin', 'cadre'] as const).map((as): BenchQuery => ({ name: `good-news compliance, ${MONTH}`, as, run: (ctx, p) => goodNewsCompliance(ctx, p[as], MONTH) })),
  ...DASHBOARD_QUERIES,
  ...ADMIN_PAGE_QUERIES,
];

interface Latency {
  readonly name: string;
  readonly as: string;
  readonly runs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function latencyOf(q: BenchQuery, ctx: ExportContext, principals: Principals, seeded: SeededDistrict): Promise<Latency> {
  for (let i = 0; i < 3; i += 1) await q.run(ctx, principals, seeded);
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const t0 = performance.now();
    await q.run(ctx, principals, seeded);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name: q.name, as: q.as, runs: times.length, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), maxMs: round(times.at(-1)!) };
}

interface ExportRun {
  readonly name: string;
  readonly ms: number;
  readonly bytes: number;
  readonly rssGrowthMb: number;
  readonly heapGrowthMb: number;
}

/** Writes the file to a sink that only counts, sampling the process's memory while it runs. */
async function exportRun(name: string, make: () => Promise<ExportFile>): Promise<ExportRun> {
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  let bytes = 0;
  const t0 = performance.now();
  try {
    const file = await make();
    await pipeline(file.body, new Writable({ write: (chunk: Buffer, _enc, done) => ((bytes += chunk.length), done()) }));
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - t0;
  const mb = (n: number) => Math.round(n / 104_857.6) / 10;
  return { name, ms: Math.round(ms), bytes, rssGrowthMb: mb(peakRss - before.rss), heapGrowthMb: mb(peakHeap - before.heapUsed) };
}

/** Every statement `work` sends, each explained with ANALYZE and BUFFERS (the plan's text). */
async function explainAll(pool: pg.Pool, work: (db: Kysely<Database>) => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  const seen: CompiledQuery[] = [];
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }), log: (e) => void (e.level === 'query' && seen.push(e.query)) });
  await work(db);
  const out: { sql: string; plan: string[] }[] = [];
  for (const q of seen) {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${q.sql}`, [...q.parameters]);
    out.push({ sql: q.sql.replace(/\s+/g, ' ').trim(), plan: rows.map((r) => r['QUERY PLAN']) });
  }
  return out;
}

function principals(seeded: SeededDistrict, clusterBranches: readonly string[]): Principals {
  const base = { username: 'bench', clusterIds: [] as string[] };
  return {
    admin: { ...base, id: '00000000-0000-4000-8000-000000000001', role: 'districtAdmin', branchId: null, scope: null },
    staff: { ...base, id: '00000000-0000-4000-8000-000000000002', role: 'districtStaff', branchId: null, clusterIds: [seeded.clusterIds[0]!], scope: { branchIds: clusterBranches } },
    cadre: { ...base, id: '00000000-0000-4000-8000-000000000003', role: 'branchCadre', branchId: seeded.branchIds[0]!, scope: { branchIds: [seeded.branchIds[0]!] } },
  };
}

export interface ReportsBenchOptions {
  readonly adminDatabaseUrl: string;
  readonly resultsDir: string;
  readonly stamp: string;
  readonly log: (message: string) => void;
}

export async function runReportsBench(options: ReportsBenchOptions): Promise<void> {
  const { log } = options;
  const databaseName = `vx_bench_reports_${options.stamp.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
  const url = withDatabase(options.adminDatabaseUrl, databaseName);
  await ensureDatabase(url);
  const pool = createPool(url, { maxConnections: 4, applicationName: 'vung-xanh-bench-reports' });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  try {
    await migrateToLatest(db);
    const loadAtStart = loadavg()[0]!;
    log(`reports: seeding ${SIZE.members} members, ${SIZE.branches} branches, ${SIZE.waves} waves, ${SIZE.proofs} proofs`);
    const t0 = performance.now();
    const client = await pool.connect();
    const seeded = await seedBigDistrict(client, SIZE).finally(() => client.release());
    const seedMs = Math.round(performance.now() - t0);
    log(`reports: seeded in ${seedMs} ms; proofs per wave ${seeded.proofsPerWave.join(', ')}`);
    const clusterBranches = (await db.selectFrom('units').select('id').where('parent_id', '=', seeded.clusterIds[0]!).execute()).map((r) => r.id);
    const who = principals(seeded, clusterBranches);
    const ctx: ExportContext = { db, timeZone: TIME_ZONE, now: () => new Date() };

    const latencies: Latency[] = [];
    for (const q of REPORT_QUERIES) {
      const l = await latencyOf(q, ctx, who, seeded);
      latencies.push(l);
      log(`reports: ${q.name} as ${q.as}: p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms`);
    }
    const biggest = seeded.waveIds[0]!;
    const exportRuns: ExportRun[] = [];
    for (let i = 0; i < 3; i += 1) {
      exportRuns.push(await exportRun(`wave XLSX, ${seeded.proofsPerWave[0]} proofs (run ${i + 1})`, () => waveWorkbook(ctx, who.admin, biggest)));
      exportRuns.push(await exportRun(`participants CSV, ${seeded.proofsPerWave[0]} proofs (run ${i + 1})`, () => waveParticipantsCsv(ctx, who.admin, biggest)));
    }
    exportRuns.push(await exportRun(`good-news XLSX ${MONTH}, ${SIZE.branches} branches`, () => goodNewsWorkbook(ctx, who.admin, MONTH)));
    for (const e of exportRuns) log(`reports: ${e.name}: ${e.ms} ms, ${Math.round(e.bytes / 1024)} KB, RSS +${e.rssGrowthMb} MB, heap +${e.heapGrowthMb} MB`);

    const plans = await explainAll(pool, async (x) => {
      const xctx = { ...ctx, db: x };
      for (const q of REPORT_QUERIES) await q.run(xctx, who, seeded);
      await pipeline((await waveParticipantsCsv(xctx, who.admin, biggest)).body, new Writable({ write: (_c, _e, done) => done() }));
    });
    const load = { atStart: round(loadAtStart), atEnd: round(loadavg()[0]!) };
    const result = { stamp: options.stamp, load, machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`, size: SIZE, seedMs, proofsPerWave: seeded.proofsPerWave, iterations: ITERATIONS, latencies, exports: exportRuns, plans };
    const jsonFile = join(options.resultsDir, `reports-${options.stamp}.json`);
    writeFileSync(`${jsonFile}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
    renameSync(`${jsonFile}.tmp`, jsonFile);
    const md = reportsMarkdown(result);
    // The district (the default size) is reports-latest.md; another size keeps its own, so a city run does not replace it.
    const mdName = SIZE.members === DISTRICT_MEMBERS ? 'reports-latest.md' : `reports-${SIZE.members}-members-latest.md`;
    writeFileSync(join(options.resultsDir, `${mdName}.tmp`), `${md}\nRaw figures and query plans: \`bench/results/reports-${options.stamp}.json\`.\n`);
    renameSync(join(options.resultsDir, `${mdName}.tmp`), join(options.resultsDir, mdName));
    console.log(md);
    log(`wrote ${jsonFile} and bench/results/${mdName}`);
  } finally {
    await db.destroy();
    await dropDatabase(options.adminDatabaseUrl, databaseName).catch((err: unknown) => log(`could not drop ${databaseName}: ${String(err)}`));
  }
}

function reportsMarkdown(r: { stamp: string; load: { atStart: number; atEnd: number }; machine: string; size: typeof SIZE; seedMs: number; proofsPerWave: readonly number[]; iterations: number; latencies: Latency[]; exports: ExportRun[] }): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const worstP95 = Math.max(...r.latencies.map((l) => l.p95Ms));
  const waveExports = r.exports.filter((e) => e.name.startsWith('wave XLSX'));
  const slowestExport = Math.max(...waveExports.map((e) => e.ms));
  const verdict = (ok: boolean) => (ok ? 'pass' : '**FAIL**');
  return [
    `# Reports benchmark — ${r.stamp}`,
    '',
    `${r.machine}; load average ${r.load.atStart} when the measuring began, ${r.load.atEnd} at the end (2 cores: above 2, other work was queueing for the CPU and every figure below is inflated by it). One process, PostgreSQL on the same machine. A district of ${fmt(r.size.members)} verified members (one in ten a cadre), ${fmt(r.size.branches)} branches in ${r.size.clusters} clusters, ${r.size.waves} waves and ${fmt(r.proofsPerWave.reduce((a, b) => a + b, 0))} proofs (per wave: ${r.proofsPerWave.map(fmt).join(', ')}), a year of good-news reports; seeded in SQL in ${fmt(r.seedMs)} ms. Each query ${r.iterations} times after 3 warm-up runs.`,
    '',
    '| query | as | p50 ms | p95 ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    ...r.latencies.map((l) => `| ${l.name} | ${l.as} | ${l.p50Ms} | ${l.p95Ms} | ${l.maxMs} |`),
    '',
    '| export (written whole to a counting sink) | ms | size KB | RSS growth MB | heap growth MB |',
    '| --- | --- | --- | --- | --- |',
    ...r.exports.map((e) => `| ${e.name} | ${fmt(e.ms)} | ${fmt(Math.round(e.bytes / 1024))} | ${e.rssGrowthMb} | ${e.heapGrowthMb} |`),
    '',
    '| what | target | measured | |',
    '| --- | --- | --- | --- |',
    `| report queries' p95 (the dashboard's join them when they land) | < ${QUERY_P95_TARGET_MS} ms | worst ${worstP95} ms | ${verdict(worstP95 < QUERY_P95_TARGET_MS)} |`,
    `| a wave export (XLSX, both sheets, ${fmt(r.proofsPerWave[0]!)} proofs) | < ${fmt(EXPORT_TARGET_MS)} ms | slowest of 3: ${fmt(slowestExport)} ms | ${verdict(slowestExport < EXPORT_TARGET_MS)} |`,
    '',
  ].join('\n');
}
