import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux /proc readings for the benchmark: memory of one process, CPU time of a set of processes. */

const CLK_TCK = 100; // USER_HZ on every Linux the hub runs on

function readStatus(pid: number): Record<string, string> | undefined {
  try {
    const out: Record<string, string> = {};
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    return out;
  } catch {
    return undefined;
  }
}

const kb = (v: string | undefined) => (v ? Number(v.split(/\s+/)[0]) * 1024 : 0);

/** Current and peak resident set of a process, in bytes (0 when it is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const s = readStatus(pid);
  return { rss: kb(s?.VmRSS), hwm: kb(s?.VmHWM) };
}

/** CPU seconds in user and kernel mode a process has used so far; undefined when it is gone. */
export function cpuTimesOf(pid: number): { user: number; sys: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command may hold spaces and parentheses: fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / CLK_TCK, sys: Number(fields[12]) / CLK_TCK }; // utime, stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

export function cpuSecondsOf(pid: number): number | undefined {
  const t = cpuTimesOf(pid);
  return t && t.user + t.sys;
}

/** Pids whose command line matches. */
export function findPids(match: (comm: string, cmdline: string) => boolean): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (match(comm, cmdline)) out.push(Number(entry));
    } catch {
      /* gone or not ours */
    }
  }
  return out;
}

/** Whole-machine CPU: busy and total jiffies since boot. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * CPU accounting for a phase: CPU seconds each group of processes used between start()
 * and stop(), and the machine's busy share. Groups are re-resolved at stop() so that
 * processes started during the phase (PostgreSQL backends) count too.
 */
export class CpuAccount {
  private readonly before = new Map<number, { user: number; sys: number }>();
  private machineBefore = machineCpu();
  private startedAt = 0;

  constructor(private readonly groups: Record<string, () => number[]>) {}

  start(): void {
    this.before.clear();
    for (const pids of Object.values(this.groups)) for (const pid of pids()) this.before.set(pid, cpuTimesOf(pid) ?? { user: 0, sys: 0 });
    this.machineBefore = machineCpu();
    this.startedAt = performance.now();
  }

  stop(): { wallSeconds: number; machineBusyPct: number; cores: number; groups: Record<string, { cpuSeconds: number; coresUsed: number; kernelPct: number }> } {
    const wall = (performance.now() - this.startedAt) / 1000;
    const m = machineCpu();
    const groups: Record<string, { cpuSeconds: number; coresUsed: number; kernelPct: number }> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      let user = 0;
      let sys = 0;
      for (const pid of pids()) {
        const now = cpuTimesOf(pid);
        const was = this.before.get(pid) ?? { user: 0, sys: 0 };
        if (!now) continue;
        user += Math.max(0, now.user - was.user);
        sys += Math.max(0, now.sys - was.sys);
      }
      const cpu = user + sys;
      groups[name] = { cpuSeconds: round(cpu, 2), coresUsed: round(cpu / wall, 2), kernelPct: cpu > 0 ? round((100 * sys) / cpu) : 0 };
    }
    const busyPct = (100 * (m.busy - this.machineBefore.busy)) / Math.max(1, m.total - this.machineBefore.total);
    return { wallSeconds: round(wall, 2), machineBusyPct: round(busyPct, 1), cores: cpus().length, groups };
  }
}

/** Samples VmRSS of named processes; keeps the peak seen (VmHWM is read at the end as well). */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly targets: () => Record<string, number | undefined>) {}

  start(everyMs = 250): void {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    for (const [name, pid] of Object.entries(this.targets())) {
      if (!pid) continue;
      const { rss } = memoryOf(pid);
      if (rss > (this.peaks.get(name) ?? 0)) this.peaks.set(name, rss);
    }
  }

  peak(name: string): number {
    return this.peaks.get(name) ?? 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

export const round = (v: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
