import { DaIncidentFact, evaluateSerialPerpetrator } from './serial-perpetrator';

const at = (iso: string) => new Date(iso);
/** `null`: no known perpetrator. */
const incident = (ref: string, occurredAt: string, victimSubjectId: string, perpetratorSubjectId: string | null = 'P1', agency = 'police'): DaIncidentFact => ({
  ref,
  agency,
  occurredAt: at(occurredAt),
  victimSubjectId,
  ...(perpetratorSubjectId === null ? {} : { perpetratorSubjectId }),
});
/** One incident a year from 2015 against victims V1..Vn. */
const history = (victims: number) => Array.from({ length: victims }, (_, i) => incident(`I${i + 1}`, `${2015 + i}-01-01T10:00:00Z`, `V${i + 1}`));

describe('serial perpetrator: DA against 5+ partners', () => {
  it('4 distinct victims is not serial', () => {
    const [last, ...earlier] = history(4).reverse();
    expect(evaluateSerialPerpetrator(last, earlier, false)).toBeNull();
  });
  it('the 5th distinct victim raises it, naming the first incident with each', () => {
    const earlier = [...history(4), incident('I2b', '2020-01-01T10:00:00Z', 'V2')];
    expect(evaluateSerialPerpetrator(incident('I5', '2026-01-01T10:00:00Z', 'V5'), earlier, false)).toEqual({
      victimCount: 5,
      incidentRefs: ['I1', 'I2', 'I3', 'I4', 'I5'],
    });
  });
  it('the same victim twice counts once', () => {
    expect(evaluateSerialPerpetrator(incident('I5', '2026-01-01T10:00:00Z', 'V4'), history(4), false)).toBeNull();
  });
  it('a 6th victim raises nothing more once identified', () => {
    expect(evaluateSerialPerpetrator(incident('I6', '2026-01-01T10:00:00Z', 'V6'), history(5), true)).toBeNull();
  });
  it('history loaded in bulk past 5 raises it once with the full count', () => {
    expect(evaluateSerialPerpetrator(incident('I7', '2026-01-01T10:00:00Z', 'V7'), history(6), false)?.victimCount).toBe(7);
  });
  it('has no window: incidents years apart count, and order of arrival does not matter', () => {
    const earlier = [...history(4), incident('I0', '2001-01-01T10:00:00Z', 'V3', 'P1', 'harbour')];
    expect(evaluateSerialPerpetrator(incident('I5', '2026-01-01T10:00:00Z', 'V5'), earlier, false)?.incidentRefs).toEqual(['I0', 'I1', 'I2', 'I4', 'I5']);
  });
  it('another perpetrator’s incidents and redeliveries do not count', () => {
    const earlier = [...history(3), incident('X1', '2020-01-01T10:00:00Z', 'V9', 'P2'), incident('I5', '2026-01-01T10:00:00Z', 'V5')];
    expect(evaluateSerialPerpetrator(incident('I5', '2026-01-01T10:00:00Z', 'V5'), earlier, false)).toBeNull();
  });
  it('an incident with no known perpetrator raises nothing', () => {
    expect(evaluateSerialPerpetrator(incident('I5', '2026-01-01T10:00:00Z', 'V5', null), history(4), false)).toBeNull();
  });
});
