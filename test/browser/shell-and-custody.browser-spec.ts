import { Browser } from 'playwright-core';
import { accessibilityViolations, BrowserHub, launchChromium, newPage, pageOverflow, screenshot, scriptErrors, signIn, startBrowserHub } from '../support/browser-hub';
import { postJson } from '../support/fixtures';

/**
 * The web app's shell (sign-in, navigation, keyboard use, the page's security headers) and
 * the custody navigator's main path: the live board, which shows a child arriving in
 * custody without a reload. In Debian's chromium, on the hub on real Kafka and PostgreSQL.
 */
describe('web app: sign-in and the custody navigator’s live board', () => {
  let hub: BrowserHub;
  let browser: Browser;

  beforeAll(async () => {
    hub = await startBrowserHub();
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('is served from hub-api with a strict Content-Security-Policy, and / leads to it', async () => {
    const res = await fetch(`${hub.base}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/');
    const app = await fetch(`${hub.base}/app/`);
    expect(app.status).toBe(200);
    expect(app.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(app.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await app.text()).toContain('<html lang="en-GB">');
  });

  it('signs in with the keyboard alone, from the skip link to the navigator’s board', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${hub.base}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');

    // a page opens with focus on its heading; back from there is the skip link, which returns to it
    const focused = () => page.evaluate(() => document.activeElement?.tagName + ':' + document.activeElement?.textContent);
    expect(await focused()).toBe('H1:Sign in');
    for (let i = 0; i < 5 && (await focused()) !== 'A:Skip to main content'; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('A:Skip to main content');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('H1:Sign in');

    // Tab on to the custody navigator's button and press Enter
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if ((await focused()).startsWith('BUTTON:Alex Reed (custody navigator)')) break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Children in custody', level: 1 }).waitFor();
    expect(await page.title()).toBe('Children in custody – safer-hub');
    // focus lands on the new page's heading, and the nav marks where the user is
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await page.getByRole('link', { name: 'Custody board' }).getAttribute('aria-current')).toBe('page');
    await context.close();
  });

  it('shows the board: Tyler Reed for Hartlepool YJS, Jayden Hill out of area, and a new arrival without a reload', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'custody-navigator');
    await page.getByRole('heading', { name: 'Children in custody', level: 1 }).waitFor();
    const board = page.getByRole('table', { name: /Children in custody now/ });
    const tyler = board.getByRole('row').filter({ hasText: 'Tyler Reed' });
    await tyler.waitFor();
    expect(await tyler.textContent()).toContain('Hartlepool YJS');
    expect(await tyler.textContent()).toMatch(/\d+ h \d{2} min/);
    const jayden = board.getByRole('row').filter({ hasText: 'Jayden Hill' });
    expect(await jayden.textContent()).toContain('Out of area');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'custody-board');

    // the page stays loaded (this marker would vanish on a reload) while a child arrives
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    const arrivedAt = new Date(Date.now() - 20 * 60_000).toISOString();
    const posted = await postJson(`${hub.edges.police}/custody-entries`, {
      custodyRef: 'MB-C-BROWSER-1', suite: 'Middlesbrough', arrivedAt, offence: 'Criminal damage', appropriateAdultRequired: true,
      detainee: { personRef: 'CP-P-BROWSER-1', givenName: 'Ellis', familyName: 'Marsh', dateOfBirth: '2011-02-03', sex: 'M', address: { line1: '4 Dent Street', postcode: 'TS26 8AB' } },
    });
    expect(posted.status).toBe(201);
    const ellis = board.getByRole('row').filter({ hasText: 'Ellis Marsh' });
    await ellis.waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await ellis.textContent()).toContain('Hartlepool YJS');
    expect(await ellis.textContent()).toMatch(/0 h 2\d min/);
    // the navigator records that an appropriate adult was requested
    await ellis.getByLabel('Appropriate adult for Ellis Marsh', { exact: true }).selectOption('requested');
    await ellis.getByRole('button', { name: 'Save appropriate adult for Ellis Marsh' }).click();
    await page.getByText('Appropriate adult for Ellis Marsh saved').waitFor({ state: 'attached' });
    await screenshot(page, 'custody-board-new-arrival');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('fits a tablet held upright: nothing wider than the screen but the board, which scrolls on its own', async () => {
    const { context, page } = await newPage(browser, 'tablet');
    await signIn(page, hub, 'custody-navigator');
    await page.getByRole('table', { name: /Children in custody now/ }).getByRole('row').filter({ hasText: 'Tyler Reed' }).waitFor();
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'custody-board-tablet');
    await context.close();
  });
});
