import { Browser } from 'playwright-core';
import { accessibilityViolations, BrowserHub, launchChromium, newPage, pageOverflow, screenshot, scriptErrors, signIn, startBrowserHub } from '../support/browser-hub';
import { postJson } from '../support/fixtures';

/**
 * A YJS officer's custody inbox in the web app: Jo Bell of Hartlepool YJS sees Tyler Reed
 * (booked into custody in the demo), with his details from hub-api, acknowledges him, and
 * sees a new Hartlepool child arrive without a reload. In Debian's chromium, on the hub on
 * real Kafka and PostgreSQL, the inbox reached through hub-api's proxy to the youth-justice edge.
 */
describe('web app: the YJS officer’s custody inbox', () => {
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

  it('shows Tyler Reed, acknowledges him as Jo Bell, and shows a new arrival without a reload', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'yjs-hartlepool');
    // the inbox is a YJS officer's home page
    await page.getByRole('heading', { name: 'Custody inbox', level: 1 }).waitFor();
    expect(await page.title()).toBe('Custody inbox – safer-hub');
    expect(await page.getByRole('link', { name: 'Custody inbox' }).getAttribute('aria-current')).toBe('page');
    const inbox = page.getByRole('table', { name: /Hartlepool YJS: custody notifications/ });
    const tyler = inbox.getByRole('row').filter({ hasText: 'Tyler Reed' });
    await tyler.waitFor({ timeout: 60_000 });
    // his details come from hub-api: name, age, arrival, time held, appropriate adult
    const text = (await tyler.textContent())!;
    expect(text).toContain('aged 14');
    expect(text).toContain('born 5 May 2012');
    expect(text).toContain('Middlesbrough');
    expect(text).toContain('MB-C-DEMO-2');
    expect(text).toMatch(/\d+ h \d{2} min/);
    expect(text).toContain('Required');
    expect(text).toContain('Not yet acknowledged');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'yjs-inbox');

    // acknowledge from the keyboard: focus the button, press Enter
    const acknowledge = tyler.getByRole('button', { name: 'Acknowledge the custody notification for Tyler Reed' });
    await acknowledge.focus();
    await page.keyboard.press('Enter');
    await tyler.getByText('by Jo Bell (Hartlepool YJS)').waitFor();
    expect(await tyler.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0);
    expect(await tyler.textContent()).toContain('Acknowledged');
    // focus stays on the row, on its new acknowledgement; the result is announced
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('by Jo Bell (Hartlepool YJS)');
    await page.locator('#announcer', { hasText: 'Acknowledged: Tyler Reed, by Jo Bell (Hartlepool YJS)' }).waitFor({ state: 'attached' });
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'yjs-inbox-acknowledged');

    // a Hartlepool child arrives in custody while the page stays loaded
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    const posted = await postJson(`${hub.edges.police}/custody-entries`, {
      custodyRef: 'MB-C-YJS-BROWSER-1', suite: 'Middlesbrough', arrivedAt: new Date(Date.now() - 25 * 60_000).toISOString(), offence: 'Theft from a shop', appropriateAdultRequired: true,
      detainee: { personRef: 'CP-P-YJS-BROWSER-1', givenName: 'Mason', familyName: 'Clegg', dateOfBirth: '2010-09-14', sex: 'M', address: { line1: '3 Tee Street', postcode: 'TS24 9QR' } },
    });
    expect(posted.status).toBe(201);
    const mason = inbox.getByRole('row').filter({ hasText: 'Mason Clegg' });
    await mason.waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await mason.textContent()).toContain('Not yet acknowledged');
    expect(await mason.textContent()).toMatch(/0 h 2\d min/);
    // newest arrival first
    expect(await inbox.getByRole('row').nth(1).textContent()).toContain('Mason Clegg');
    await page.locator('#announcer', { hasText: 'New custody notification: Mason Clegg' }).waitFor({ state: 'attached' });
    expect(await mason.getByRole('button', { name: 'Acknowledge the custody notification for Mason Clegg' }).isVisible()).toBe(true);
    await screenshot(page, 'yjs-inbox-new-arrival');

    // only the acknowledged ones, by the filter
    await page.getByLabel('Show', { exact: true }).selectOption('acknowledged');
    await page.getByRole('button', { name: 'Show notifications' }).click();
    await mason.waitFor({ state: 'detached' });
    expect(await tyler.isVisible()).toBe(true);
    expect(page.url()).toContain('#/yjs?status=acknowledged');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('stops asking when the officer leaves the page', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'yjs-hartlepool');
    await page.getByRole('table', { name: /custody notifications/ }).getByRole('row').filter({ hasText: 'Tyler Reed' }).waitFor({ timeout: 60_000 });
    const calls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/agencies/youth-justice/notifications')) calls.push(request.url());
    });
    // away to a page that is not there; the inbox's timer must not go on
    await page.evaluate(() => (location.hash = '#/nowhere'));
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.waitForTimeout(11_000);
    expect(calls).toEqual([]);
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('fits a tablet held upright: nothing wider than the screen but the inbox table, which scrolls on its own', async () => {
    const { context, page } = await newPage(browser, 'tablet');
    await signIn(page, hub, 'yjs-hartlepool');
    await page.getByRole('table', { name: /custody notifications/ }).getByRole('row').filter({ hasText: 'Tyler Reed' }).waitFor({ timeout: 60_000 });
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'yjs-inbox-tablet');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });
});
