import { readFileSync } from 'node:fs';
import { Browser, Locator, Page } from 'playwright-core';
import { accessibilityViolations, BrowserHub, launchChromium, newPage, pageOverflow, screenshot, scriptErrors, signIn, startBrowserHub } from '../support/browser-hub';
import { postJson } from '../support/fixtures';

type Cell = number | string | null;
interface Table {
  columns: string[];
  rows: { key: string; label: string; level?: string; cells: Cell[] }[];
}

const PURPOSE = 'analytics.depersonalised';
/** the last two complete UK calendar years: the dashboard's default period */
const THIS_YEAR = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric' }).format(new Date()));
const [Y1, Y2] = [THIS_YEAR - 2, THIS_YEAR - 1];
const MAIN_WARDS: [string, string][] = [
  ['Victoria', 'TS24 7AA'],
  ['Seaton', 'TS25 1AB'],
  ['Burn Valley', 'TS26 9AD'],
];
const FIRE_MONTHS = [3, 6, 9];
const PER_WARD_MONTH = { primary: 4, secondary: 5 };

/**
 * Deliberate fires as the fire brigade's system would import them: in each of two years, in
 * March, June and September, 4 primary and 5 secondary fires in each of three wards (so each
 * ward and month has enough to show through disclosure control), and 3 fires in Hart one
 * January (too few: suppressed by ward and by month).
 */
