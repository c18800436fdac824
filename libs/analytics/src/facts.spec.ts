import { RECORD_KINDS, recordKind } from '../../contracts/src';
import { loadAgreements, PolicyDecisionPoint } from '../../isa/src';
import { ANALYTICS_FIELDS, analyticsFact } from './facts';

describe('analytics facts', () => {
  const policy = new PolicyDecisionPoint(loadAgreements());

  it('keep, for every kind of record, no field the agreement does not give analysts', () => {
    for (const kind of RECORD_KINDS) {
      const decision = policy.decide({ roles: ['analyst'], purpose: 'analytics.depersonalised', source: kind.eventType });
      const agreed = decision.effect === 'fields' ? decision.fields : [];
      expect([kind.eventType, (ANALYTICS_FIELDS[kind.eventType] ?? []).filter((f) => !agreed.includes(f))]).toEqual([kind.eventType, []]);
    }
  });

  it('carry no person: only the agreed fields, the ward, the outward postcode and the category', () => {
    const crime = {
      crimeRef: 'CP-CR-9', recordedAt: '2026-03-01T10:00:00Z', homeOfficeCategory: 'shoplifting', domesticAbuse: false, ward: 'Victoria', outwardPostcode: 'ts24',
      victim: { personRef: 'V-1', givenName: 'Ann', familyName: 'Example', dateOfBirth: '1990-01-01', sex: 'F', address: { line1: '1 Example Street', postcode: 'TS24 7AA' } },
    };
    const kind = recordKind('police', 'crime');
    expect(analyticsFact(kind, crime, kind.involvements(crime))).toEqual({
      ward: 'Victoria', outwardPostcode: 'TS24', category: 'shoplifting',
      fields: { recordedAt: '2026-03-01T10:00:00Z', homeOfficeCategory: 'shoplifting', domesticAbuse: false, ward: 'Victoria', outwardPostcode: 'ts24', victim: { sex: 'F' } },
    });
  });

  it('place a record about a person with no place of its own where the person lives, at outward postcode only', () => {
    const start = { episodeRef: 'T-1', startedAt: '2026-03-01T10:00:00Z', service: 'adult-drugs', client: { personRef: 'C-1', givenName: 'Bo', familyName: 'Example', address: { line1: '2 Example Street', postcode: 'TS25 1AB' } } };
    const kind = recordKind('treatment', 'episode-start');
    expect(analyticsFact(kind, start, kind.involvements(start))).toEqual({ ward: undefined, outwardPostcode: 'TS25', category: 'adult-drugs', fields: { startedAt: '2026-03-01T10:00:00Z', service: 'adult-drugs' } });
  });
});
