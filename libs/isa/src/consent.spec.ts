import { Agreement, Purpose } from './agreement';
import { consentPermits, consentStatus, purposeOf } from './consent';
import { loadAgreements } from './loader';

const REASON = 'high risk of serious harm to the victim';
const purposeWith = (route: Purpose['consent']['route'], overrideReasons = route === 'not-relied-on' ? [] : [REASON]): Purpose => ({
  title: 'Test purpose',
  description: 'test',
  roles: ['marac-coordinator'],
  lawfulBasis: { article6: '6(1)(e) public task', gateways: [] },
  consent: { route, overrideReasons },
  retention: {},
  onwardSharing: 'prohibited',
  clauses: [],
});

const STATED = '2026-05-01T10:00:00.000Z';
const statementOf = (state: 'given' | 'refused' | 'withdrawn') => [{ state, statedAt: STATED }];
const OVERRIDES = {
  none: [],
  'later, allowed reason': [{ reason: REASON, decisionMaker: 'DI Hall', decidedAt: '2026-05-02T10:00:00.000Z' }],
  'later, reason not allowed': [{ reason: 'it seemed sensible', decisionMaker: 'DI Hall', decidedAt: '2026-05-02T10:00:00.000Z' }],
  'earlier, allowed reason': [{ reason: REASON, decisionMaker: 'DI Hall', decidedAt: '2026-04-30T10:00:00.000Z' }],
};
type OverrideCase = keyof typeof OVERRIDES;
type State = 'given' | 'refused' | 'withdrawn' | 'not-asked';

/** Expected: permitted or not, for every route × state × override. */
const permitted = (route: Purpose['consent']['route'], state: State, override: OverrideCase): boolean => {
  if (route === 'not-relied-on' || state === 'given') return true;
  // with nothing stated, even an "earlier" override is later than the (absent) statement
  const overridden = override === 'later, allowed reason' || (override === 'earlier, allowed reason' && state === 'not-asked');
  if (overridden) return true;
  return route === 'sought-where-safe' && state === 'not-asked';
};

describe('consent status', () => {
  it('is not-asked with nothing recorded', () => {
    expect(consentStatus([], [])).toEqual({ state: 'not-asked' });
  });

  it('takes the latest statement by time stated, not by order recorded; ties go to the one recorded last', () => {
    const statements = [
      { state: 'withdrawn' as const, statedAt: '2026-05-03T09:00:00Z' },
      { state: 'given' as const, statedAt: '2026-05-01T09:00:00Z' },
    ];
    expect(consentStatus(statements, [])).toEqual({ state: 'withdrawn', statedAt: '2026-05-03T09:00:00Z' });
    expect(consentStatus([...statements, { state: 'given', statedAt: '2026-05-03T10:00:00+01:00' }], [])).toMatchObject({ state: 'given' });
  });

  it('keeps the latest override only when it is later than the latest statement', () => {
    const override = { reason: REASON, decisionMaker: 'DI Hall', decidedAt: '2026-05-02T10:00:00Z' };
    expect(consentStatus(statementOf('refused'), [override]).override).toEqual(override);
    expect(consentStatus([{ state: 'refused', statedAt: '2026-05-02T10:00:00Z' }], [override]).override).toBeUndefined();
    expect(consentStatus([{ state: 'refused', statedAt: '2026-05-03T10:00:00Z' }], [override]).override).toBeUndefined();
    expect(consentStatus([], [override]).override).toEqual(override);
  });
});

describe('consent permits', () => {
  for (const route of ['not-relied-on', 'sought-where-safe', 'required'] as const) {
    for (const state of ['given', 'refused', 'withdrawn', 'not-asked'] as const) {
      for (const override of Object.keys(OVERRIDES) as OverrideCase[]) {
        const expected = permitted(route, state, override);
        it(`${route}, ${state}, override ${override}: ${expected ? 'permitted' : 'refused'}`, () => {
          const status = consentStatus(state === 'not-asked' ? [] : statementOf(state), OVERRIDES[override]);
          const decision = consentPermits(purposeWith(route), status);
          expect(decision.permitted).toBe(expected);
          const sentence = decision.permitted ? decision.basis : decision.reason;
          expect(sentence).toContain('Test purpose');
          expect(sentence).toContain(state === 'not-asked' ? 'not been asked' : `consent was ${state}`);
        });
      }
    }
  }

  it('names the route and lawful basis where consent is not relied on', () => {
    expect(consentPermits(purposeWith('not-relied-on'), { state: 'refused', statedAt: STATED })).toEqual({
      permitted: true,
      basis: `Test purpose does not rely on consent: sharing rests on its lawful basis (6(1)(e) public task); consent was refused on ${STATED}`,
    });
  });

  it('names the decision maker and reason of an override that counts, and says why one does not', () => {
    const refused = (reason: string) => ({
      state: 'refused' as const, statedAt: STATED, override: { reason, decisionMaker: 'DI Hall', decidedAt: '2026-05-02T10:00:00Z' },
    });
    const ok = consentPermits(purposeWith('required'), refused(REASON));
    expect(ok).toEqual({ permitted: true, basis: expect.stringContaining(`by DI Hall on 2026-05-02T10:00:00Z: ${REASON}`) });
    const not = consentPermits(purposeWith('required'), refused('it seemed sensible'));
    expect(not).toEqual({ permitted: false, reason: expect.stringContaining('its reason is not one Test purpose allows') });
  });

  it('does not count an override for a reason the purpose does not list, even a reason another purpose lists', () => {
    const status = { state: 'withdrawn' as const, statedAt: STATED, override: { reason: REASON, decisionMaker: 'DI Hall', decidedAt: '2026-05-02T10:00:00Z' } };
    expect(consentPermits(purposeWith('sought-where-safe', ['another reason']), status).permitted).toBe(false);
  });
});

describe('purposeOf', () => {
  const agreements = loadAgreements();

  it('finds a purpose of the signed agreement with its consent route', () => {
    expect(purposeOf(agreements, 'marac.risk-management')?.consent.route).toBe('sought-where-safe');
    expect(purposeOf(agreements, 'custody.yjs-notification')?.consent).toEqual({ route: 'not-relied-on', overrideReasons: [] });
    expect(purposeOf(agreements, 'no.such-purpose')).toBeUndefined();
    expect(purposeOf(agreements, 'toString')).toBeUndefined();
  });

  it('prefers the agreement in force on the day', () => {
    const base = agreements[0];
    const withRoute = (id: string, status: Agreement['status'], route: Purpose['consent']['route']): Agreement => ({
      ...base,
      id,
      status,
      purposes: { 'marac.risk-management': { ...base.purposes['marac.risk-management'], consent: { route, overrideReasons: [] } } },
    });
    const both = [withRoute('draft', 'draft', 'required'), withRoute('signed', 'signed', 'not-relied-on')];
    expect(purposeOf(both, 'marac.risk-management', new Date('2026-06-01T00:00:00Z'))?.consent.route).toBe('not-relied-on');
    expect(purposeOf([both[0]], 'marac.risk-management')?.consent.route).toBe('required');
  });
});
