import { Browser, Locator, Page } from 'playwright-core';
import { accessibilityViolations, BrowserHub, launchChromium, newPage, pageOverflow, screenshot, scriptErrors, signIn, startBrowserHub } from '../support/browser-hub';

/**
 * The identity review queue in the web app: the MARAC coordinator compares the two records
 * of the demo's possible match (Katie Rowe to the police, "Kate" Rowe to her landlord),
 * confirms it with a reason, and sees it leave the queue and show as confirmed once
 * consolidation has linked them. In Debian's chromium, on the hub on real Kafka and PostgreSQL.
 */
describe('web app: the identity review queue', () => {
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

  /** The page shows the queue as it was when it opened: ask again (Show matches) until the item is there. */
  async function untilShown(page: Page, item: Locator, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await item.isVisible())) {
      if (Date.now() > deadline) throw new Error(`not shown within ${timeoutMs} ms`);
      await page.waitForTimeout(1_000);
      await page.getByRole('button', { name: 'Show matches' }).click();
      await page.getByRole('heading', { name: 'Identity review', level: 1 }).waitFor();
    }
  }

  it('compares Katie Rowe’s two records, confirms the match with a reason, and sees it leave the queue', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'marac-coordinator');
    await page.getByRole('link', { name: 'Identity reviews' }).click();
    await page.getByRole('heading', { name: 'Identity review', level: 1 }).waitFor();
    expect(await page.title()).toBe('Identity review – safer-hub');
    expect(await page.getByRole('link', { name: 'Identity reviews' }).getAttribute('aria-current')).toBe('page');

    const katie = page.getByRole('region', { name: /^Kat(e|ie) Rowe and Kat(e|ie) Rowe$/ });
    await untilShown(page, katie);
    // the evidence: why the hub thinks so, and the two records side by side
    expect(await katie.getByRole('list').first().textContent()).not.toBe('');
    const compare = katie.getByRole('table', { name: /The two records compared/ });
    const row = (label: string) => compare.getByRole('row').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) });
    expect(await compare.getByRole('columnheader').allTextContents()).toEqual(['Detail', expect.stringMatching(/record$/), expect.stringMatching(/record$/), 'Match']);
    expect(await compare.textContent()).toContain('Cleveland Police record');
    expect(await compare.textContent()).toContain('Thirteen (housing) record');
    expect(await row('Given name').textContent()).toMatch(/Kat(e|ie).*Kat(e|ie).*Differs/);
    expect(await row('Family name').textContent()).toMatch(/Rowe.*Rowe.*Same/);
    expect(await row('Date of birth').textContent()).toMatch(/9 Mar 1991.*9 Mar 1991.*Same/);
    expect(await row('Postcode').textContent()).toMatch(/TS24 8BB|TS26 9ZZ/);
    expect(await row('Agency reference').textContent()).toMatch(/CP-P-3010|TG-P-4010/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'identity-review');

    // a decision needs a choice and a reason: said in an error summary, focused, and at the field
    await katie.getByRole('button', { name: /^Record decision on / }).click();
    const problem = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await problem.waitFor();
    expect(await problem.textContent()).toContain('reason');
    expect(await problem.textContent()).toContain('decision');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await katie.getByLabel('Reason for your decision').getAttribute('aria-invalid')).toBe('true');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'identity-review-error');

    // by keyboard: the first choice, the reason, and Enter on the button
    await katie.getByRole('radio', { name: 'Yes, the same person: link the records' }).focus();
    await page.keyboard.press('Space');
    expect(await katie.getByRole('radio', { name: 'Yes, the same person: link the records' }).isChecked()).toBe(true);
    await katie.getByLabel('Reason for your decision').fill('Same date of birth and surname; Thirteen confirm Kate is Katie Rowe, moved to TS26 in the last month');
    await katie.getByRole('button', { name: /^Record decision on / }).focus();
    await page.keyboard.press('Enter');

    // gone from the queue at once; the result said, announced, and focused
    await katie.waitFor({ state: 'detached' });
    const done = page.getByRole('status').filter({ hasText: /^Confirmed: / });
    await done.waitFor();
    expect(await done.textContent()).toMatch(/Kat(e|ie) Rowe .* are the same person/);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Confirmed: /);
    await page.locator('#announcer', { hasText: /^Confirmed: / }).waitFor({ state: 'attached' });
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'identity-review-confirmed');

    // once consolidation has applied it, the pending queue no longer has it and the confirmed list does
    await page.getByLabel('Show', { exact: true }).selectOption('confirmed');
    await page.getByRole('button', { name: 'Show matches' }).click();
    await page.waitForFunction(() => location.hash === '#/identity?status=confirmed');
    const confirmed = page.getByRole('region', { name: /^Kat(e|ie) Rowe and Kat(e|ie) Rowe$/ });
    await untilShown(page, confirmed);
    expect(await confirmed.textContent()).toContain('Confirmed: linked');
    expect(await confirmed.textContent()).toContain('Decided by marac-coordinator');
    expect(await confirmed.getByRole('button').count()).toBe(0);
    await page.getByLabel('Show', { exact: true }).selectOption('pending');
    await page.getByRole('button', { name: 'Show matches' }).click();
    await page.waitForFunction(() => location.hash === '#/identity');
    await page.getByRole('heading', { name: 'Identity review', level: 1 }).waitFor();
    expect(await page.getByRole('region', { name: /^Kat(e|ie) Rowe and Kat(e|ie) Rowe$/ }).count()).toBe(0);
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('fits a tablet held upright: nothing wider than the screen', async () => {
    const { context, page } = await newPage(browser, 'tablet');
    await signIn(page, hub, 'admin', '/identity?status=confirmed');
    await page.getByRole('heading', { name: 'Identity review', level: 1 }).waitFor();
    await untilShown(page, page.getByRole('region').filter({ has: page.getByRole('table', { name: /The two records compared/ }) }).first());
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'identity-review-tablet');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });
});
