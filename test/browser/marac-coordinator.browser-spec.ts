import { readFileSync } from 'node:fs';
import { Browser } from 'playwright-core';
import { accessibilityViolations, BrowserHub, launchChromium, newPage, pageOverflow, screenshot, scriptErrors, signIn, startBrowserHub } from '../support/browser-hub';
import { getJson, postJson } from '../support/fixtures';

const VICTIM = { personRef: 'CP-P-BROWSER-M1', givenName: 'Nadia', familyName: 'Fenwick', dateOfBirth: '1992-07-19', sex: 'F', address: { line1: '31 Browser Road', postcode: 'TS24 9QT' } };
const PERPETRATOR = { personRef: 'CP-P-BROWSER-M2', givenName: 'Craig', familyName: 'Fenwick', dateOfBirth: '1990-01-05', sex: 'M', address: { line1: '31 Browser Road', postcode: 'TS24 9QT' } };
const INCIDENT = 'CP-DA-BROWSER-M1';

/**
 * The MARAC coordinator's main path in the web app: a high-risk domestic incident reaches
 * the hub from the police edge, the referral it raised waits in the queue, the coordinator
 * screens it (a reason-less rejection is refused, field by field), lists it at the north
 * group's meeting, finds it on the agenda, reads the case pack and downloads its PDF. In
 * Debian's chromium, on the hub on real Kafka and PostgreSQL.
 */
