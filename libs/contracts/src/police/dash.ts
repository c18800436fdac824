/**
 * DASH risk grading (domain.md §2): the hub counts ticks and grades
 * standard 0–9, medium 10–13, high 14+. Professional judgement may raise the grade,
 * never lower it.
 */
export const DASH_FORMS = { 'police-27': 27, 'safelives-24': 24 } as const;
export type DashForm = keyof typeof DASH_FORMS;

export const RISK_LEVELS = ['standard', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const HIGH_RISK_TICKS = 14;
export const MEDIUM_RISK_TICKS = 10;

export interface DashGrade {
  ticks: number;
  /** the grade the ticks give */
  gradeFromTicks: RiskLevel;
  /** the grade that stands: the higher of the ticks' grade and professional judgement */
  riskLevel: RiskLevel;
  /** true when professional judgement raised the grade above the ticks' grade */
  raisedByJudgement: boolean;
  /** true when professional judgement asked for a lower grade than the ticks give (ignored) */
  judgementBelowTicks: boolean;
}

export function gradeFromTicks(ticks: number): RiskLevel {
  if (ticks >= HIGH_RISK_TICKS) return 'high';
  if (ticks >= MEDIUM_RISK_TICKS) return 'medium';
  return 'standard';
}

export function gradeDash(answers: readonly boolean[], judgement?: RiskLevel): DashGrade {
  const ticks = answers.filter((a) => a === true).length;
  const fromTicks = gradeFromTicks(ticks);
  const rank = (level: RiskLevel) => RISK_LEVELS.indexOf(level);
  const raised = judgement !== undefined && rank(judgement) > rank(fromTicks);
  return {
    ticks,
    gradeFromTicks: fromTicks,
    riskLevel: raised ? judgement : fromTicks,
    raisedByJudgement: raised,
    judgementBelowTicks: judgement !== undefined && rank(judgement) < rank(fromTicks),
  };
}
