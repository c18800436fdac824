import { RecordKind } from '../records';
import { validatePayload } from '../validation';
import { asbReportKind, daDisclosureKind, enforcementActionKind, targetHardeningKind } from './housing.records';

const person = (personRef: string, over: Record<string, unknown> = {}) => ({ personRef, givenName: 'Test', familyName: personRef, ...over });

/** Validate then check, as the edge does: the record, or the bad fields (each once). */
function take(kind: RecordKind, body: unknown): { ok: true; value: any } | { ok: false; paths: string[]; reasons: string[] } {
  const v = validatePayload(kind.dto, body);
  const faults = v.ok ? (kind.check?.(v.value) ?? []) : v.faults;
  if (v.ok && faults.length === 0) return { ok: true, value: v.value };
  return { ok: false, paths: [...new Set(faults.map((f) => f.path))].sort(), reasons: faults.map((f) => f.reason) };
}

const asbReport = (): Record<string, any> => ({
  reportRef: 'TG-ASB-2026-0311',
  reportedAt: '2026-03-04T09:30:00Z',
  occurredAt: '2026-03-03T23:10:00Z',
  category: 'nuisance',
  asbType: 'noise',
  reporter: person('TG-P-100', { dateOfBirth: '1961-02-11', address: { line1: '4 Test Road', postcode: 'TS25 1AA' } }),
  alleged: [person('TG-P-200')],
  hate: false,
  problemRef: 'HBC-ASB-PROB-17',
  tenancyRef: 'TG-T-44120',
  location: { ward: 'De Bruce', postcode: 'TS25 1AB' },
});

const enforcement = (): Record<string, any> => ({
  actionRef: 'TG-ENF-2026-052',
  takenAt: '2026-03-10T14:00:00Z',
  action: 'civil-injunction',
  person: person('TG-P-200'),
  problemRef: 'HBC-ASB-PROB-17',
});

const disclosure = (): Record<string, any> => ({
  disclosureRef: 'TG-DA-2026-009',
  disclosedAt: '2026-03-05T11:00:00Z',
  occurredAt: '2026-03-04T22:00:00Z',
  victim: person('TG-P-300', { dateOfBirth: '1988-09-09', sex: 'F' }),
  perpetrator: person('TG-P-301'),
  childrenInHousehold: [person('TG-P-302', { dateOfBirth: '2018-04-04' })],
  dash: { form: 'safelives-24', answers: Array.from({ length: 24 }, (_, i) => i < 15) },
});

const hardening = (): Record<string, any> => ({
  workRef: 'TG-TH-2026-018',
  completedAt: '2026-03-12T16:00:00Z',
  resident: person('TG-P-300'),
  measures: ['door-locks', 'fireproof-letterbox'],
  reason: 'domestic-abuse',
});

describe('housing ASB reports', () => {
  it('accepts a valid report: keyed by the problem, reporter and alleged involved', () => {
    const r = take(asbReportKind, asbReport());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(asbReportKind.partitionKey(r.value)).toBe('HBC-ASB-PROB-17');
    expect(asbReportKind.occurredAt(r.value)).toBe('2026-03-03T23:10:00Z');
    expect(asbReportKind.involvements(r.value).map((i) => [i.role, i.person.personRef])).toEqual([
      ['asb-reporter', 'TG-P-100'],
      ['asb-suspect', 'TG-P-200'],
    ]);
  });

  it('without a problem ref is keyed by the reporter, and without occurredAt dated by the report', () => {
    const { problemRef: _p, occurredAt: _o, alleged: _a, tenancyRef: _t, ...minimal } = asbReport();
    const r = take(asbReportKind, minimal);
    expect(r.ok && [asbReportKind.partitionKey(r.value), asbReportKind.occurredAt(r.value)]).toEqual(['TG-P-100', '2026-03-04T09:30:00Z']);
  });

  it('names every bad field', () => {
    const body = asbReport();
    body.reportedAt = '04/03/2026';
    body.category = 'criminal';
    body.asbType = 'loud music';
    body.reporter.personRef = '';
    body.alleged = Array.from({ length: 21 }, (_, i) => person(`A-${i}`));
    body.hate = 'yes';
    body.problemRef = 'not a ref';
    body.location.postcode = 'TS25';
    body.extra = 1;
    expect(take(asbReportKind, body)).toMatchObject({
      ok: false,
      paths: ['alleged', 'asbType', 'category', 'extra', 'hate', 'location.postcode', 'problemRef', 'reportedAt', 'reporter.personRef'],
    });
    const { reporter: _r, location: _l, ...missing } = asbReport();
    expect(take(asbReportKind, missing)).toMatchObject({ ok: false, paths: ['location', 'reporter'] });
  });

  it('refuses behaviour dated after its report', () => {
    expect(take(asbReportKind, { ...asbReport(), occurredAt: '2026-03-04T10:00:00Z' })).toEqual({ ok: false, paths: ['occurredAt'], reasons: ['must not be after reportedAt'] });
  });
});

