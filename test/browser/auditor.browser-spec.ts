import { readFileSync } from 'node:fs';
import { Browser } from 'playwright-core';
import { accessibilityViolations, BrowserHub, launchChromium, newPage, pageOverflow, screenshot, scriptErrors, signIn, startBrowserHub } from '../support/browser-hub';
import { query } from '../support/postgres';

/**
 * The auditor's path in the web app: after the custody navigator has looked at the board
 * (which shows Tyler Reed), the auditor finds who read about Tyler, checks that the audit
 * chain holds, and downloads Tyler's subject access export as JSON (with a summary on the
 * page) and as a PDF. In Debian's chromium, on the hub on real Kafka and PostgreSQL.
 */
describe('web app: the auditor’s audit search and subject access export', () => {
  let hub: BrowserHub;
  let browser: Browser;
  let tylerSubject: string;

  beforeAll(async () => {
    hub = await startBrowserHub();
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('the custody navigator reads the board: Tyler Reed’s details are disclosed, and logged', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'custody-navigator');
    await page.getByRole('table', { name: /Children in custody now/ }).getByRole('row').filter({ hasText: 'Tyler Reed' }).waitFor({ timeout: 60_000 });
    await context.close();
    // the hub's id for Tyler, as an auditor would have it from the request in hand
    const [row] = await query<{ subject_id: string }>(hub.databaseUrl, `SELECT subject_id FROM consolidation.persons WHERE agency = 'police' AND person_ref = 'CP-P-3030'`);
    tylerSubject = row.subject_id;
    expect(tylerSubject).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('finds who read about Tyler Reed, by subject and by user, and verifies the chain', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'auditor');
    // the audit log is an auditor's home page
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    expect(await page.title()).toBe('Audit log – safer-hub');
    expect(await page.getByRole('link', { name: 'Audit', exact: true }).getAttribute('aria-current')).toBe('page');
    // the latest entries show as the page opens
    await page.getByRole('table', { name: 'Audit entries' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'auditor-audit-log');

    // a subject id that is not one: said at the field and in the summary, nothing asked of the hub
    await page.getByLabel('Subject id').fill('tyler');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const problem = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await problem.waitFor();
    expect(await problem.textContent()).toContain('subjectId');
    expect(await page.getByLabel('Subject id').getAttribute('aria-invalid')).toBe('true');
    expect(await accessibilityViolations(page)).toEqual([]);

    // Tyler's subject id, by keyboard: Enter in the field submits the search
    await page.getByLabel('Subject id').fill(tylerSubject);
    await page.getByLabel('Subject id').press('Enter');
    const entries = page.getByRole('table', { name: 'Audit entries' });
    await page.getByText(new RegExp(`newest first, for subject ${tylerSubject}`)).waitFor();
    expect(await problem.count()).toBe(0);
    expect(await page.getByLabel('Subject id').getAttribute('aria-invalid')).toBe('false');
    const board = entries.getByRole('row').filter({ hasText: 'custody.board' }).first();
    await board.waitFor();
    expect(await board.textContent()).toContain('Alex Reed (custody navigator)');
    expect(await board.textContent()).toContain('custody.yjs-notification');
    expect(await board.textContent()).toContain(tylerSubject);
    // every row is about Tyler
    const subjects = await entries.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    expect(subjects.length).toBeGreaterThan(0);
    for (const text of subjects) expect(text).toContain(tylerSubject);
    expect(page.url()).toContain(`#/audit?subjectId=${tylerSubject}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'auditor-search-subject');

    // by user: the navigator's reads, and only theirs
    await page.getByLabel('Subject id').fill('');
    await page.getByLabel('User').fill('custody-navigator');
    const today = await page.evaluate(() => new Date().toLocaleDateString('en-CA'));
    await page.getByLabel('From').fill(today);
    await page.getByLabel('To').fill(today);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText(/newest first, for user custody-navigator/).waitFor();
    const actors = await entries.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.children[2]?.textContent ?? ''));
    expect(actors.length).toBeGreaterThan(0);
    for (const text of actors) expect(text).toContain('Alex Reed (custody navigator)');

    // the chain holds
    await page.getByRole('button', { name: 'Verify the audit chain' }).click();
    const intact = page.getByText('The audit chain is intact.');
    await intact.waitFor();
    expect(await page.locator('.notice.success').textContent()).toMatch(/[\d,]+ entries checked/);
    await page.locator('#announcer', { hasText: /The audit chain is intact/ }).waitFor({ state: 'attached' });
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'auditor-chain-verified');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('downloads Tyler Reed’s subject access export as JSON, with a summary, and as a PDF', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'auditor', `/audit?subjectId=${tylerSubject}`);
    await page.getByText(new RegExp(`newest first, for subject ${tylerSubject}`)).waitFor();
    // from the search, on to the export for the same subject
    await page.getByRole('link', { name: 'Prepare the subject access export for this subject' }).click();
    await page.getByRole('heading', { name: 'Subject access export', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Subject access', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByLabel('Subject id').inputValue()).toBe(tylerSubject);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'auditor-access-export');

    // JSON: the file, and a summary of it on the page
    await page.getByRole('radio', { name: 'JSON' }).check();
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the export' }).click()]);
    expect(json.suggestedFilename()).toBe(`subject-access-${tylerSubject}.json`);
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    expect(exported.subjectId).toBe(tylerSubject);
    expect(exported.persons.map((p: { person: { givenName: string } }) => p.person.givenName)).toContain('Tyler');
    const summary = page.getByRole('region', { name: /^Export for .*Tyler Reed/ });
    await summary.waitFor();
    expect(await summary.textContent()).toContain(`Downloaded subject-access-${tylerSubject}.json`);
    const persons = summary.getByRole('table', { name: 'The person as each agency records them' });
    expect(await persons.getByRole('row').filter({ hasText: 'CP-P-3030' }).textContent()).toContain('Tyler');
    const disclosures = summary.getByRole('table', { name: /^Disclosures/ });
    expect(await disclosures.getByRole('row').filter({ hasText: 'Alex Reed (custody navigator)' }).count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.activeElement?.tagName + ':' + document.activeElement?.textContent)).toMatch(/^H2:Export for/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'auditor-access-export-json');

    // PDF, by keyboard: the first format, Enter on the button
    await page.getByRole('radio', { name: 'PDF' }).check();
    await page.getByRole('button', { name: 'Download the export' }).focus();
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(pdf.suggestedFilename()).toBe(`subject-access-${tylerSubject}.pdf`);
    expect(readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    await page.getByText(`Downloaded subject-access-${tylerSubject}.pdf`).waitFor();

    // making the export was logged against Tyler
    const [made] = await query<{ n: string }>(hub.databaseUrl, `SELECT count(*) AS n FROM hub.audit_log WHERE subject_id = $1 AND action LIKE 'subjects.access-export.%' AND actor = 'auditor'`, [tylerSubject]);
    expect(Number(made.n)).toBe(2);
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('fits a tablet held upright: nothing wider than the screen but the results table, which scrolls on its own', async () => {
    const { context, page } = await newPage(browser, 'tablet');
    await signIn(page, hub, 'auditor', `/audit?subjectId=${tylerSubject}`);
    await page.getByRole('table', { name: 'Audit entries' }).getByRole('row').nth(1).waitFor();
    await page.getByRole('button', { name: 'Verify the audit chain' }).click();
    await page.getByText('The audit chain is intact.').waitFor();
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'auditor-tablet');
    await page.getByRole('link', { name: 'Subject access', exact: true }).click();
    await page.getByRole('heading', { name: 'Subject access export', level: 1 }).waitFor();
    await page.getByLabel('Subject id').fill(tylerSubject);
    await page.getByRole('radio', { name: 'JSON' }).check();
    await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the export' }).click()]);
    await page.getByRole('region', { name: /^Export for .*Tyler Reed/ }).waitFor();
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'auditor-access-export-tablet');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });
});
