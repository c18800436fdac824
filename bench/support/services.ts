import { join } from 'node:path';
import { freePort } from '../../test/support/fixtures';
import { launchService, RunningService, ServiceName } from '../../test/support/services';

export { ROOT } from '../../test/support/services';

/** A benchmark service: labelled (consolidation-1, ...) and logging to `<logDir>/<label>.log`. */
export interface BenchService extends Omit<RunningService, 'name'> {
  name: string;
}

/** Starts a built service on a free port, at warn level, and waits for /health (90 s). */
export async function startService(name: ServiceName, label: string, logDir: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<BenchService> {
  const service = await launchService({
    name,
    port: await freePort(),
    env: { LOG_LEVEL: 'warn', ...env },
    logFile: join(logDir, `${label}.log`),
    nodeArgs,
    timeoutMs: 90_000,
  });
  return { ...service, name: label };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
