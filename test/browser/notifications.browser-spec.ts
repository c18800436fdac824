import { Browser } from 'playwright-core';
import { accessibilityViolations, BrowserHub, launchChromium, newPage, pageOverflow, screenshot, scriptErrors, signIn, startBrowserHub } from '../support/browser-hub';

/**
 * Notifications as their recipients read them: a school's safeguarding lead told of a child
 * at a domestic abuse incident (Operation Encompass) and a MARAC member told of a joint visit.
 */
describe('web app: notifications for schools and MARAC members', () => {
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

  it('tells Seaview Primary’s safeguarding lead of Leo Price, not his sister, and takes the acknowledgement', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'school-dsl');
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    expect(await page.getByText('Purpose:').textContent()).toContain('safeguarding.school-notification');
    const encompass = page.getByRole('listitem').filter({ hasText: 'Operation Encompass' });
    await encompass.waitFor();
    const text = await encompass.textContent();
    expect(text).toContain('Leo');
    expect(text).not.toContain('Mia');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'notifications-school');

    await encompass.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText(/Acknowledged by Terry Lane/).waitFor();
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('shows the police MARAC member Katie Rowe’s joint visit, on a tablet too', async () => {
    const { context, page } = await newPage(browser, 'tablet');
    await signIn(page, hub, 'marac-member-police', '/notifications');
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    // Sarah Wilson, another repeat victim in the demo, has a joint visit too; their order is
    // the order consolidation received them, so pick Katie's by name rather than position.
    const visit = page.getByRole('listitem').filter({ hasText: 'Joint visit' }).filter({ hasText: 'Katie' });
    await visit.waitFor();
    expect(await visit.textContent()).toContain('Rowe');
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'notifications-marac-member-tablet');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });
});
