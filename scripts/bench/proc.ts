/** /proc readers for the bench (Linux): a process's memory and CPU, the server processes', the machine's. */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux x86-64 and arm64

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: split after the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** user + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSecondsOf(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLOCK_TICKS : 0;
}

/** VmHWM (peak resident set) and VmRSS of a process, in MB. */
export function memoryOf(pid: number): { peakRssMb: number; rssMb: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10, rssMb: Math.round(kb('VmRSS') / 102.4) / 10 };
  } catch {
    return { peakRssMb: 0, rssMb: 0 };
  }
}

/** Pids whose command name starts with one of `names` (postgres backends, redis-server). */
export function pidsNamed(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (names.some((n) => comm.startsWith(n))) out.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return out;
}

/**
 * CPU seconds used so far by every process with one of these names, including their children
 * that have exited (a root process's cutime + cstime: PostgreSQL backends come and go). For
 * PostgreSQL this counts the backends of every client, not only the app's.
 */
export function cpuSecondsNamed(names: readonly string[]): number {
  const pids = new Set(pidsNamed(names));
  let total = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (!f) continue;
    total += (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
    // A root of the family (its parent is not one of them): add what its exited children used.
    if (!pids.has(Number(f[1]))) total += (Number(f[13]) + Number(f[14])) / CLOCK_TICKS;
  }
  return total;
}

/** CPU seconds so far of every live process, with its command line (first 80 characters). */
export function everyProcessCpu(): Map<number, { name: string; cpuS: number }> {
  const out = new Map<number, { name: string; cpuS: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const f = statFields(pid);
    if (!f) continue;
    let name: string;
    try {
      name = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 80);
    } catch {
      name = '';
    }
    out.set(pid, { name: name || `[${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}]`, cpuS: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS });
  }
  return out;
}

/** The processes that used the most CPU between two `everyProcessCpu` snapshots, as % of one core. */
export function topProcesses(a: Map<number, { name: string; cpuS: number }>, b: Map<number, { name: string; cpuS: number }>, wallS: number, exclude: ReadonlySet<number>, count: number): { pid: number; name: string; cpuPercent: number }[] {
  const rows: { pid: number; name: string; cpuPercent: number }[] = [];
  for (const [pid, now] of b) {
    if (exclude.has(pid)) continue;
    const used = now.cpuS - (a.get(pid)?.cpuS ?? 0);
    if (used > 0) rows.push({ pid, name: now.name, cpuPercent: Math.round((used / wallS) * 1000) / 10 });
  }
  return rows.sort((x, y) => y.cpuPercent - x.cpuPercent).slice(0, count);
}

export interface MachineCpu {
  readonly total: number;
  readonly idle: number;
  readonly steal: number;
}

export function machineCpu(): MachineCpu {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [, , , idle = 0, iowait = 0, , , steal = 0] = fields;
  return { total: fields.slice(0, 8).reduce((a, b) => a + b, 0), idle: idle + iowait, steal };
}

/** Percent of the whole machine (100 = every CPU) busy, and stolen, between two snapshots. */
export function machineBusy(a: MachineCpu, b: MachineCpu): { busyPercent: number; stealPercent: number } {
  const total = b.total - a.total || 1;
  return {
    busyPercent: Math.round(((total - (b.idle - a.idle) - (b.steal - a.steal)) / total) * 1000) / 10,
    stealPercent: Math.round(((b.steal - a.steal) / total) * 1000) / 10,
  };
}
