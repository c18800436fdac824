import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Locator } from 'playwright-core';
import { accessibilityViolations, BrowserHub, launchChromium, newPage, pageOverflow, screenshot, scriptErrors, signIn, startBrowserHub } from '../support/browser-hub';
import { query } from '../support/postgres';

const BULK_ROWS = 400;
const BAD_ROWS = new Map([
  [23, 'location.postcode'],
  [211, 'propertyType'],
  [388, 'appliancesAttending'],
]);
const BULK_YEAR = 2024;

/** A wall-clock time in the past for a datetime-local input: `YYYY-MM-DDTHH:mm`. */
const pastLocalTime = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString().slice(0, 16);

/** Several hundred deliberate fires of one year as a partner system would export them, three of them spoiled. */
function firesCsv(): string {
  const header = 'incidentRef,occurredAt,location.ward,location.postcode,location.site,propertyType,appliancesAttending,casualties,rescues,derelict,suspectedArson';
  const lines = [header];
  for (let i = 1; i <= BULK_ROWS; i++) {
    const row = {
      ref: `CFB-IRS-BULK-${String(i).padStart(4, '0')}`,
      at: new Date(Date.UTC(BULK_YEAR, 0, 1) + i * 18 * 3_600_000).toISOString().replace('.000Z', 'Z'),
      ward: 'Victoria',
      postcode: BAD_ROWS.get(i) === 'location.postcode' ? 'TS24' : 'TS24 7AA',
      site: `"Bin store, block ${i}"`,
      type: BAD_ROWS.get(i) === 'propertyType' ? 'shed' : i % 2 ? 'refuse' : 'grassland',
      appliances: BAD_ROWS.get(i) === 'appliancesAttending' ? 'two' : '1',
    };
    lines.push([row.ref, row.at, row.ward, row.postcode, row.site, row.type, row.appliances, '0', '0', 'false', 'true'].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Fills the generated deliberate fire form by its labels, as an officer would. */
async function fillFire(form: Locator, incidentRef: string, postcode: string): Promise<void> {
  await form.getByLabel('Incident reference').fill(incidentRef);
  await form.getByLabel('Occurred at').fill(pastLocalTime(26));
  const location = form.getByRole('group', { name: /^Location/ });
  await location.getByLabel('Ward').fill('Headland and Harbour');
  await location.getByLabel('Postcode').fill(postcode);
  await location.getByLabel('Site').fill('Rear of the old Co-op, Northgate');
  await form.getByLabel('Property type').selectOption('refuse');
  await form.getByLabel('Appliances attending').fill('1');
  await form.getByLabel('Casualties').fill('0');
  await form.getByLabel('Rescues').fill('0');
  await form.getByLabel('Suspected arson').check();
}

/** The text of the elements a control's aria-describedby names: its error message and hint. */
const description = (control: Locator) =>
  control.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' | '));

/**
 * The agency officer's path in the web app: a record sent through a form the page builds from
 * the kind's schema (a refusal shown beside the field, nothing entered lost), and a bulk
 * import of a CSV with its progress, counts and rejected rows; the records reach the hub's
 * analytics through the edge and Kafka. Debian's chromium, the hub on real Kafka and PostgreSQL.
 */
describe('web app: the agency officer submits records and imports a file', () => {
  let hub: BrowserHub;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    hub = await startBrowserHub();
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), 'agency-officer-'));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sends a deliberate fire through the generated form, and shows a refused field beside it with everything entered kept', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'fire-officer');
    await page.getByRole('heading', { name: 'Submit a record', level: 1 }).waitFor();
    expect(await page.title()).toBe('Submit a record – safer-hub');
    expect(await page.getByRole('link', { name: 'Submit a record' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByLabel('Record kind').inputValue()).toBe('deliberate-fire');
    const form = page.getByRole('form', { name: 'New deliberate fire' });
    await form.waitFor();
    // required fields say so; nested objects are fieldsets; enums are selects; booleans checkboxes
    expect(await form.getByLabel('Incident reference').getAttribute('required')).toBe('');
    expect(await form.locator('label', { hasText: 'Incident reference' }).textContent()).toContain('(required)');
    expect(await form.getByRole('group', { name: /^Location/ }).count()).toBe(1);
    expect(await form.getByLabel('Occurred at').getAttribute('type')).toBe('datetime-local');
    expect(await form.getByLabel('Category').evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await form.getByLabel('Derelict', { exact: true }).getAttribute('type')).toBe('checkbox');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'agency-record-form');

    await fillFire(form, 'CFB-IRS-BROWSER-1', 'TS24 0AA');
    await form.getByRole('button', { name: 'Send the deliberate fire' }).click();
    const recorded = page.getByRole('status').filter({ hasText: 'Deliberate fire recorded' });
    await recorded.waitFor();
    expect(await recorded.textContent()).toContain('CFB-IRS-BROWSER-1');
    expect(await recorded.textContent()).toMatch(/Event id[0-9a-f]{8}-[0-9a-f-]{27}/);
    // focus goes to the notice; the form is fresh for the next one
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Deliberate fire recorded');
    expect(await form.getByLabel('Incident reference').inputValue()).toBe('');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'agency-record-sent');

    // a postcode the edge refuses: said at the top and beside the field, nothing entered lost
    await fillFire(form, 'CFB-IRS-BROWSER-2', 'TS24');
    await form.getByRole('button', { name: 'Send the deliberate fire' }).click();
    const problem = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await problem.waitFor();
    expect(await problem.textContent()).toContain('location.postcode');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    const postcode = form.getByRole('group', { name: /^Location/ }).getByLabel('Postcode');
    expect(await postcode.getAttribute('aria-invalid')).toBe('true');
    expect(await description(postcode)).toContain('Error: must be a full UK postcode');
    expect(await postcode.inputValue()).toBe('TS24');
    expect(await form.getByLabel('Incident reference').inputValue()).toBe('CFB-IRS-BROWSER-2');
    expect(await form.getByRole('group', { name: /^Location/ }).getByLabel('Site').inputValue()).toBe('Rear of the old Co-op, Northgate');
    expect(await form.getByLabel('Property type').inputValue()).toBe('refuse');
    expect(await form.getByLabel('Suspected arson').isChecked()).toBe(true);
    expect(await form.getByLabel('Incident reference').getAttribute('aria-invalid')).toBeNull();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'agency-record-error');

    // corrected, it goes in; the message beside the field is gone
    await postcode.fill('TS24 0AA');
    await form.getByRole('button', { name: 'Send the deliberate fire' }).click();
    await page.getByRole('status').filter({ hasText: 'CFB-IRS-BROWSER-2' }).waitFor();
    expect(await problem.count()).toBe(0);
    const stored = await query<{ ref: string }>(hub.databaseUrl, `SELECT ref FROM fire.records WHERE kind = 'deliberate-fire' AND ref LIKE 'CFB-IRS-BROWSER-%' ORDER BY ref`);
    expect(stored.map((r) => r.ref)).toEqual(['CFB-IRS-BROWSER-1', 'CFB-IRS-BROWSER-2']);

    // the kind select builds another kind's form: a person fieldset, a list split on commas
    await page.getByLabel('Record kind').selectOption('fire-setter-referral');
    const referral = page.getByRole('form', { name: 'New fire-setter referral' });
    await referral.waitFor();
    expect(await referral.getByRole('group', { name: /^Person/ }).getByLabel('Date of birth').getAttribute('type')).toBe('date');
    expect(await description(referral.getByLabel('Related incident references'))).toContain('Separate several with commas');
    expect(page.url()).toContain('#/records?kind=fire-setter-referral');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('imports a CSV of several hundred fires: the progress bar fills, then the counts and the rejected rows; the fires reach the hub', async () => {
    const analyst = { Authorization: `Bearer ${await hub.token('analyst')}`, 'X-Purpose': 'analytics.depersonalised' };
    const fireTotal = async () => {
      const res = await fetch(`${hub.base}/api/analytics/indicators/deliberate-fires?from=${BULK_YEAR}&to=${BULK_YEAR}`, { headers: analyst });
      expect(res.status).toBe(200);
      const table = (await res.json()) as { rows: { key: string; cells: (number | string | null)[] }[] };
      return Number(table.rows.find((r) => r.key === 'total')!.cells[0]);
    };
    const before = await fireTotal();

    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'fire-officer');
    await page.getByRole('link', { name: 'Bulk import' }).click();
    await page.getByRole('heading', { name: 'Bulk import', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Bulk import' }).getAttribute('aria-current')).toBe('page');
    await page.getByText('The columns of a deliberate fire file').click();
    expect(await page.locator('.import-help code').textContent()).toContain('incidentRef,occurredAt,location.ward,location.postcode');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'agency-import');

    // starting with no file says so beside the file field
    await page.getByRole('button', { name: 'Start the import' }).click();
    const fileInput = page.getByLabel('File', { exact: true });
    expect(await fileInput.getAttribute('aria-invalid')).toBe('true');
    expect(await description(fileInput)).toContain('Choose the file to import');

    const file = join(dir, 'deliberate-fires.csv');
    await writeFile(file, firesCsv());
    const size = (await stat(file)).size;
    await fileInput.setInputFiles(file);
    // every text the status region is given as the import runs (each change, even several in one task)
    await page.evaluate(() => {
      const status = document.querySelector('.import-status')!;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach((n) => seen.push(n.textContent ?? '')))).observe(status, { childList: true });
    });
    await page.getByRole('button', { name: 'Start the import' }).click();
    await page.getByRole('heading', { name: 'Import finished', level: 2 }).waitFor({ timeout: 120_000 });

    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen[0]).toBe(`Sending deliberate-fires.csv (${Math.ceil(size / 1024)} KB) to the hub…`);
    const done = seen.map((text) => text.match(/^(\d+)% done: (\d+) of (\d+) rows\./)).filter((m) => m !== null).map((m) => [Number(m![1]), Number(m![2]), Number(m![3])]);
    // from nothing, through part of the file, to all of it
    expect(done[0]).toEqual([0, 0, BULK_ROWS]);
    expect(done.some(([percent, rows]) => percent > 0 && percent < 100 && rows > 0 && rows < BULK_ROWS)).toBe(true);
    expect(done.at(-1)).toEqual([100, BULK_ROWS, BULK_ROWS]);
    expect(seen.at(-1)).toMatch(/^Import finished/);
    const bar = page.getByRole('progressbar', { name: 'How much of the file is done' });
    expect(await bar.evaluate((b) => [(b as HTMLProgressElement).value, (b as HTMLProgressElement).max])).toEqual([BULK_ROWS, BULK_ROWS]);
    const created = BULK_ROWS - BAD_ROWS.size;
    expect(await page.locator('.import-status').textContent()).toBe(`Import finished. ${BULK_ROWS} rows: ${created} created, 0 duplicates, ${BAD_ROWS.size} rejected.`);
    expect(await page.getByRole('status').filter({ hasText: 'Import finished' }).count()).toBe(1);

    const counts = page.locator('.cards');
    expect(await counts.textContent()).toContain(`${created}created`);
    expect(await counts.textContent()).toContain(`${BAD_ROWS.size}rejected`);
    expect(await page.getByText('Re-running the same file adds nothing twice').count()).toBe(1);
    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    const rows = rejected.getByRole('row');
    expect(await rows.count()).toBe(1 + BAD_ROWS.size);
    for (const [row, field] of BAD_ROWS) {
      const cells = await rows.filter({ has: page.getByRole('cell', { name: String(row), exact: true }) }).getByRole('cell').allTextContents();
      expect(cells.slice(0, 3)).toEqual([String(row), String(row + 1), field]);
      expect(cells[3]).not.toBe('');
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'agency-import-finished');

    // in the edge's records, and through Kafka into the hub's analytics
    const stored = await query<{ n: string }>(hub.databaseUrl, `SELECT count(*) AS n FROM fire.records WHERE kind = 'deliberate-fire' AND ref LIKE 'CFB-IRS-BULK-%'`);
    expect(Number(stored[0].n)).toBe(created);
    const deadline = Date.now() + 90_000;
    let total = await fireTotal();
    while (total < before + created && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      total = await fireTotal();
    }
    expect(total).toBe(before + created);

    // the same file again adds nothing
    await page.getByRole('button', { name: 'Start the import' }).click();
    await page.locator('.import-status').filter({ hasText: `Import finished. ${BULK_ROWS} rows: 0 created, ${created} duplicates` }).waitFor({ timeout: 120_000 });
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('builds the police domestic incident form: DASH ticks as the chosen form has questions, children present added and removed, a child’s fault beside the child’s field', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'police-officer', '/records?kind=domestic-incident');
    const form = page.getByRole('form', { name: 'New domestic incident' });
    await form.waitFor();
    expect(await page.getByLabel('Record kind').inputValue()).toBe('domestic-incident');

    // DASH: the answers follow the form chosen beside them
    const dash = form.getByRole('group', { name: /^DASH/ });
    const answers = dash.getByRole('group', { name: /^Answers/ });
    expect(await answers.getByRole('checkbox').count()).toBe(0);
    await dash.getByLabel('Form').selectOption('police-27');
    expect(await answers.getByRole('checkbox').count()).toBe(27);
    for (const n of [1, 2, 5, 14]) await answers.getByLabel(`Question ${n}`, { exact: true }).check();
    await dash.getByLabel('Form').selectOption('safelives-24');
    expect(await answers.getByRole('checkbox').count()).toBe(24);
    await dash.getByLabel('Form').selectOption('police-27');
    expect(await answers.getByLabel('Question 14', { exact: true }).isChecked()).toBe(true);

    await form.getByLabel('Incident reference').fill('CP-DA-BROWSER-1');
    await form.getByLabel('Occurred at').fill(pastLocalTime(5));
    await form.getByRole('group', { name: /^Location/ }).getByLabel('Postcode').fill('TS24 7AA');
    const victim = form.getByRole('group', { name: /^Victim/ });
    await victim.getByLabel('Person reference').first().fill('CP-P-BROWSER-1');
    await victim.getByLabel('Given name').first().fill('Erin');
    await victim.getByLabel('Family name').first().fill('Browserfield');
    await victim.getByLabel('Date of birth').first().fill('1991-04-12');

    // children present: none to start; added, the first removed, the second renumbered with what it holds
    const children = form.getByRole('group', { name: /^Children present/ });
    expect(await children.getByRole('group').count()).toBe(0);
    await children.getByRole('button', { name: 'Add a child present' }).click();
    const first = children.getByRole('group', { name: 'Child present 1', exact: true });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('childrenPresent.0.personRef');
    await first.getByLabel('Person reference').first().fill('CP-P-BROWSER-X');
    await children.getByRole('button', { name: 'Add another child present' }).click();
    const second = children.getByRole('group', { name: 'Child present 2', exact: true });
    await second.getByLabel('Person reference').first().fill('CP-P-BROWSER-2');
    await second.getByLabel('Family name').first().fill('Browserfield');
    await children.getByRole('button', { name: 'Remove child present 1' }).click();
    expect(await children.getByRole('group', { name: /^Child present \d$/ }).count()).toBe(1);
    expect(await first.getByLabel('Person reference').first().inputValue()).toBe('CP-P-BROWSER-2');
    expect(await first.getByLabel('Person reference').first().getAttribute('name')).toBe('childrenPresent.0.personRef');

    // the child's given name is missing: the fault names childrenPresent.0.givenName and sits beside it
    await form.getByRole('button', { name: 'Send the domestic incident' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    const givenName = first.getByLabel('Given name').first();
    expect(await givenName.getAttribute('aria-invalid')).toBe('true');
    expect(await description(givenName)).toMatch(/^Error: /);
    expect(await dash.getByLabel('Form').inputValue()).toBe('police-27');
    expect(await answers.getByLabel('Question 5', { exact: true }).isChecked()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'agency-record-police-error');

    await givenName.fill('Robin');
    await form.getByRole('button', { name: 'Send the domestic incident' }).click();
    await page.getByRole('status').filter({ hasText: 'Domestic incident recorded' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'CP-DA-BROWSER-1' }).count()).toBe(1);
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('fits a tablet held upright: the form and the import page scroll down, never sideways', async () => {
    const { context, page } = await newPage(browser, 'tablet');
    await signIn(page, hub, 'fire-officer');
    await page.getByRole('form', { name: 'New deliberate fire' }).waitFor();
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'agency-record-form-tablet');
    await page.getByRole('link', { name: 'Bulk import' }).click();
    await page.getByRole('heading', { name: 'Bulk import', level: 1 }).waitFor();
    await page.getByText('The columns of a deliberate fire file').click();
    expect(await pageOverflow(page)).toBe(0);
    await screenshot(page, 'agency-import-tablet');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });
});
