import { DaIncidentFact, evaluateRepeatVictim } from './repeat-victim';

const at = (iso: string) => new Date(iso);
const incident = (ref: string, occurredAt: string, agency = 'police', victimSubjectId = 'V1'): DaIncidentFact => ({ ref, agency, occurredAt: at(occurredAt), victimSubjectId });
const task = (raisedAt: string) => ({ raisedAt: at(raisedAt) });

describe('repeat DA victim: joint police + Harbour visit', () => {
  it('a first incident raises no task', () => {
    expect(evaluateRepeatVictim(incident('A', '2026-03-01T10:00:00Z'), [], [])).toBeNull();
  });
  it('a second incident exactly 12 calendar months later raises one', () => {
    expect(evaluateRepeatVictim(incident('B', '2026-03-01T10:00:00Z'), [incident('A', '2025-03-01T10:00:00Z')], [])).toEqual({ incidentRefs: ['A', 'B'] });
  });
  it('12 months and a day later does not', () => {
    expect(evaluateRepeatVictim(incident('B', '2026-03-02T10:00:00Z'), [incident('A', '2025-03-01T10:00:00Z')], [])).toBeNull();
  });
  it('an incident reported by another agency counts', () => {
    expect(evaluateRepeatVictim(incident('B', '2026-03-01T10:00:00Z'), [incident('H-7', '2026-01-10T10:00:00Z', 'thirteen')], [])).toEqual({ incidentRefs: ['H-7', 'B'] });
  });
  it('names the latest earlier incident in the window', () => {
    const earlier = [incident('A', '2025-04-01T10:00:00Z'), incident('C', '2026-01-01T10:00:00Z'), incident('B', '2025-09-01T10:00:00Z')];
    expect(evaluateRepeatVictim(incident('D', '2026-03-01T10:00:00Z'), earlier, [])?.incidentRefs).toEqual(['C', 'D']);
  });
  it('another victim’s incident does not count', () => {
    expect(evaluateRepeatVictim(incident('B', '2026-03-01T10:00:00Z'), [incident('A', '2026-02-01T10:00:00Z', 'police', 'V2')], [])).toBeNull();
  });
  it('a redelivered incident is not its own repeat', () => {
    expect(evaluateRepeatVictim(incident('A', '2026-03-01T10:00:00Z'), [incident('A', '2026-03-01T10:00:00Z')], [])).toBeNull();
  });

  describe('one visit a year', () => {
    const earlier = [incident('A', '2025-12-01T10:00:00Z')];
    it('a task raised exactly 12 months before suppresses another', () => {
      expect(evaluateRepeatVictim(incident('B', '2026-03-01T10:00:00Z'), earlier, [task('2025-03-01T10:00:00Z')])).toBeNull();
    });
    it('a task 12 months and a day before does not', () => {
      expect(evaluateRepeatVictim(incident('B', '2026-03-01T10:00:00Z'), earlier, [task('2025-02-28T10:00:00Z')])).toEqual({ incidentRefs: ['A', 'B'] });
    });
  });

  describe('incidents arriving out of order', () => {
    it('an incident that arrived first but occurred later is not an earlier one', () => {
      expect(evaluateRepeatVictim(incident('A', '2026-01-01T10:00:00Z'), [incident('B', '2026-02-01T10:00:00Z')], [])).toBeNull();
    });
    it('a late incident between two earlier ones names the one before it', () => {
      const earlier = [incident('A', '2025-06-01T10:00:00Z'), incident('C', '2026-02-01T10:00:00Z')];
      expect(evaluateRepeatVictim(incident('B', '2025-10-01T10:00:00Z'), earlier, [])?.incidentRefs).toEqual(['A', 'B']);
    });
    it('a late incident does not add a visit to one a later incident already raised', () => {
      const earlier = [incident('A', '2025-06-01T10:00:00Z'), incident('C', '2026-02-01T10:00:00Z')];
      expect(evaluateRepeatVictim(incident('B', '2025-10-01T10:00:00Z'), earlier, [task('2026-02-01T10:00:00Z')])).toBeNull();
    });
  });
});