describe('web app: the MARAC coordinator screens a referral to a meeting and reads its case pack', () => {
  let hub: BrowserHub;
  let browser: Browser;

  beforeAll(async () => {
    hub = await startBrowserHub();
    browser = await launchChromium();
    // a partner system's record: 16 of 27 DASH questions ticked, so visible high risk
    const posted = await postJson(`${hub.edges.police}/domestic-incidents`, {
      incidentRef: INCIDENT, occurredAt: new Date(Date.now() - 86_400_000).toISOString(), location: { ward: 'Victoria', postcode: VICTIM.address.postcode },
      victim: VICTIM, perpetrator: PERPETRATOR, childrenPresent: [], dash: { form: 'police-27', answers: Array.from({ length: 27 }, (_, i) => i < 16) },
    });
    expect(posted.status).toBe(201);
    // consolidation raises the referral off Kafka: wait for it before the user looks
    const headers = { Authorization: `Bearer ${await hub.token('marac-coordinator')}`, 'X-Purpose': 'marac.risk-management' };
    const deadline = Date.now() + 90_000;
    for (;;) {
      const list = (await getJson(`${hub.base}/api/marac/referrals`, headers)).body as { triggerIncidentRef?: string }[];
      if (Array.isArray(list) && list.some((r) => r.triggerIncidentRef === INCIDENT)) break;
      if (Date.now() > deadline) throw new Error(`no referral raised for ${INCIDENT}; see ${hub.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('opens the queue, screens the referral to a meeting, sees it on the agenda, and downloads the case pack PDF', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'marac-coordinator');

    // 1. the queue is the coordinator's home: new referrals, the criterion in words
    await page.getByRole('heading', { name: 'MARAC referrals', level: 1 }).waitFor();
    expect(await page.title()).toBe('MARAC referrals – safer-hub');
    expect(await page.getByRole('link', { name: 'MARAC referrals' }).getAttribute('aria-current')).toBe('page');
    const queue = page.getByRole('table', { name: /^New referrals to screen/ });
    const row = queue.getByRole('row').filter({ hasText: 'Nadia Fenwick' });
    await row.waitFor();
    const rowText = await row.textContent();
    for (const seen of ['born 19 Jul 1992', 'TS24 9QT', 'Visible high risk', '14 or more of the DASH risk questions ticked', INCIDENT, 'New: to screen']) expect(rowText).toContain(seen);
    // the demo's Sarah Wilson: a further incident within 12 months of her last referral
    const sarah = queue.getByRole('row').filter({ hasText: 'CP-DA-DEMO-007' });
    expect(await sarah.textContent()).toMatch(/Sarah Wilson.*Repeat.*a further incident within 12 months/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-queue');

    // the status filter: every referral, whatever its status
    await page.getByLabel('Status').selectOption('all');
    await page.getByRole('button', { name: 'Show referrals' }).click();
    await page.getByRole('table', { name: /^All MARAC referrals/ }).waitFor();
    expect(page.url()).toContain('status=all');

    // 2. the referral
    await page.getByRole('table', { name: /^All MARAC referrals/ }).getByRole('link', { name: 'Nadia Fenwick' }).click();
    await page.getByRole('heading', { name: 'MARAC referral: Nadia Fenwick', level: 1 }).waitFor();
    await page.getByText(`Raised by the hub on Cleveland Police’s incident ${INCIDENT}`).waitFor();
    expect(await page.locator('.lead').textContent()).toBe('Visible high risk: 14 or more of the DASH risk questions ticked.');
    expect(await page.getByRole('heading', { name: 'Screen this referral' }).isVisible()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-referral');

    // 3. rejecting without a reason: the API's field error shows in the page, beside the field
    const reject = page.getByRole('form', { name: 'Reject the referral' });
    await reject.getByRole('button', { name: 'Reject the referral' }).click();
    const problem = reject.getByRole('alert');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('reason should not be empty');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
    const reason = reject.getByRole('textbox', { name: /^Reason for rejecting/ });
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await reject.locator('.field-error').textContent()).toBe('Error: reason should not be empty');
    expect(await page.getByRole('heading', { name: 'Screen this referral' }).isVisible()).toBe(true); // nothing was decided
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-referral-error');

    // 4. accept: listed at the north group's next meeting with time for research
    const accept = page.getByRole('form', { name: 'Accept and list at a meeting' });
    await accept.getByRole('textbox', { name: /^Note/ }).fill('16 ticks; the victim disclosed strangulation');
    await accept.getByRole('button', { name: 'Accept and list at a meeting' }).click();
    await page.getByRole('status').filter({ hasText: /^Accepted: Nadia Fenwick is listed at the North MARAC on / }).waitFor();
    expect(await page.getByRole('heading', { name: 'Screen this referral' }).count()).toBe(0);
    expect(await page.locator('.summary-list').first().textContent()).toContain('16 ticks; the victim disclosed strangulation');
    const research = page.getByRole('table', { name: 'Research requested from each agency' });
    const police = research.getByRole('row').filter({ hasText: 'Cleveland Police' });
    expect(await police.textContent()).toMatch(/Requested.*1 record pre-filled: domestic incident/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-referral-accepted');

    // the case pack, on the referral's page
    await page.getByRole('button', { name: 'Show the case pack' }).click();
    await page.getByRole('heading', { name: 'Victim, perpetrator and children', level: 3 }).waitFor();
    const pack = page.locator('.case-pack');
    for (const seen of ['OFFICIAL-SENSITIVE', 'Prepared for Morgan Hale (MARAC coordinator)', 'Nadia Fenwick, born 1992-07-19, TS24 9QT', 'Craig Fenwick', '16 of 27 DASH questions ticked']) {
      expect(await pack.textContent()).toContain(seen);
    }
    // nothing the agreement withholds from MARAC: the street address
    expect(await pack.textContent()).not.toContain('31 Browser Road');

    // 5. the agenda of that meeting
    await page.getByRole('link', { name: /^North MARAC on / }).click();
    await page.getByRole('heading', { name: /^Agenda: North MARAC, / , level: 1 }).waitFor();
    const agenda = page.getByRole('table', { name: /^Cases in priority order/ });
    const listed = agenda.getByRole('row').filter({ hasText: 'Nadia Fenwick' });
    await listed.waitFor();
    expect(await listed.textContent()).toMatch(/High.*Visible high risk.*No.*16/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-agenda');

    // 6. the case pack page from the agenda, and its PDF
    await listed.getByRole('link', { name: 'Case pack for Nadia Fenwick' }).click();
    await page.getByRole('heading', { name: 'MARAC case pack', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Victim, perpetrator and children', level: 2 }).waitFor();
    for (const section of ['Case', 'DASH score and history', 'Chronology across agencies', 'Previous MARACs', 'Risks', 'Agency research', 'Proposed actions']) {
      expect(await page.getByRole('heading', { name: section, level: 2, exact: true }).count()).toBe(1);
    }
    expect(await page.locator('.case-pack').textContent()).toContain('Craig Fenwick');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-case-pack');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the case pack (PDF)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^marac-case-pack-[0-9a-f-]{36}\.pdf$/);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.length).toBeGreaterThan(0);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // 7. the meetings: the north group's next meetings, one of them with the case
    await page.getByRole('link', { name: 'MARAC meetings' }).click();
    await page.getByRole('heading', { name: 'MARAC meetings', level: 1 }).waitFor();
    const north = page.getByRole('table', { name: 'Next meetings of the North MARAC' });
    expect(await north.getByRole('row').count()).toBe(7); // a header and six meetings
    expect(await north.textContent()).toMatch(/[1-9]\d* of 16/);
    expect(await page.getByRole('table', { name: 'Next meetings of the South MARAC' }).isVisible()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-meetings');

    // and the queue no longer holds it as new
    await page.getByRole('link', { name: 'MARAC referrals' }).click();
    await page.getByRole('table', { name: /^New referrals to screen/ }).waitFor();
    expect(await page.getByRole('table', { name: /^New referrals to screen/ }).textContent()).not.toContain('Nadia Fenwick');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  }, 180_000);

  it('merges a duplicate referral into another of the same victim', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'marac-coordinator');
    const queue = page.getByRole('table', { name: /^New referrals to screen/ });
    await queue.getByRole('row').filter({ hasText: 'CP-DA-DEMO-007' }).getByRole('link', { name: 'Sarah Wilson' }).click();
    await page.getByRole('heading', { name: 'MARAC referral: Sarah Wilson', level: 1 }).waitFor();
    expect(await page.getByRole('table', { name: /^Other MARAC referrals of this victim/ }).textContent()).toContain('CP-DA-DEMO-006');
    const merge = page.getByRole('form', { name: 'Merge into another referral' });
    expect(await merge.getByRole('combobox', { name: /^Merge into/ }).textContent()).toContain('Visible high risk');
    await merge.getByRole('textbox', { name: /^Reason for merging/ }).fill('Same victim and perpetrator: heard as one case');
    await merge.getByRole('button', { name: 'Merge the referral' }).click();
    await page.getByRole('status').filter({ hasText: /^Merged: this referral of Sarah Wilson/ }).waitFor();
    const summary = await page.locator('.summary-list').first().textContent();
    expect(summary).toContain('Merged');
    expect(summary).toContain('Same victim and perpetrator: heard as one case');
    expect(await page.locator('.summary-list').first().getByRole('link', { name: /^Visible high risk, received / }).isVisible()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-referral-merged');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('gives a MARAC member the meetings and agendas, not the coordinator’s queue', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'marac-member-housing');
    await page.getByRole('heading', { name: 'MARAC meetings', level: 1 }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'MARAC referrals' }).count()).toBe(0);
    await page.getByRole('table', { name: 'Next meetings of the North MARAC' }).getByRole('link').first().click();
    await page.getByRole('heading', { name: /^Agenda: North MARAC, /, level: 1 }).waitFor();
    await page.goto(`${hub.base}/app/#/marac/referrals`);
    await page.getByRole('heading', { name: 'You cannot open this page', level: 1 }).waitFor();
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('fits a tablet held upright: the queue page does not scroll sideways', async () => {
    const { context, page } = await newPage(browser, 'tablet');
    await signIn(page, hub, 'marac-coordinator');
    await page.getByRole('table', { name: /^New referrals to screen/ }).getByRole('row').filter({ hasText: 'Jane Doe' }).first().waitFor();
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'marac-queue-tablet');
    await context.close();
  });
});
