/** The bench's human summary (Markdown) and its verdict against the targets of issue 3, item 8. */
import type { Verification } from './app-checks';
import type { LoadResult } from './load';

export interface PhaseRecord {
  readonly load: LoadResult;
  readonly windowS: number;
  /** Per process of the system under test, 100 = one core. */
  readonly cpuPercent: readonly number[];
  /** Every PostgreSQL process (other clients' backends included). */
  readonly postgresCpuPercent: number;
  /** The backends of the app's database only. */
  readonly postgresOursCpuPercent: number;
  readonly redisCpuPercent: number;
  /** Machine busy time not accounted for by the processes above (other work on the machine, kernel). */
  readonly otherCpuPercent: number;
  /** The busiest other processes during the window (the load generator, PostgreSQL and Redis among them). */
  readonly otherProcesses: readonly { pid: number; name: string; cpuPercent: number }[];
  readonly loadGenCpuPercent: number;
  readonly standInCpuPercent: number;
  readonly machineBusyPercent: number;
  readonly stealPercent: number;
  /** Messages the stand-in platform received inside the window. */
  readonly platformMessages: number;
  readonly platformMessagesPerSecond: number;
  /** App only: events whose whole reply set was delivered inside the window, per second. */
  readonly replySetsPerSecond?: number;
  readonly endToEndMs?: { p50: number | null; p99: number | null; max: number | null };
  /** After the load: how long until nothing was pending, and what was pending when it stopped. */
  readonly drain?: {
    drained: boolean;
    drainMs: number;
    pendingEventsAtEnd: number;
    unfinishedDeliveriesAtEnd: number;
    /** Still pending when the bench stopped waiting. */
    pendingEventsLeft: number;
    drainedEventsPerSecond: number;
  };
}

export interface ProcessRecord {
  readonly role: string;
  readonly pid: number;
  readonly peakRssMb: number;
  readonly cpuSeconds: number;
}

export interface SystemRecord {
  readonly name: string;
  readonly label: string;
  readonly startMs: number;
  readonly processes: readonly ProcessRecord[];
  readonly closed: PhaseRecord;
  readonly open: readonly (PhaseRecord & { rate: number })[];
  readonly acked: number;
  readonly verification?: Verification;
  /** Baseline: messages at the platform vs webhooks acknowledged. */
  readonly platformMessagesTotal: number;
  readonly logLines?: number;
}

export interface TargetCheck {
  readonly system: string;
  readonly what: string;
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const n1 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : n0(x));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function at500(system: SystemRecord): (PhaseRecord & { rate: number }) | undefined {
  return system.open.find((p) => p.rate === 500) ?? system.open[0];
}

