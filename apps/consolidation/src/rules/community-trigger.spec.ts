import { AsbActionFact, AsbReportFact, CommunityTriggerClause, evaluateCommunityTrigger, TriggerFact } from './community-trigger';

const at = (iso: string) => new Date(iso);
const PROBLEM = 'ASB:TS24-7:noise';
const report = (ref: string, reportedAt: string, reporterKey?: string, opts: { hate?: boolean; problemKey?: string; agency?: string } = {}): AsbReportFact => ({
  ref,
  agency: opts.agency ?? 'police',
  reportedAt: at(reportedAt),
  problemKey: opts.problemKey ?? PROBLEM,
  reporterKey,
  hate: opts.hate ?? false,
});
const action = (takenAt: string, problemKey = PROBLEM): AsbActionFact => ({ ref: `ACT-${takenAt}`, problemKey, takenAt: at(takenAt) });
const trigger = (clause: CommunityTriggerClause, metAt: string, problemKey = PROBLEM): TriggerFact => ({ problemKey, clause, metAt: at(metAt) });

describe('Community Trigger', () => {
  describe('(a) 3+ reports from one reporter in six months, no action', () => {
    it('2 reports is not the threshold', () => {
      expect(evaluateCommunityTrigger(report('R2', '2026-03-01T10:00:00Z', 'A'), [report('R1', '2026-02-01T10:00:00Z', 'A')], [], [])).toBeNull();
    });
    it('3 reports to council, police and landlord meet it, naming the reports oldest first', () => {
      const earlier = [report('R2', '2026-02-01T10:00:00Z', 'A', { agency: 'thirteen' }), report('R1', '2026-01-01T10:00:00Z', 'A', { agency: 'hbc' })];
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [], [])).toEqual({
        clause: 'three-reports-one-reporter',
        reportRefs: ['R1', 'R2', 'R3'],
        reporterKey: 'A',
      });
    });
    it('3 reports of which one is another reporter’s do not', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A'), report('R2', '2026-02-01T10:00:00Z', 'B')];
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [], [])).toBeNull();
    });
    it('anonymous reports cannot be shown to be one reporter’s', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z'), report('R2', '2026-02-01T10:00:00Z')];
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [], [])).toBeNull();
    });
    it('a report exactly 6 calendar months earlier counts', () => {
      const earlier = [report('R1', '2026-01-15T10:00:00Z', 'A'), report('R2', '2026-04-01T10:00:00Z', 'A')];
      expect(evaluateCommunityTrigger(report('R3', '2026-07-15T10:00:00Z', 'A'), earlier, [], [])?.reportRefs).toEqual(['R1', 'R2', 'R3']);
    });
    it('a day more does not', () => {
      const earlier = [report('R1', '2026-01-14T10:00:00Z', 'A'), report('R2', '2026-04-01T10:00:00Z', 'A')];
      expect(evaluateCommunityTrigger(report('R3', '2026-07-15T10:00:00Z', 'A'), earlier, [], [])).toBeNull();
    });
    it('reports of another problem do not count', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A', { problemKey: 'ASB:TS25-1:youths' }), report('R2', '2026-02-01T10:00:00Z', 'A')];
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [], [])).toBeNull();
    });
    it('a report dated after the new one (it arrived first) is not an earlier one', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A'), report('R9', '2026-04-01T10:00:00Z', 'A')];
      expect(evaluateCommunityTrigger(report('R2', '2026-02-01T10:00:00Z', 'A'), earlier, [], [])).toBeNull();
    });
    it('a redelivered report counts once', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A'), report('R2', '2026-02-01T10:00:00Z', 'A')];
      expect(evaluateCommunityTrigger(report('R2', '2026-02-01T10:00:00Z', 'A'), earlier, [], [])).toBeNull();
    });
  });

  describe('no action taken', () => {
    const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A'), report('R2', '2026-02-01T10:00:00Z', 'A')];
    it('an action before the window does not stop it', () => {
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [action('2025-12-31T10:00:00Z')], [])?.clause).toBe('three-reports-one-reporter');
    });
    it('an action inside the window does', () => {
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [action('2026-01-20T10:00:00Z')], [])).toBeNull();
    });
    it('an action on another problem does not', () => {
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [action('2026-01-20T10:00:00Z', 'ASB:TS25-1:youths')], [])).not.toBeNull();
    });
    it('an action at the new report’s time answers it', () => {
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [action('2026-03-01T10:00:00Z')], [])).toBeNull();
    });
    it('an action after the new report (a late-arriving one) is not before it', () => {
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A'), earlier, [action('2026-03-02T10:00:00Z')], [])?.clause).toBe('three-reports-one-reporter');
    });
    it('3 further reports after an action meet it again, naming only those', () => {
      const more = [...earlier, report('R3', '2026-02-15T10:00:00Z', 'A'), report('R4', '2026-03-01T10:00:00Z', 'A'), report('R5', '2026-03-10T10:00:00Z', 'A')];
      expect(evaluateCommunityTrigger(report('R6', '2026-03-20T10:00:00Z', 'A'), more, [action('2026-02-20T10:00:00Z')], [])?.reportRefs).toEqual(['R4', 'R5', 'R6']);
    });
  });

  describe('(b) 5+ reports from more than one reporter in six months, no action', () => {
    const a = 'three-reports-one-reporter' as const;
    it('5 reports from 1 reporter are (a), not (b): with (a) already raised there is nothing', () => {
      const earlier = ['R1', 'R2', 'R3', 'R4'].map((ref, i) => report(ref, `2026-0${i + 1}-01T10:00:00Z`, 'A'));
      const now = report('R5', '2026-05-01T10:00:00Z', 'A');
      expect(evaluateCommunityTrigger(now, earlier, [], [])?.clause).toBe(a);
      expect(evaluateCommunityTrigger(now, earlier, [], [trigger(a, '2026-03-01T10:00:00Z')])).toBeNull();
    });
    it('5 reports from 2 reporters meet it, naming all five', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A'), report('R2', '2026-02-01T10:00:00Z', 'B'), report('R3', '2026-03-01T10:00:00Z', 'A'), report('R4', '2026-04-01T10:00:00Z')];
      expect(evaluateCommunityTrigger(report('R5', '2026-05-01T10:00:00Z', 'B'), earlier, [], [])).toEqual({
        clause: 'five-reports-several-reporters',
        reportRefs: ['R1', 'R2', 'R3', 'R4', 'R5'],
      });
    });
    it('4 reports from 2 reporters do not', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A'), report('R2', '2026-02-01T10:00:00Z', 'B'), report('R3', '2026-03-01T10:00:00Z', 'A')];
      expect(evaluateCommunityTrigger(report('R4', '2026-04-01T10:00:00Z', 'B'), earlier, [], [])).toBeNull();
    });
    it('5 reports, one known reporter and four anonymous, do not: two reporters must be known', () => {
      const earlier = ['R1', 'R2', 'R3', 'R4'].map((ref, i) => report(ref, `2026-0${i + 1}-01T10:00:00Z`));
      expect(evaluateCommunityTrigger(report('R5', '2026-05-01T10:00:00Z', 'A'), earlier, [], [])).toBeNull();
    });
    it('with (a) already raised, (b) is still raised when met', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A'), report('R2', '2026-02-01T10:00:00Z', 'A'), report('R3', '2026-03-01T10:00:00Z', 'A'), report('R4', '2026-04-01T10:00:00Z', 'B')];
      expect(evaluateCommunityTrigger(report('R5', '2026-05-01T10:00:00Z', 'B'), earlier, [], [trigger(a, '2026-03-01T10:00:00Z')])?.clause).toBe('five-reports-several-reporters');
    });
  });

  describe('(c) one hate incident in three months, no action', () => {
    it('a hate report by itself meets it', () => {
      expect(evaluateCommunityTrigger(report('R1', '2026-03-01T10:00:00Z', 'A', { hate: true }), [], [], [])).toEqual({ clause: 'hate-incident', reportRefs: ['R1'], reporterKey: 'A' });
    });
    it('so does an anonymous one', () => {
      expect(evaluateCommunityTrigger(report('R1', '2026-03-01T10:00:00Z', undefined, { hate: true }), [], [], [])).toEqual({ clause: 'hate-incident', reportRefs: ['R1'] });
    });
    it('an unanswered hate report exactly 3 calendar months earlier still counts', () => {
      const earlier = [report('H1', '2026-01-31T10:00:00Z', 'A', { hate: true })];
      expect(evaluateCommunityTrigger(report('R2', '2026-04-30T10:00:00Z', 'B'), earlier, [], [])?.reportRefs).toEqual(['H1']);
    });
    it('a day more does not', () => {
      const earlier = [report('H1', '2026-01-31T10:00:00Z', 'A', { hate: true })];
      expect(evaluateCommunityTrigger(report('R2', '2026-05-01T10:00:00Z', 'B'), earlier, [], [])).toBeNull();
    });
    it('an action since the hate report answers it', () => {
      const earlier = [report('H1', '2026-02-01T10:00:00Z', 'A', { hate: true })];
      expect(evaluateCommunityTrigger(report('R2', '2026-03-01T10:00:00Z', 'B'), earlier, [action('2026-02-02T10:00:00Z')], [])).toBeNull();
    });
    it('comes first: a hate report that is also one reporter’s third is (c)', () => {
      const earlier = [report('R1', '2026-01-01T10:00:00Z', 'A'), report('R2', '2026-02-01T10:00:00Z', 'A')];
      expect(evaluateCommunityTrigger(report('R3', '2026-03-01T10:00:00Z', 'A', { hate: true }), earlier, [], [])).toEqual({ clause: 'hate-incident', reportRefs: ['R3'], reporterKey: 'A' });
    });
    it('names no reporter when the hate reports are several reporters’', () => {
      const earlier = [report('H1', '2026-02-01T10:00:00Z', 'A', { hate: true })];
      expect(evaluateCommunityTrigger(report('H2', '2026-03-01T10:00:00Z', 'B', { hate: true }), earlier, [], [])).toEqual({ clause: 'hate-incident', reportRefs: ['H1', 'H2'] });
    });
  });

  describe('not raised twice', () => {
    const threeFromA = [report('R1', '2026-06-01T10:00:00Z', 'A'), report('R2', '2026-07-01T10:00:00Z', 'A')];
    const now = report('R3', '2026-08-01T10:00:00Z', 'A');
    it('an (a) trigger exactly 6 months earlier suppresses another', () => {
      expect(evaluateCommunityTrigger(now, threeFromA, [], [trigger('three-reports-one-reporter', '2026-02-01T10:00:00Z')])).toBeNull();
    });
    it('one 6 months and a day earlier does not', () => {
      expect(evaluateCommunityTrigger(now, threeFromA, [], [trigger('three-reports-one-reporter', '2026-01-31T10:00:00Z')])?.clause).toBe('three-reports-one-reporter');
    });
    it('a trigger of another clause or another problem does not', () => {
      const others = [trigger('hate-incident', '2026-07-01T10:00:00Z'), trigger('three-reports-one-reporter', '2026-07-01T10:00:00Z', 'ASB:TS25-1:youths')];
      expect(evaluateCommunityTrigger(now, threeFromA, [], others)?.clause).toBe('three-reports-one-reporter');
    });
    it('a hate trigger exactly 3 months earlier suppresses another, 3 months and a day does not', () => {
      const hate = report('H2', '2026-05-15T10:00:00Z', 'A', { hate: true });
      expect(evaluateCommunityTrigger(hate, [], [], [trigger('hate-incident', '2026-02-15T10:00:00Z')])).toBeNull();
      expect(evaluateCommunityTrigger(hate, [], [], [trigger('hate-incident', '2026-02-14T10:00:00Z')])?.clause).toBe('hate-incident');
    });
    it('a late-arriving report does not repeat a trigger a later report already raised', () => {
      const late = report('R0', '2026-07-15T10:00:00Z', 'A');
      expect(evaluateCommunityTrigger(late, threeFromA, [], [trigger('three-reports-one-reporter', '2026-08-01T10:00:00Z')])).toBeNull();
    });
  });
});
