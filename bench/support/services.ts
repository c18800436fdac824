import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '../../test/support/fixtures';

/** The repository root, found from wherever the compiled benchmark runs (dist/bench/...). */
export const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root from ' + __dirname);
    dir = up;
  }
  return dir;
})();

export type ServiceName = 'police' | 'consolidation' | 'hub-api';
const PORT_VARS: Record<ServiceName, string> = { police: 'POLICE_PORT', consolidation: 'CONSOLIDATION_PORT', 'hub-api': 'HUB_API_PORT' };

export interface BenchService {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  process: ChildProcess;
  stop(): Promise<void>;
}


/**
 * Spawns a built service (dist/apps/<name>/src/main.js) as its own process and waits for
 * /health. Its stdout and stderr go to `<logDir>/<label>.log`.
 */
export async function startService(name: ServiceName, label: string, logDir: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<BenchService> {
  mkdirSync(logDir, { recursive: true });
  const port = await freePort();
  const logFile = join(logDir, `${label}.log`);
  const log = createWriteStream(logFile);
  const main = join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  const child = spawn(process.execPath, [...nodeArgs, main], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, [PORT_VARS[name]]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited during start-up (code ${child.exitCode}); see ${logFile}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${label} did not become healthy on ${url} within 90 s; see ${logFile}`);
    }
    await sleep(200);
  }
  return {
    name: label,
    pid: child.pid!,
    url,
    logFile,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