function fires(): { records: Record<string, unknown>[]; added: Record<number, { primary: number; secondary: number }> } {
  const records: Record<string, unknown>[] = [];
  const added: Record<number, { primary: number; secondary: number }> = { [Y1]: { primary: 0, secondary: 0 }, [Y2]: { primary: 0, secondary: 0 } };
  const fire = (year: number, month: number, day: number, ward: string, postcode: string, category: 'primary' | 'secondary') => {
    const propertyType = category === 'primary' ? (records.length % 2 ? 'dwelling' : 'vehicle') : records.length % 2 ? 'grassland' : 'refuse';
    records.push({
      incidentRef: `BROWSER-ANALYST-IRS-${records.length + 1}`,
      occurredAt: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:${String(records.length % 60).padStart(2, '0')}:00Z`,
      location: { ward, postcode },
      propertyType,
      appliancesAttending: 1 + (records.length % 3),
      casualties: 0,
      rescues: 0,
      derelict: false,
      suspectedArson: records.length % 4 === 0,
    });
    added[year][category]++;
  };
  for (const year of [Y1, Y2]) {
    for (const month of FIRE_MONTHS) {
      for (const [ward, postcode] of MAIN_WARDS) {
        for (let i = 0; i < PER_WARD_MONTH.primary; i++) fire(year, month, 2 + i, ward, postcode, 'primary');
        for (let i = 0; i < PER_WARD_MONTH.secondary; i++) fire(year, month, 10 + i, ward, postcode, 'secondary');
      }
    }
  }
  fire(Y2, 1, 5, 'Hart', 'TS27 3AA', 'primary');
  fire(Y2, 1, 6, 'Hart', 'TS27 3AA', 'primary');
  fire(Y2, 1, 7, 'Hart', 'TS27 3AA', 'secondary');
  return { records, added };
}

/**
 * The analyst's screens: the indicator dashboard (deliberate fires by year, month and ward,
 * with charts and a CSV download) and feed subscriptions (a pull feed's items, a webhook's
 * secret shown once, cancelling), on the hub with every service, real Kafka and PostgreSQL.
 */
describe('web app: the analyst’s indicators and feed subscriptions', () => {
  let hub: BrowserHub;
  let browser: Browser;
  let token: string;
  const indicator = async (by: 'year' | 'ward' | 'month'): Promise<Table> => {
    const res = await fetch(`${hub.base}/api/analytics/indicators/deliberate-fires?area=hartlepool&from=${Y1}&to=${Y2}&by=${by}`, {
      headers: { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Table;
  };
  const cell = (t: Table, key: string, column: string) => t.rows.find((r) => r.key === key)!.cells[t.columns.indexOf(column)];

  beforeAll(async () => {
    hub = await startBrowserHub();
    browser = await launchChromium();
    token = await hub.token('analyst');
    const before = await indicator('year');
    const { records, added } = fires();
    const imported = await postJson(`${hub.edges.fire}/imports/deliberate-fire`, { rows: records.map((record, i) => ({ row: i + 1, record })) });
    expect(imported.status).toBe(200);
    expect(imported.body.results.filter((r: { status: string }) => r.status !== 'created')).toEqual([]);
    // over Kafka to consolidation's analytics facts: wait until the indicator counts them all
    const want = [Y1, Y2].flatMap((y) => [Number(cell(before, 'primary', String(y))) + added[y].primary, Number(cell(before, 'secondary', String(y))) + added[y].secondary]);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const now = await indicator('year');
      const got = [Y1, Y2].flatMap((y) => [cell(now, 'primary', String(y)), cell(now, 'secondary', String(y))]);
      if (JSON.stringify(got) === JSON.stringify(want)) break;
      if (Date.now() > deadline) throw new Error(`the fires did not reach the indicator: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  /** Chooses deliberate fires for Hartlepool, the two years, and a breakdown, and shows them. */
  async function showFires(page: Page, by: 'Year' | 'Ward' | 'Month'): Promise<Locator> {
    await page.getByLabel('Indicator', { exact: true }).selectOption('deliberate-fires');
    await page.getByLabel('Area', { exact: true }).selectOption('hartlepool');
    await page.getByLabel('From year').selectOption(String(Y1));
    await page.getByLabel('To year').selectOption(String(Y2));
    await page.getByRole('radio', { name: new RegExp(`^${by}`) }).check();
    await page.getByRole('button', { name: 'Show figures' }).click();
    const table = page.getByRole('table', { name: `Deliberate fires in Hartlepool, ${Y1} to ${Y2}, by ${by.toLowerCase()}` });
    await table.waitFor();
    return table;
  }

  const numericCells = (t: Table, columns: string[]) => t.rows.filter((r) => r.key !== 'total').flatMap((r) => columns.map((c) => r.cells[t.columns.indexOf(c)])).filter((c) => typeof c === 'number').length;
  const suppressedCells = (t: Table, columns: string[]) => t.rows.filter((r) => r.key !== 'total').flatMap((r) => columns.map((c) => r.cells[t.columns.indexOf(c)])).filter((c) => c === '[c]').length;
  const PARTS = ['Primary (F1)', 'Secondary (F3)'];

  it('shows deliberate fires by year, month and ward, with a chart of each, and downloads the CSV', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'analyst');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Indicators' }).click();
    await page.getByRole('heading', { name: 'Indicators', level: 1 }).waitFor();
    expect(await page.title()).toBe('Indicators – safer-hub');

    // by year: primary and secondary, as counted, and grouped bars of the two
    const yearly = await indicator('year');
    let table = await showFires(page, 'Year');
    for (const key of ['primary', 'secondary']) {
      const label = key === 'primary' ? 'Primary Fires (F1)' : 'Secondary Fires (F3)';
      const row = table.getByRole('row', { name: new RegExp(`^${label.replace(/[()]/g, '\\$&')}`) });
      const cells = await row.getByRole('cell').allTextContents();
      expect(cells.slice(0, 2)).toEqual([String(cell(yearly, key, String(Y1))), String(cell(yearly, key, String(Y2)))]);
    }
    expect(Number(cell(yearly, 'primary', String(Y1)))).toBeGreaterThanOrEqual(36);
    let chart = page.getByRole('img', { name: `Deliberate fires in Hartlepool, ${Y1} to ${Y2}: primary and secondary deliberate fires by year` });
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.locator('rect.bar').count()).toBe(4);
    expect(await chart.locator(`rect.bar[data-series="Primary Fires (F1)"][data-category="${Y2}"]`).getAttribute('data-value')).toBe(String(cell(yearly, 'primary', String(Y2))));
    const figure = page.locator('figure.chart');
    expect(await figure.locator('figcaption').textContent()).toContain('The figures are in the table below the chart');
    expect(await figure.locator('.chart-legend li').allTextContents()).toEqual(['Primary Fires (F1)', 'Secondary Fires (F3)']);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-dashboard-by-year');
    // another measure of the same table: the chart changes, the table stays
    await page.getByLabel('Measure in the chart').selectOption('total');
    chart = page.getByRole('img', { name: `Deliberate fires in Hartlepool, ${Y1} to ${Y2}: Total Deliberate Fires by year` });
    expect(await chart.locator('rect.bar').count()).toBe(2);
    expect(await chart.locator(`rect.bar[data-category="${Y1}"]`).getAttribute('data-value')).toBe(String(cell(yearly, 'total', String(Y1))));

    // by month, chosen with the keyboard: a time series, a point for each figure shown, gaps where suppressed
    const monthly = await indicator('month');
    await page.getByRole('radio', { name: /^Month/ }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Show figures' }).focus();
    await page.keyboard.press('Enter');
    table = page.getByRole('table', { name: `Deliberate fires in Hartlepool, ${Y1} to ${Y2}, by month` });
    await table.waitFor();
    expect(await table.getByRole('row').count()).toBe(1 + 24 + 1); // header, 24 months, total
    chart = page.getByRole('img', { name: `Deliberate fires in Hartlepool, ${Y1} to ${Y2}: Primary (F1) and Secondary (F3) by month` });
    expect(await page.locator('figure.chart').getAttribute('data-chart')).toBe('line');
    expect(await chart.locator('path.point').count()).toBe(numericCells(monthly, PARTS));
    expect(await chart.locator('path.point').count()).toBeGreaterThanOrEqual(2 * 6); // March, June, September of two years
    expect(suppressedCells(monthly, PARTS)).toBeGreaterThan(0); // Hart's January
    expect(await table.getByRole('row', { name: new RegExp(`^Jan ${Y2}`) }).getByRole('cell').first().textContent()).toBe('[c]suppressed');
    expect(await chart.locator('rect.gap-band').count()).toBe(monthly.rows.filter((r) => r.key !== 'total' && r.cells.slice(0, 2).includes('[c]')).length);
    expect(await page.locator('figure.chart .chart-note').textContent()).toContain('not drawn as zero');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-dashboard-by-month');

    // by ward: horizontal bars, Hart suppressed ([c], no bar)
    const byWard = await indicator('ward');
    table = await showFires(page, 'Ward');
    for (const [ward] of [...MAIN_WARDS, ['Hart']]) await table.getByRole('row', { name: new RegExp(`^${ward}`) }).waitFor();
    expect(await table.getByRole('row', { name: /^Hart/ }).getByRole('cell').allTextContents()).toEqual(['[c]suppressed', '[c]suppressed', '[c]suppressed']);
    chart = page.getByRole('img', { name: `Deliberate fires in Hartlepool, ${Y1} to ${Y2}: Primary (F1) and Secondary (F3) by ward` });
    expect(await chart.locator('rect.bar').count()).toBe(numericCells(byWard, PARTS));
    expect(await chart.locator('text.suppressed').count()).toBe(suppressedCells(byWard, PARTS));
    expect(await chart.locator('rect.bar[data-category="Hart"]').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-dashboard-by-ward');

    // the same table as CSV
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download these figures (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe(`deliberate-fires-hartlepool-${Y1}-${Y2}-by-ward.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n').filter(Boolean);
    expect(csv[0]).toBe('Ward,Primary (F1),Secondary (F3),Total');
    expect(csv.length).toBe(1 + byWard.rows.length);
    expect(csv).toContain('Hart,[c],[c],[c]');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('subscribes to fires, lists the feed’s latest items, shows a webhook secret once and cancels', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'analyst');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feed subscriptions' }).click();
    await page.getByRole('heading', { name: 'Feed subscriptions', level: 1 }).waitFor();
    await page.getByText('You have no subscriptions yet.').waitFor();

    // nothing chosen: the hub's field errors, in the summary and at each field
    await page.getByRole('button', { name: 'Create subscription' }).click();
    const problem = page.getByRole('alert');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('There is a problem');
    expect(await problem.textContent()).toContain('eventTypes');
    expect(await page.locator('[data-field="eventTypes"] .field-error').count()).toBe(1);
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-subscription-errors');

    // a stream/pull feed of fires by ward and month, backfilled from the first year
    await page.getByLabel('Name', { exact: true }).fill('Fires by ward (pull)');
    await page.getByLabel('Deliberate fires', { exact: true }).check();
    await page.getByRole('radio', { name: /^Ward/ }).check();
    await page.getByRole('radio', { name: /^UK calendar month/ }).check();
    await page.getByRole('radio', { name: /^Server-sent events/ }).check();
    expect(await page.getByLabel('Webhook URL').isVisible()).toBe(false);
    await page.getByLabel('Backfill from').fill(`${Y1}-01-01`);
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByRole('heading', { name: 'Subscription “Fires by ward (pull)” created' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    const list = page.getByRole('table', { name: 'Subscriptions you registered, oldest first' });
    const pullRow = list.getByRole('row', { name: /^Fires by ward \(pull\)/ });
    expect(await pullRow.textContent()).toContain('Deliberate fires');
    expect(await pullRow.textContent()).toContain('Server-sent events');
    expect(await pullRow.textContent()).toContain('Active');

    await page.getByRole('button', { name: 'Show latest items of Fires by ward (pull)' }).click();
    await page.getByRole('heading', { name: 'Latest items: Fires by ward (pull)' }).waitFor();
    const items = page.getByRole('table', { name: /newest items? of “Fires by ward \(pull\)”/ });
    // the feed pump backfills in the background: check again until the newest 20 are there
    const deadline = Date.now() + 60_000;
    while ((await items.count()) === 0 || (await items.getByRole('row').count()) < 21) {
      if (Date.now() > deadline) throw new Error('no feed items within 60 s');
      await page.waitForTimeout(1000);
      await page.getByRole('button', { name: 'Check for new items' }).click();
    }
    const rows = items.getByRole('row');
    expect(await rows.count()).toBe(21);
    const wards = ['Victoria', 'Seaton', 'Burn Valley', 'Hart', 'Headland and Harbour'];
    for (const text of (await rows.allTextContents()).slice(1)) {
      expect(text).toContain('Deliberate fires');
      expect(wards.some((w) => text.includes(w))).toBe(true);
      expect(text).toMatch(/\d{4}-\d{2}/);
      expect(text).not.toMatch(/TS\d{1,2} \d[A-Z]{2}/); // no full postcode leaves the hub
      expect(text).not.toContain('BROWSER-ANALYST-IRS'); // nor the incident reference
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-subscription-items');

    // a webhook subscription: its signing secret is shown this once
    await page.getByLabel('Name', { exact: true }).fill('Fires for BI (webhook)');
    await page.getByLabel('Deliberate fires', { exact: true }).check();
    await page.getByRole('radio', { name: /^Signed webhook/ }).check();
    await page.getByLabel('Webhook URL').fill('https://bi.example.gov.uk/hooks/shp');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByRole('heading', { name: 'Copy the webhook signing secret now: it is shown only this once' }).waitFor();
    const secret = await page.getByLabel('Webhook signing secret for “Fires for BI (webhook)”').inputValue();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await list.getByRole('row', { name: /^Fires for BI \(webhook\)/ }).textContent()).toContain('https://bi.example.gov.uk/hooks/shp');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-webhook-secret');
    // opened again, the page has no secret to show
    await page.reload();
    await list.getByRole('row', { name: /^Fires for BI \(webhook\)/ }).waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByText('shown only this once').count()).toBe(0);

    // cancelling asks first, in the page; "No" keeps it
    await page.getByRole('button', { name: 'Cancel Fires by ward (pull)' }).click();
    await page.getByRole('heading', { name: 'Cancel “Fires by ward (pull)”?' }).waitFor();
    await page.getByRole('button', { name: 'No, keep it' }).click();
    expect(await page.getByRole('heading', { name: 'Cancel “Fires by ward (pull)”?' }).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Cancel Fires by ward (pull)');
    expect(await list.getByRole('row', { name: /^Fires by ward \(pull\)/ }).textContent()).toContain('Active');

    await page.getByRole('button', { name: 'Cancel Fires for BI (webhook)' }).click();
    const confirm = page.getByRole('heading', { name: 'Cancel “Fires for BI (webhook)”?' });
    await confirm.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel “Fires for BI (webhook)”?');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-cancel-confirm');
    await page.getByRole('button', { name: 'Yes, cancel the subscription' }).click();
    await page.getByText('“Fires for BI (webhook)” is cancelled.').waitFor();
    const cancelled = list.getByRole('row', { name: /^Fires for BI \(webhook\)/ });
    expect(await cancelled.textContent()).toContain('Cancelled');
    expect(await cancelled.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);
    expect(await list.getByRole('row', { name: /^Fires by ward \(pull\)/ }).textContent()).toContain('Active');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-subscription-cancelled');

    // the hub agrees
    const res = await fetch(`${hub.base}/api/analytics/subscriptions`, { headers: { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE } });
    const { subscriptions } = (await res.json()) as { subscriptions: { name: string; status: string }[] };
    expect(subscriptions.map((s) => [s.name, s.status])).toEqual([
      ['Fires by ward (pull)', 'active'],
      ['Fires for BI (webhook)', 'cancelled'],
    ]);
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('charts every indicator by each breakdown it has, from the address alone', async () => {
    const { context, page } = await newPage(browser);
    await signIn(page, hub, 'analyst');
    const res = await fetch(`${hub.base}/api/analytics/indicators`, { headers: { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE } });
    const indicators = (await res.json()) as { name: string; title: string; breakdowns: string[] }[];
    expect(indicators.length).toBeGreaterThanOrEqual(8);
    for (const { name, title, breakdowns } of indicators) {
      for (const by of breakdowns) {
        await page.goto(`${hub.base}/app/#/analyst?indicator=${name}&area=hartlepool&from=${Y1}&to=${Y2}&by=${by}`);
        await page.getByRole('table', { name: `${title} in Hartlepool, ${Y1} to ${Y2}, by ${by}` }).waitFor();
        const chart = page.getByRole('img', { name: new RegExp(`by ${by}$`) });
        expect([name, by, await chart.count()]).toEqual([name, by, 1]);
        expect([name, by, await page.getByLabel('Indicator', { exact: true }).inputValue()]).toEqual([name, by, name]);
        expect([name, by, await page.getByRole('radio', { name: new RegExp(`^${by}`, 'i') }).isChecked()]).toEqual([name, by, true]);
      }
    }
    // one by-month view of another indicator, checked with axe too
    await page.goto(`${hub.base}/app/#/analyst?indicator=recorded-crime&area=hartlepool&from=${Y1}&to=${Y2}&by=month`);
    await page.getByRole('img', { name: /Recorded crime.*by month$/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });

  it('fits a tablet held upright: the dashboard by ward has no sideways scrolling', async () => {
    const { context, page } = await newPage(browser, 'tablet');
    await signIn(page, hub, 'analyst', '/analyst');
    await page.getByRole('heading', { name: 'Indicators', level: 1 }).waitFor();
    await showFires(page, 'Ward');
    await page.getByRole('img', { name: /by ward$/ }).waitFor();
    expect(await pageOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'analyst-dashboard-tablet');
    expect(scriptErrors(page)).toEqual([]);
    await context.close();
  });
});
