import { validatePayload, Validated } from '../validation';
import { DeliberateFireDto, deriveFireCategory, FireFacts, FireSetterReferralDto } from './fire.dto';
import { deliberateFireKind, fireSetterReferralKind } from './fire.records';

/** The bad fields, each once (a field can fail several rules). */
const paths = (r: Validated<object>) => (r.ok ? [] : [...new Set(r.faults.map((f) => f.path))].sort());

const fire = (): Record<string, any> => ({
  incidentRef: 'CFB-IRS-260301-017',
  occurredAt: '2026-03-01T21:40:00Z',
  location: { ward: 'Headland and Harbour', postcode: 'TS24 0AA', site: 'Rear of former Co-op, Northgate' },
  propertyType: 'grassland',
  appliancesAttending: 1,
  casualties: 0,
  rescues: 0,
  derelict: false,
  suspectedArson: true,
  policeCrimeRef: 'CP-CR-88123',
});

const referral = (): Record<string, any> => ({
  referralRef: 'CFB-FEI-2026-041',
  referredAt: '2026-03-03T10:00:00Z',
  person: { personRef: 'CFB-P-301', givenName: 'Liam', familyName: 'Test', dateOfBirth: '2013-06-01' },
  referrer: 'school',
  relatedIncidentRefs: ['CFB-IRS-260301-017'],
});

/** Validated and checked, as the edge takes it. */
function take(body: Record<string, any>): { ok: true; value: DeliberateFireDto } | { ok: false; paths: string[]; reasons: string[] } {
  const v = validatePayload(DeliberateFireDto, body);
  if (!v.ok) return { ok: false, paths: paths(v), reasons: v.faults.map((f) => f.reason) };
  const faults = deliberateFireKind.check!(v.value);
  return faults.length ? { ok: false, paths: faults.map((f) => f.path).sort(), reasons: faults.map((f) => f.reason) } : { ok: true, value: v.value };
}

