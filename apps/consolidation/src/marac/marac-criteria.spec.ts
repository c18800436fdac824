import { gradeDash } from '../../../../libs/contracts/src';
import { addMonths, escalationWindow, evaluateMarac, IncidentFact, ReferralFact } from './marac-criteria';

const at = (iso: string) => new Date(iso);
const fact = (incidentRef: string, occurredAt: string, ticks = 3, judgement?: 'standard' | 'medium' | 'high'): IncidentFact => {
  const grade = gradeDash(Array.from({ length: 27 }, (_, i) => i < ticks), judgement);
  return { incidentRef, occurredAt: at(occurredAt), ticks: grade.ticks, riskLevel: grade.riskLevel, raisedByJudgement: grade.raisedByJudgement };
};
const referral = (triggerIncidentRef: string, triggeredAt: string): ReferralFact => ({ triggerIncidentRef, triggeredAt: at(triggeredAt) });

describe('MARAC criteria', () => {
  describe('visible high risk', () => {
    it('13 ticks is not a referral', () => {
      expect(evaluateMarac(fact('A', '2026-03-01T10:00:00Z', 13), [], [])).toBeNull();
    });
    it('14 ticks is visible high risk', () => {
      expect(evaluateMarac(fact('A', '2026-03-01T10:00:00Z', 14), [], [])).toEqual({ criterion: 'visible-high-risk', repeat: false, incidentRefs: ['A'] });
    });
  });

  describe('professional judgement', () => {
    it('raising 8 ticks to high is a referral by professional judgement', () => {
      expect(evaluateMarac(fact('A', '2026-03-01T10:00:00Z', 8, 'high'), [], [])?.criterion).toBe('professional-judgement');
    });
    it('an attempt to lower 15 ticks to standard leaves the grade high', () => {
      const f = fact('A', '2026-03-01T10:00:00Z', 15, 'standard');
      expect(f.riskLevel).toBe('high');
      expect(evaluateMarac(f, [], [])?.criterion).toBe('visible-high-risk');
    });
    it('raising to medium only is no referral', () => {
      expect(evaluateMarac(fact('A', '2026-03-01T10:00:00Z', 5, 'medium'), [], [])).toBeNull();
    });
  });

  describe('escalation: 3+ incidents within any 12 months', () => {
    it('2 incidents is not escalation', () => {
      expect(evaluateMarac(fact('B', '2026-02-01T10:00:00Z'), [fact('A', '2026-01-01T10:00:00Z')], [])).toBeNull();
    });
    it('3 incidents within 12 months is escalation, naming all three', () => {
      const earlier = [fact('A', '2025-06-01T10:00:00Z'), fact('B', '2025-12-01T10:00:00Z')];
      expect(evaluateMarac(fact('C', '2026-02-01T10:00:00Z'), earlier, [])).toEqual({ criterion: 'escalation', repeat: false, incidentRefs: ['A', 'B', 'C'] });
    });
    it('the first and third exactly 12 months (365 days) apart still count', () => {
      const earlier = [fact('A', '2025-03-01T10:00:00Z'), fact('B', '2025-09-01T10:00:00Z')];
      expect(evaluateMarac(fact('C', '2026-03-01T10:00:00Z'), earlier, [])?.criterion).toBe('escalation');
    });
    it('366 days apart do not', () => {
      const earlier = [fact('A', '2025-03-01T10:00:00Z'), fact('B', '2025-09-01T10:00:00Z')];
      expect(evaluateMarac(fact('C', '2026-03-02T10:00:00Z'), earlier, [])).toBeNull();
    });
    it('a late-arriving incident in the middle of a window completes it', () => {
      const earlier = [fact('A', '2025-01-01T10:00:00Z'), fact('C', '2025-11-01T10:00:00Z')];
      expect(escalationWindow(fact('B', '2025-06-01T10:00:00Z'), earlier)?.map((i) => i.incidentRef)).toEqual(['A', 'B', 'C']);
    });
  });

  describe('repeat: within 12 months of the last referral', () => {
    it('an incident 365 days after the last referral is a repeat', () => {
      expect(evaluateMarac(fact('B', '2026-03-01T10:00:00Z'), [fact('A', '2025-03-01T10:00:00Z', 15)], [referral('A', '2025-03-01T10:00:00Z')])).toEqual({
        criterion: 'repeat',
        repeat: true,
        incidentRefs: ['A', 'B'],
      });
    });
    it('an incident 366 days after is not', () => {
      expect(evaluateMarac(fact('B', '2026-03-02T10:00:00Z'), [fact('A', '2025-03-01T10:00:00Z', 15)], [referral('A', '2025-03-01T10:00:00Z')])).toBeNull();
    });
    it('a high-risk repeat keeps its criterion and is flagged repeat', () => {
      expect(evaluateMarac(fact('B', '2025-06-01T10:00:00Z', 20), [], [referral('A', '2025-03-01T10:00:00Z')])).toEqual({
        criterion: 'visible-high-risk',
        repeat: true,
        incidentRefs: ['B'],
      });
    });
    it('the repeat rule measures from the latest referral', () => {
      const refs = [referral('A', '2024-01-01T10:00:00Z'), referral('B', '2025-06-01T10:00:00Z')];
      expect(evaluateMarac(fact('C', '2026-05-01T10:00:00Z'), [], refs)?.incidentRefs).toEqual(['B', 'C']);
    });
  });

  describe('calendar months', () => {
    it('29 February plus 12 months is 28 February', () => {
      expect(addMonths(at('2024-02-29T12:00:00Z'), 12).toISOString()).toBe('2025-02-28T12:00:00.000Z');
    });
    it('going back 12 months from 31 March lands on 31 March', () => {
      expect(addMonths(at('2026-03-31T00:00:00Z'), -12).toISOString()).toBe('2025-03-31T00:00:00.000Z');
    });
  });
});