export function checkTargets(baseline: SystemRecord | undefined, systems: readonly SystemRecord[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const base = baseline?.closed.load.ackedPerSecond;
  for (const s of systems) {
    if (base !== undefined) {
      const accepted = s.closed.load.ackedPerSecond;
      checks.push({ system: s.name, what: 'accepted, durably recorded events/s', target: `≥ 25% of baseline (${n0(base * 0.25)}/s)`, measured: `${n0(accepted)}/s (${n1((accepted / base) * 100)}%)`, pass: accepted >= base * 0.25 });
      const replies = s.closed.replySetsPerSecond ?? 0;
      checks.push({ system: s.name, what: 'replies delivered end to end/s (reply sets, real dialog turns)', target: `≥ 15% of baseline (${n0(base * 0.15)}/s)`, measured: `${n0(replies)}/s (${n1((replies / base) * 100)}%)`, pass: replies >= base * 0.15 });
    }
    const open = at500(s);
    if (open) checks.push({ system: s.name, what: `p99 acknowledgement at ${open.rate} events/s`, target: '< 50 ms', measured: `${n1(open.load.latency.p99)} ms`, pass: (open.load.latency.p99 ?? Infinity) < 50 && open.load.ackedPerSecond >= open.rate * 0.98 });
    const peak = Math.max(...s.processes.map((p) => p.peakRssMb));
    checks.push({ system: s.name, what: 'peak RSS of the process', target: '< 350 MB', measured: s.processes.map((p) => `${p.role} ${n0(p.peakRssMb)} MB`).join(', '), pass: peak < 350 });
    const v = s.verification;
    if (v) {
      const ok = v.unanswered === 0 && v.repliesFailed === 0 && v.duplicatedAtPlatform === 0 && v.missingAtPlatform === 0 && v.events === s.acked;
      checks.push({
        system: s.name,
        what: 'every accepted event recorded once and answered by exactly one reply set',
        target: 'no loss, no duplicate',
        measured:
          `${n0(s.acked)} acked, ${n0(v.events)} recorded, ${v.unanswered} processed without reply, ${v.repliesFailed} replies failed, ${v.duplicatedAtPlatform} recipients with a duplicate, ${v.missingAtPlatform} with a missing message at the platform` +
          (v.pending + v.repliesInFlight > 0 ? `; still queued when the run ended (not checked): ${n0(v.pending)} events, ${n0(v.repliesInFlight)} reply sets` : ''),
        pass: ok,
      });
    }
  }
  return checks;
}

export function markdown(meta: { stamp: string; settings: Record<string, unknown>; machine: string }, systems: readonly SystemRecord[], checks: readonly TargetCheck[]): string {
  const lines: string[] = [];
  const s = meta.settings;
  lines.push(`# Ingest benchmark — ${meta.stamp}`, '');
  lines.push(
    `${meta.machine}. Loopback only; the load generator, the stand-in platform (answering after ${String(s.platformLatencyMs)} ms), PostgreSQL and Redis share the machine with the system under test (no CPU pinning). ` +
      `Closed loop: ${String(s.connections)} connections, ${String(s.warmupS)} s warm-up + ${String(s.durationS)} s measured; open loop: ${String(s.rates)} events/s for ${String(s.rateDurationS)} s each; ${String(s.users)} distinct users, half Messenger and half Zalo, every webhook signed.`,
    '',
  );
  lines.push(
    '| system | accepted events/s | reply sets delivered/s (under load) | events answered/s (draining after it) | platform messages/s | ack p50 / p99 ms (closed loop) | ack p50 / p99 / p99.9 ms at the fixed rate | peak RSS MB | CPU % (app) | PG (app db) / Redis CPU % | errors |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const sys of systems) {
    const c = sys.closed;
    const o = at500(sys);
    const errors = sum(Object.values(c.load.errors)) + sum(Object.values(c.load.non2xx)) + sum(sys.open.map((p) => sum(Object.values(p.load.errors)) + sum(Object.values(p.load.non2xx))));
    lines.push(
      `| ${sys.label} | ${n0(c.load.ackedPerSecond)} | ${c.replySetsPerSecond === undefined ? '–' : n0(c.replySetsPerSecond)} | ${c.drain ? n0(c.drain.drainedEventsPerSecond) : '–'} | ${n0(c.platformMessagesPerSecond)} | ${n1(c.load.latency.p50)} / ${n1(c.load.latency.p99)} | ` +
        `${o ? `${n1(o.load.latency.p50)} / ${n1(o.load.latency.p99)} / ${n1(o.load.latency.p999)} (${o.rate}/s, ${n0(o.load.ackedPerSecond)} done/s)` : '–'} | ` +
        `${sys.processes.map((p) => n0(p.peakRssMb)).join(' + ')} | ${c.cpuPercent.map((x) => n0(x)).join(' + ')} | ${n0(c.postgresOursCpuPercent)} / ${n0(c.redisCpuPercent)} | ${n0(errors)} |`,
    );
  }
  lines.push('', '## Against the targets (issue 3, item 8)', '', '| system | what | target | measured | |', '| --- | --- | --- | --- | --- |');
  for (const c of checks) lines.push(`| ${c.system} | ${c.what} | ${c.target} | ${c.measured} | ${c.pass ? 'pass' : '**FAIL**'} |`);
  lines.push('', '## Details', '');
  for (const sys of systems) {
    const c = sys.closed;
    lines.push(`**${sys.label}** — up in ${n0(sys.startMs)} ms; processes: ${sys.processes.map((p) => `${p.role} (pid ${p.pid}, ${n1(p.cpuSeconds)} CPU s)`).join(', ')}.`, '');
    lines.push(
      `- closed loop: ${n0(c.load.windowAcked)} accepted in ${c.windowS} s (${n0(c.load.acked)} over warm-up + window); load generator ${n0(c.loadGenCpuPercent)}% CPU, stand-in ${n0(c.standInCpuPercent)}%, PG ${n0(c.postgresCpuPercent)}% (app's database ${n0(c.postgresOursCpuPercent)}%), Redis ${n0(c.redisCpuPercent)}%, machine ${n0(c.machineBusyPercent)}% busy (steal ${n1(c.stealPercent)}%, unaccounted ${n0(c.otherCpuPercent)}% of a core); ` +
        `non-2xx ${JSON.stringify(c.load.non2xx)}, errors ${JSON.stringify(c.load.errors)}.`,
    );
    const others = (p: PhaseRecord) => p.otherProcesses.map((o) => `${o.name} ${n0(o.cpuPercent)}%`).join('; ');
    lines.push(`- busiest other processes, closed loop: ${others(c)}.`);
    const drained = (d: NonNullable<PhaseRecord['drain']>) =>
      `${n0(d.pendingEventsAtEnd)} events and ${n0(d.unfinishedDeliveriesAtEnd)} replies pending; ` +
      (d.drained ? `drained in ${n1(d.drainMs / 1000)} s (${n0(d.drainedEventsPerSecond)} events/s)` : `${n0(d.pendingEventsLeft)} events still pending after ${n1(d.drainMs / 1000)} s (draining ${n0(d.drainedEventsPerSecond)} events/s)`);
    if (c.drain) lines.push(`- backlog when the closed loop stopped: ${drained(c.drain)}.`);
    for (const o of sys.open) {
      lines.push(
        `- open loop ${o.rate}/s: ${n0(o.load.windowAcked)} accepted in ${o.windowS} s; ack from the scheduled time p50 ${n1(o.load.latency.p50)} / p90 ${n1(o.load.latency.p90)} / p99 ${n1(o.load.latency.p99)} / p99.9 ${n1(o.load.latency.p999)} / max ${n1(o.load.latency.max)} ms` +
          ` (service p99 ${n1(o.load.serviceLatency?.p99)} ms); platform messages ${n0(o.platformMessagesPerSecond)}/s` +
          (o.endToEndMs ? `; event received → whole reply set delivered p50 ${n1(o.endToEndMs.p50)} / p99 ${n1(o.endToEndMs.p99)} / max ${n1(o.endToEndMs.max)} ms` : '') +
          (o.drain ? `; backlog after it: ${drained(o.drain)}` : '') +
          `; app CPU ${o.cpuPercent.map((x) => n0(x)).join(' + ')}%, PG ${n0(o.postgresCpuPercent)}% (app's database ${n0(o.postgresOursCpuPercent)}%), Redis ${n0(o.redisCpuPercent)}%, load generator ${n0(o.loadGenCpuPercent)}%, unaccounted ${n0(o.otherCpuPercent)}%; errors ${n0(sum(Object.values(o.load.errors)) + sum(Object.values(o.load.non2xx)))}; busiest other processes: ${others(o)}.`,
      );
    }
    const v = sys.verification;
    if (v) {
      lines.push(
        `- verification (after the app stopped): ${n0(sys.acked)} webhooks acknowledged, ${n0(v.events)} events recorded ${JSON.stringify(v.eventsByStatus)}; ${n0(v.replies)} replies (${v.repliesPerEvent.min}–${v.repliesPerEvent.max} per event), ` +
          `deliveries ${JSON.stringify(v.deliveriesByStatus)}; ${v.unanswered} processed events without a reply, ${v.repliesFailed} replies failed, ${n0(v.repliesInFlight)} reply sets still queued, ${n0(v.pending)} events not processed yet, ${v.apologies} apologies; ` +
          `at the platform ${n0(v.platformMessages)} messages to ${n0(v.recipients)} recipients: ${v.duplicatedAtPlatform} recipients with more messages than recorded, ${v.missingAtPlatform} with fewer.`,
      );
    } else {
      lines.push(`- ${n0(sys.acked)} webhooks acknowledged, ${n0(sys.platformMessagesTotal)} echoes at the platform (nothing recorded, nothing to verify).`);
    }
    if (sys.logLines !== undefined) lines.push(`- app log: ${n0(sys.logLines)} lines.`);
    lines.push('');
  }
  return lines.join('\n');
}
