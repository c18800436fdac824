import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Agreement } from './agreement';
import { loadAgreements } from './loader';

export interface AgreementWatch {
  stop(): void;
  /** Reads the folder now if it changed; says whether the agreements changed, or why the files in it are refused. */
  check(): { changed: boolean; agreements?: Agreement[]; error?: Error };
}

/**
 * Agreements change without a restart: the folder is polled (portable, unlike fs.watch on
 * network and container file systems) and, when any file's size or time changes, read
 * again in full. A new set replaces the old one only if every file is good; a bad file
 * keeps the old versions in force and is reported, so a typo cannot open or close sharing.
 */
export function watchAgreements(
  dir: string,
  /** what decides by the agreements: the policy decision point, consolidation's retention */
  policy: { replace(agreements: Agreement[]): void },
  on: { reloaded?: (agreements: Agreement[]) => void; refused?: (error: Error) => void } = {},
  intervalMs = Number(process.env.ISA_RELOAD_INTERVAL_MS ?? 2000),
): AgreementWatch {
  const fingerprint = () =>
    readdirSync(dir)
      .sort()
      .map((f) => {
        const s = statSync(join(dir, f));
        return `${f}:${s.size}:${s.mtimeMs}`;
      })
      .join('|');
  let seen = fingerprint();
  // A refused file stays refused (and reported) until it changes again.
  let refusal: Error | undefined;
  const check = (): ReturnType<AgreementWatch['check']> => {
    const now = fingerprint();
    if (now === seen) return { changed: false, error: refusal };
    seen = now;
    try {
      const agreements = loadAgreements(dir);
      policy.replace(agreements);
      refusal = undefined;
      on.reloaded?.(agreements);
      return { changed: true, agreements };
    } catch (error) {
      refusal = error instanceof Error ? error : new Error(String(error));
      on.refused?.(refusal);
      return { changed: false, error: refusal };
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
