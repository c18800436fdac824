import { readFileSync } from 'node:fs';

/** Summarises a V8 .cpuprofile (from node --cpu-prof): self time by package and by function. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface ProfileSummary {
  file: string;
  service?: string;
  totalMs: number;
  /** self time by where the code lives: an npm package, node core, the hub's own code, GC, idle */
  byCategory: { category: string; ms: number; pct: number }[];
  topFunctions: { fn: string; where: string; category: string; ms: number; pct: number }[];
}

export function category(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'native/(program)';
  if (!url) return 'native builtins';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core';
  const m = /\/dist\/((?:apps|libs)\/[^/]+)\//.exec(url);
  if (m) return `hub ${m[1]}`;
  return 'other';
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const cats = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; category: string; ms: number }>();
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const cat = category(url, functionName);
    cats.set(cat, (cats.get(cat) ?? 0) + ms);
    const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName}|${where}`;
    const f = fns.get(key) ?? { fn: functionName || '(anonymous)', where, category: cat, ms: 0 };
    f.ms += ms;
    fns.set(key, f);
  }
  const busy = total - (cats.get('idle') ?? 0);
  const pct = (ms: number) => Math.round((1000 * ms) / Math.max(1, busy)) / 10;
  return {
    file,
    totalMs: Math.round(total),
    byCategory: [...cats].filter(([c]) => c !== 'idle').sort((a, b) => b[1] - a[1]).map(([c, ms]) => ({ category: c, ms: Math.round(ms), pct: pct(ms) })),
    topFunctions: [...fns.values()].filter((f) => f.category !== 'idle').sort((a, b) => b.ms - a.ms).slice(0, top).map((f) => ({ ...f, ms: Math.round(f.ms), pct: pct(f.ms) })),
  };
}
