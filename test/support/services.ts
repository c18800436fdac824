import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
export const LOG_DIR = join(root, 'test-logs');

export type ServiceName = 'police' | 'consolidation' | 'hub-api';

const PORT_VARS: Record<ServiceName, string> = { police: 'POLICE_PORT', consolidation: 'CONSOLIDATION_PORT', 'hub-api': 'HUB_API_PORT' };

export interface RunningService {
  name: ServiceName;
  port: number;
  process: ChildProcess;
  url: string;
  /** SIGKILL: no shutdown hooks, no offset commits, as a crash would */
  kill(): Promise<void>;
  /** SIGTERM and wait */
  stop(): Promise<void>;
}

let counter = 0;

/** Spawns a built service (dist/) as its own process, as it runs in production. */
export async function startService(name: ServiceName, port: number, env: Record<string, string>): Promise<RunningService> {
  mkdirSync(LOG_DIR, { recursive: true });
  const log = createWriteStream(join(LOG_DIR, `${name}-${port}-${++counter}.log`));
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', name, 'src', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env, [PORT_VARS[name]]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up (code ${child.exitCode}); see ${LOG_DIR}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become healthy on ${url} within 60 s; see ${LOG_DIR}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    name,
    port,
    process: child,
    url,
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
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
