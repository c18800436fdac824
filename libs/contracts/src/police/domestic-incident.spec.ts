import { validatePayload } from '../validation';
import { gradeDash, gradeFromTicks } from './dash';
import { DomesticIncidentDto } from './domestic-incident.dto';

const valid = () => ({
  incidentRef: 'CP-DA-000123',
  occurredAt: '2026-03-01T22:15:00Z',
  location: { ward: 'Victoria', postcode: 'TS24 7AA' },
  victim: { personRef: 'CP-P-1001', givenName: 'Jane', familyName: 'Doe', dateOfBirth: '1990-05-04', sex: 'F', address: { line1: '1 Example Street', postcode: 'TS24 7AA' }, identifiers: { nhsNumber: '9434765919', pnc: '12/345678A' } },
  perpetrator: { personRef: 'CP-P-2001', givenName: 'Mark', familyName: 'Doe' },
  childrenPresent: [{ personRef: 'CP-P-3001', givenName: 'Tom', familyName: 'Doe', dateOfBirth: '2019-01-01' }],
  dash: { form: 'police-27', answers: Array.from({ length: 27 }, () => false) },
  professionalJudgement: { riskLevel: 'high', reason: 'threats to kill' },
});

describe('DASH grading', () => {
  it.each([
    [9, 'standard'],
    [10, 'medium'],
    [13, 'medium'],
    [14, 'high'],
  ])('%i ticks grade %s', (ticks, level) => expect(gradeFromTicks(ticks)).toBe(level));

  it('professional judgement raises the grade', () => {
    expect(gradeDash([true, true], 'high')).toMatchObject({ riskLevel: 'high', gradeFromTicks: 'standard', raisedByJudgement: true });
  });
  it('professional judgement never lowers it', () => {
    const answers = Array.from({ length: 27 }, (_, i) => i < 14);
    expect(gradeDash(answers, 'standard')).toMatchObject({ riskLevel: 'high', raisedByJudgement: false, judgementBelowTicks: true });
  });
});

describe('DomesticIncidentDto validation', () => {
  it('accepts the api.md example', () => {
    expect(validatePayload(DomesticIncidentDto, valid())).toMatchObject({ ok: true });
  });

  it('accepts the SafeLives 24-answer form', () => {
    const body = { ...valid(), dash: { form: 'safelives-24', answers: Array.from({ length: 24 }, () => true) } };
    expect(validatePayload(DomesticIncidentDto, body).ok).toBe(true);
  });

  it('names every bad field at once, with nested paths', () => {
    const body = valid() as Record<string, any>;
    body.occurredAt = '2026-03-01 22:15';
    body.victim.dateOfBirth = '1990-02-30';
    body.victim.identifiers.nhsNumber = '9434765918';
    body.childrenPresent[0].givenName = '';
    body.dash.answers = body.dash.answers.slice(0, 24);
    body.professionalJudgement.reason = '';
    body.location.postcode = 'nowhere';
    body.colour = 'blue';
    const result = validatePayload(DomesticIncidentDto, body);
    expect(result.ok).toBe(false);
    const paths = !result.ok ? result.faults.map((f) => f.path).sort() : [];
    expect(paths).toEqual(
      [
        'childrenPresent.0.givenName',
        'colour',
        'dash.answers',
        'location.postcode',
        'occurredAt',
        'professionalJudgement.reason',
        'victim.dateOfBirth',
        'victim.identifiers.nhsNumber',
      ].sort(),
    );
    if (!result.ok) {
      expect(result.faults.find((f) => f.path === 'dash.answers')?.reason).toMatch(/27/);
      expect(result.faults.find((f) => f.path === 'colour')?.reason).toMatch(/unknown field/);
    }
  });

  it('requires the victim, the DASH and the location', () => {
    const { victim, dash, location, ...rest } = valid();
    void victim; void dash; void location;
    const result = validatePayload(DomesticIncidentDto, rest);
    expect(!result.ok && result.faults.map((f) => f.path)).toEqual(expect.arrayContaining(['victim', 'dash', 'location']));
  });

  it('refuses an incident in the future and a non-object body', () => {
    const future = { ...valid(), occurredAt: new Date(Date.now() + 86_400_000).toISOString() };
    const r = validatePayload(DomesticIncidentDto, future);
    expect(!r.ok && r.faults).toEqual([{ path: 'occurredAt', reason: 'must not be in the future' }]);
    expect(validatePayload(DomesticIncidentDto, [1, 2])).toEqual({ ok: false, faults: [{ path: '', reason: 'the body must be a JSON object' }] });
  });

  it('does not coerce types: a string where booleans belong is refused', () => {
    const body = { ...valid(), dash: { form: 'police-27', answers: Array.from({ length: 27 }, () => 'yes') } };
    const r = validatePayload(DomesticIncidentDto, body);
    expect(!r.ok && r.faults.map((f) => f.path)).toContain('dash.answers');
  });
});