describe('housing enforcement actions', () => {
  it('accepts a valid action, keyed by the problem, else the person', () => {
    const r = take(enforcementActionKind, enforcement());
    expect(r.ok && enforcementActionKind.partitionKey(r.value)).toBe('HBC-ASB-PROB-17');
    const { problemRef: _p, ...noProblem } = enforcement();
    const n = take(enforcementActionKind, noProblem);
    expect(n.ok && enforcementActionKind.partitionKey(n.value)).toBe('TG-P-200');
    expect(n.ok && enforcementActionKind.involvements(n.value).map((i) => i.role)).toEqual(['enforcement-subject']);
  });

  it('names every bad field', () => {
    expect(take(enforcementActionKind, { ...enforcement(), takenAt: '2099-01-01T00:00:00Z', action: 'asbo', person: { personRef: 'X' } })).toMatchObject({
      ok: false,
      paths: ['action', 'person.familyName', 'person.givenName', 'takenAt'],
    });
  });
});

describe('housing DA disclosures', () => {
  it('accepts a valid disclosure: victim, perpetrator and children involved, keyed by the victim', () => {
    const r = take(daDisclosureKind, disclosure());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(daDisclosureKind.partitionKey(r.value)).toBe('TG-P-300');
    expect(daDisclosureKind.involvements(r.value).map((i) => [i.role, i.person.personRef])).toEqual([
      ['da-victim', 'TG-P-300'],
      ['da-perpetrator', 'TG-P-301'],
      ['child-present', 'TG-P-302'],
    ]);
  });

  it('dates the record by the abuse when known, else by the disclosure', () => {
    const { occurredAt: _o, dash: _d, perpetrator: _p, childrenInHousehold: _c, ...minimal } = disclosure();
    const r = take(daDisclosureKind, minimal);
    expect(r.ok && daDisclosureKind.occurredAt(r.value)).toBe('2026-03-05T11:00:00Z');
    const full = take(daDisclosureKind, disclosure());
    expect(full.ok && daDisclosureKind.occurredAt(full.value)).toBe('2026-03-04T22:00:00Z');
  });

  it('names every bad field', () => {
    const body = disclosure();
    body.disclosedAt = 'today';
    body.victim.dateOfBirth = '1988-13-01';
    body.childrenInHousehold[0].sex = 'girl';
    body.dash.answers = [true];
    expect(take(daDisclosureKind, body)).toMatchObject({ ok: false, paths: ['childrenInHousehold.0.sex', 'dash.answers', 'disclosedAt', 'victim.dateOfBirth'] });
  });

  it('refuses abuse dated after its disclosure, and the police DASH form', () => {
    const body = { ...disclosure(), occurredAt: '2026-03-06T00:00:00Z', dash: { form: 'police-27', answers: Array.from({ length: 27 }, () => false) } };
    expect(take(daDisclosureKind, body)).toMatchObject({ ok: false, paths: ['dash.form', 'occurredAt'] });
  });
});

describe('housing target hardening', () => {
  it('accepts valid work, keyed by and involving the resident', () => {
    const r = take(targetHardeningKind, hardening());
    expect(r.ok && targetHardeningKind.partitionKey(r.value)).toBe('TG-P-300');
    expect(r.ok && targetHardeningKind.involvements(r.value).map((i) => i.role)).toEqual(['target-hardening-resident']);
  });

  it('names every bad field: no measures, unknown reason, future completion', () => {
    expect(take(targetHardeningKind, { ...hardening(), measures: [], reason: 'fear', completedAt: '2099-01-01T00:00:00Z' })).toMatchObject({
      ok: false,
      paths: ['completedAt', 'measures', 'reason'],
    });
    expect(take(targetHardeningKind, { ...hardening(), measures: ['cctv', 'cctv'] })).toMatchObject({ ok: false, paths: ['measures'] });
    expect(take(targetHardeningKind, { ...hardening(), measures: ['moat'] })).toMatchObject({ ok: false, paths: ['measures'] });
  });
});
