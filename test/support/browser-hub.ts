/// <reference lib="dom" />
// Browser suites run functions inside the page (page.evaluate), which see the DOM.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { freePorts } from './fixtures';
import { createTestDatabase } from './postgres';
import { LOG_DIR, ROOT } from './services';

/** Debian's chromium (`.ci/run` installs it with apt); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of each role's path, kept by CI as test artifacts. */
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');

export const EDGE_PORT_VARS = {
  police: 'POLICE_PORT',
  fire: 'FIRE_PORT',
  housing: 'HOUSING_PORT',
  treatment: 'TREATMENT_PORT',
  'youth-justice': 'YOUTH_JUSTICE_PORT',
} as const;
export type EdgeName = keyof typeof EDGE_PORT_VARS;

export interface BrowserHub {
  /** hub-api, which serves the web app at /app/ */
  base: string;
  /** the agency edges, for tests that post records as a partner system would */
  edges: Record<EdgeName, string>;
  databaseUrl: string;
  logFile: string;
  /** a demo user's bearer token, for tests that set data up through the API */
  token(user: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The hub a user gets from `npm start` (every service, the demo scenario loaded through the
 * agency edges), in its own process, on the real Kafka broker (KAFKA_BROKERS, started by the
 * global setup) and a fresh PostgreSQL database. Its own free ports, topic and group prefix,
 * so suites and developers' runs never share state.
 */
export async function startBrowserHub(): Promise<BrowserHub> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('the browser suites run on a real Kafka broker: KAFKA_BROKERS is not set (the global setup starts one)');
  const main = join(ROOT, 'dist', 'apps', 'all-in-one', 'src', 'main.js');
  if (!existsSync(main) || !existsSync(join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('build first (npm run build): the browser suites run dist/');
  const db = await createTestDatabase('hub_browser');
  const portVars = ['HUB_API_PORT', 'CONSOLIDATION_PORT', ...Object.values(EDGE_PORT_VARS)];
  const free = await freePorts(portVars.length);
  const ports: Record<string, number> = Object.fromEntries(portVars.map((name, i) => [name, free[i]]));
  const prefix = `browser-${randomBytes(4).toString('hex')}.`;
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `browser-hub-${ports.HUB_API_PORT}.log`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      HUB_DEMO_MODE: 'true',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the hub did not come up within 180 s; see ${logFile}`)), 180_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      out += chunk.toString('utf8');
      if (out.includes('safer-hub is up.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited during start-up (code ${code}); see ${logFile}`));
    });
  });
  const base = `http://127.0.0.1:${ports.HUB_API_PORT}`;
  const edges = Object.fromEntries(Object.entries(EDGE_PORT_VARS).map(([edge, v]) => [edge, `http://127.0.0.1:${ports[v]}`])) as Record<EdgeName, string>;
  return {
    base,
    edges,
    databaseUrl: db.url,
    logFile,
    token: async (user) => {
      const res = await fetch(`${base}/api/auth/demo-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
      if (!res.ok) throw new Error(`no demo token for ${user}: ${res.status}`);
      return ((await res.json()) as { token: string }).token;
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      await db.drop().catch(() => undefined);
    },
  };
}

/** Headless Debian chromium, with the flags that keep it off the network it cannot reach. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The two screens the issue asks for: a laptop and a tablet held upright. */
export const VIEWPORTS = {
  laptop: { viewport: { width: 1366, height: 768 } },
  tablet: { viewport: { width: 768, height: 1024 }, hasTouch: true, deviceScaleFactor: 2 },
} as const;

export async function newPage(browser: Browser, screen: keyof typeof VIEWPORTS = 'laptop'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...VIEWPORTS[screen], locale: 'en-GB', timezoneId: 'Europe/London', acceptDownloads: true });
  const page = await context.newPage();
  // a script error in the app fails the test that caused it
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { scriptErrors: string[] }).scriptErrors = errors;
  return { context, page };
}

/** Script errors the app threw on this page so far. */
export const scriptErrors = (page: Page): string[] => (page as Page & { scriptErrors?: string[] }).scriptErrors ?? [];

/**
 * Signs in through the sign-in page as a person would: opens the app, picks the demo user
 * by their name, and waits for the page their role starts on.
 */
export async function signIn(page: Page, hub: BrowserHub, user: string, next?: string): Promise<void> {
  const users = (await (await fetch(`${hub.base}/api/auth/demo-users`)).json()) as { user: string; name: string }[];
  const person = users.find((u) => u.user === user);
  if (!person) throw new Error(`no demo user ${user}`);
  await page.goto(`${hub.base}/app/#/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByRole('button', { name: new RegExp(`^${person.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.waitForFunction(() => !location.hash.startsWith('#/sign-in'));
}

/** How many CSS pixels the page is wider than the screen (0: no sideways scrolling). */
export function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}

/** A full-page screenshot under test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page as it is now. Run through the
 * DevTools protocol, so the app's Content-Security-Policy stays as served.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const violations: AxeViolation[] = await page.evaluate(`(async () => {
    if (!window.axe) { ${AXE_SOURCE}\n }
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  })()`);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
}