describe('deliberate fires', () => {
  it('accepts a valid fire with no category stated, and the event carries the derived one', () => {
    const result = take(fire());
    expect(result.ok).toBe(true);
    if (result.ok) {
      const data = deliberateFireKind.derive!(result.value);
      expect(data).toMatchObject({ incidentRef: 'CFB-IRS-260301-017', category: 'secondary' });
      expect(deliberateFireKind.partitionKey(data)).toBe('CFB-IRS-260301-017');
      expect(deliberateFireKind.involvements(data)).toEqual([]);
    }
  });

  it('accepts a stated category that agrees with the facts', () => {
    expect(take({ ...fire(), category: 'secondary' }).ok).toBe(true);
    expect(take({ ...fire(), propertyType: 'dwelling', category: 'primary' }).ok).toBe(true);
  });

  it('names every bad field', () => {
    const body = fire();
    body.incidentRef = 'has spaces';
    body.occurredAt = '2026-03-01';
    body.location.postcode = 'nowhere';
    body.location.site = 'x'.repeat(201);
    body.propertyType = 'shed';
    body.appliancesAttending = 0;
    body.casualties = -1;
    body.rescues = 1.5;
    body.derelict = 'no';
    body.suspectedArson = undefined;
    body.policeCrimeRef = '';
    body.category = 'tertiary';
    expect(take(body)).toMatchObject({
      ok: false,
      paths: [
        'appliancesAttending', 'casualties', 'category', 'derelict', 'incidentRef', 'location.postcode', 'location.site', 'occurredAt',
        'policeCrimeRef', 'propertyType', 'rescues', 'suspectedArson',
      ],
    });
  });

  it('refuses more than 50 appliances and a missing location', () => {
    const { location: _location, ...rest } = fire();
    expect(take({ ...rest, appliancesAttending: 51 })).toMatchObject({ ok: false, paths: ['appliancesAttending', 'location'] });
  });

  describe('IRS category', () => {
    const facts = (over: Partial<FireFacts>): FireFacts => ({ propertyType: 'grassland', appliancesAttending: 1, casualties: 0, rescues: 0, ...over });
    it.each<[string, Partial<FireFacts>, 'primary' | 'secondary']>([
      ['grassland, 1 appliance', {}, 'secondary'],
      ['grassland, 4 appliances', { appliancesAttending: 4 }, 'secondary'],
      ['grassland, 5 appliances', { appliancesAttending: 5 }, 'primary'],
      ['refuse, no casualty', { propertyType: 'refuse' }, 'secondary'],
      ['refuse, 1 casualty', { propertyType: 'refuse', casualties: 1 }, 'primary'],
      ['grassland, 1 rescue', { rescues: 1 }, 'primary'],
      ['other outdoor', { propertyType: 'other-outdoor' }, 'secondary'],
      ['derelict building', { propertyType: 'derelict-building' }, 'secondary'],
      ['derelict building, 4 appliances', { propertyType: 'derelict-building', appliancesAttending: 4 }, 'secondary'],
      ['derelict building, 5 appliances', { propertyType: 'derelict-building', appliancesAttending: 5 }, 'primary'],
      ['derelict building, 1 casualty', { propertyType: 'derelict-building', casualties: 1 }, 'primary'],
      ['building (not derelict)', { propertyType: 'other-building' }, 'primary'],
      ['dwelling', { propertyType: 'dwelling' }, 'primary'],
      ['vehicle', { propertyType: 'vehicle' }, 'primary'],
      ['derelict vehicle', { propertyType: 'derelict-vehicle' }, 'secondary'],
      ['outdoor structure', { propertyType: 'outdoor-structure' }, 'primary'],
    ])('%s is %s', (_case, over, category) => expect(deriveFireCategory(facts(over)).category).toBe(category));

    it('gives the facts that decide it', () => {
      expect(deriveFireCategory(facts({ casualties: 1 })).reason).toBe('1 casualty makes it primary (IRS)');
      expect(deriveFireCategory(facts({ propertyType: 'vehicle', casualties: 2, appliancesAttending: 6 })).reason).toBe(
        '2 casualties and 6 appliances attending and propertyType vehicle make it primary (IRS)',
      );
      expect(deriveFireCategory(facts({ propertyType: 'refuse', appliancesAttending: 4 })).reason).toBe(
        'propertyType refuse with no casualty or rescue and 4 appliances attending makes it secondary (IRS)',
      );
    });
  });

  it('refuses a stated category the facts contradict, naming the fact', () => {
    expect(take({ ...fire(), casualties: 1, category: 'secondary' })).toEqual({
      ok: false,
      paths: ['category'],
      reasons: ['stated secondary, but 1 casualty makes it primary (IRS)'],
    });
    expect(take({ ...fire(), propertyType: 'refuse', category: 'primary' })).toMatchObject({
      ok: false,
      paths: ['category'],
      reasons: [expect.stringMatching(/^stated primary, but propertyType refuse .* secondary \(IRS\)$/)],
    });
  });

  it('refuses a derelict flag that contradicts the property type', () => {
    expect(take({ ...fire(), propertyType: 'derelict-building', derelict: false })).toMatchObject({ ok: false, paths: ['derelict'] });
    expect(take({ ...fire(), propertyType: 'vehicle', derelict: true })).toMatchObject({ ok: false, paths: ['derelict'] });
    expect(take({ ...fire(), propertyType: 'derelict-vehicle', derelict: true }).ok).toBe(true);
  });
});

describe('fire-setter referrals', () => {
  it('accepts a valid referral, keyed and involving the person as fire-setter', () => {
    const v = validatePayload(FireSetterReferralDto, referral());
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(fireSetterReferralKind.check!(v.value)).toEqual([]);
      expect(fireSetterReferralKind.partitionKey(v.value)).toBe('CFB-P-301');
      expect(fireSetterReferralKind.involvements(v.value)).toEqual([{ role: 'fire-setter', person: v.value.person }]);
    }
  });

  it('names every bad field', () => {
    const body = referral();
    body.referredAt = 'last week';
    body.person.familyName = '';
    body.referrer = 'neighbour';
    body.relatedIncidentRefs = ['ok-1', 'not ok'];
    expect(paths(validatePayload(FireSetterReferralDto, body))).toEqual(['person.familyName', 'referredAt', 'referrer', 'relatedIncidentRefs']);
    expect(paths(validatePayload(FireSetterReferralDto, { ...referral(), relatedIncidentRefs: Array.from({ length: 21 }, (_, i) => `I-${i}`) }))).toEqual(['relatedIncidentRefs']);
  });

  it('needs the date of birth, not after the referral', () => {
    const noDob = referral();
    delete noDob.person.dateOfBirth;
    const v = validatePayload(FireSetterReferralDto, noDob);
    expect(v.ok && fireSetterReferralKind.check!(v.value)).toEqual([
      { path: 'person.dateOfBirth', reason: 'the Fire Education Intervention referral needs a date of birth' },
    ]);
    const later = validatePayload(FireSetterReferralDto, { ...referral(), referredAt: '2013-05-01T10:00:00Z' });
    expect(later.ok && fireSetterReferralKind.check!(later.value).map((f) => f.path)).toEqual(['person.dateOfBirth']);
  });
});
