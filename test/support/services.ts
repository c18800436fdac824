import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, from the sources (ts-jest) or from dist/ (the compiled benchmark). */
export const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root from ' + __dirname);
    dir = up;
  }
  return dir;
})();
export const LOG_DIR = join(ROOT, 'test-logs');

export type ServiceName = 'police' | 'fire' | 'housing' | 'treatment' | 'youth-justice' | 'consolidation' | 'hub-api';

const PORT_VARS: Record<ServiceName, string> = {
  police: 'POLICE_PORT',
  fire: 'FIRE_PORT',
  housing: 'HOUSING_PORT',
  treatment: 'TREATMENT_PORT',
  'youth-justice': 'YOUTH_JUSTICE_PORT',
  consolidation: 'CONSOLIDATION_PORT',
  'hub-api': 'HUB_API_PORT',
};

export interface RunningService {
  name: ServiceName;
  port: number;
  pid: number;
  process: ChildProcess;
  url: string;
  logFile: string;
  /** SIGKILL: no shutdown hooks, no offset commits, as a crash would */
  kill(): Promise<void>;
  /** SIGTERM and wait (SIGKILL after 20 s) */
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Spawns a built service (dist/apps/<name>/src/main.js) as its own process, as it runs in
 * production, and waits for its /health. Used by the e2e suites and the benchmark.
 */
export async function launchService(options: {
  name: ServiceName;
  port: number;
  env: Record<string, string>;
  logFile: string;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<RunningService> {
  const { name, port, logFile } = options;
  const main = join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    cwd: ROOT,
    env: { ...process.env, ...options.env, [PORT_VARS[name]]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!running()) throw new Error(`${name} exited during start-up (code ${child.exitCode}); see ${logFile}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become healthy on ${url} within ${timeoutMs / 1000} s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    port,
    pid: child.pid!,
    process: child,
    url,
    logFile,
    kill: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An e2e service: logs under test-logs/, info level unless the env says otherwise. */
export function startService(name: ServiceName, port: number, env: Record<string, string>): Promise<RunningService> {
  return launchService({ name, port, env: { LOG_LEVEL: 'info', ...env }, logFile: join(LOG_DIR, `${name}-${port}-${++counter}.log`) });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
