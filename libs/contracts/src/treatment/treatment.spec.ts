import { getMetadataStorage } from 'class-validator';
import { RecordKind } from '../records';
import { validatePayload } from '../validation';
import { ContinuityOfCareDto, DrugTestOnArrestDto, EpisodeExitDto, EpisodeExitedData, EpisodeStartDto, TreatmentReferralDto } from './treatment.dto';
import { continuityOfCareKind, drugTestOnArrestKind, episodeExitKind, episodeStartKind, treatmentReferralKind } from './treatment.records';

const client = () => ({ personRef: 'ST-P-700', givenName: 'Test', familyName: 'Client', dateOfBirth: '1985-01-20', identifiers: { nhsNumber: '9434765919' } });

/** Validate then check, as the edge does: the record, or the bad fields (each once). */
function take(kind: RecordKind, body: unknown): { ok: true; value: any } | { ok: false; paths: string[]; reasons: string[] } {
  const v = validatePayload(kind.dto, body);
  const faults = v.ok ? (kind.check?.(v.value) ?? []) : v.faults;
  if (v.ok && faults.length === 0) return { ok: true, value: v.value };
  return { ok: false, paths: [...new Set(faults.map((f) => f.path))].sort(), reasons: faults.map((f) => f.reason) };
}

const referral = (): Record<string, any> => ({
  referralRef: 'ST-REF-2026-0142',
  referredAt: '2026-03-02T15:00:00Z',
  client: client(),
  source: 'court',
  service: 'criminal-justice',
  orderType: 'drug-rehabilitation-requirement',
});
const start = (): Record<string, any> => ({ episodeRef: 'ST-EP-2026-0088', startedAt: '2026-03-09T10:00:00Z', client: client(), service: 'adult', referralRef: 'ST-REF-2026-0142' });
const exit = (): Record<string, any> => ({ episodeRef: 'ST-EP-2026-0088', endedAt: '2026-06-30T12:00:00Z', exit: 'planned', exitReason: 'completed-drug-free' });
const test = (): Record<string, any> => ({ testRef: 'CP-DTOA-5521', testedAt: '2026-03-02T03:20:00Z', person: client(), custodyRef: 'MB-C-778', result: 'positive', substances: ['opiates', 'cocaine'] });
const handover = (): Record<string, any> => ({
  handoverRef: 'ST-COC-2026-011',
  releasedAt: '2026-03-06T09:00:00Z',
  prison: 'HMP Holme House',
  client: client(),
  engagedAt: '2026-03-07T10:00:00Z',
});

describe('treatment records', () => {
  it.each<[string, RecordKind, () => Record<string, any>]>([
    ['referral', treatmentReferralKind, referral],
    ['episode start', episodeStartKind, start],
    ['drug test on arrest', drugTestOnArrestKind, test],
    ['continuity of care', continuityOfCareKind, handover],
  ])('accepts a valid %s, keyed by and involving the client', (_name, kind, body) => {
    const r = take(kind, body());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(kind.partitionKey(r.value)).toBe('ST-P-700');
    expect(kind.involvements(r.value).map((i) => [i.role, i.person.personRef])).toEqual([['treatment-client', 'ST-P-700']]);
  });

  it('takes a referral without a court order', () => {
    const { orderType: _o, ...body } = referral();
    expect(take(treatmentReferralKind, { ...body, source: 'self', service: 'young-people' }).ok).toBe(true);
  });

  it('names every bad field of a referral', () => {
    expect(take(treatmentReferralKind, { ...referral(), source: 'friend', service: 'alcohol', orderType: 'methadone', client: { ...client(), identifiers: { nhsNumber: '123' } } })).toMatchObject({
      ok: false,
      paths: ['client.identifiers.nhsNumber', 'orderType', 'service', 'source'],
    });
  });

  it('names every bad field of an episode start, and refuses clinical detail as an unknown field', () => {
    expect(take(episodeStartKind, { ...start(), startedAt: '2026-03-09', service: 'detox', substance: 'heroin' })).toMatchObject({
      ok: false,
      paths: ['service', 'startedAt', 'substance'],
    });
  });

  describe('episode exits', () => {
    it('accepts a valid exit; the event carries the client of the episode it ends', () => {
      const r = take(episodeExitKind, exit());
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const data = episodeExitKind.derive!(r.value, start() as EpisodeStartDto);
      expect(data).toEqual({ ...exit(), client: client() });
      expect(episodeExitKind.partitionKey(data)).toBe('ST-P-700');
      expect(episodeExitKind.occurredAt(data)).toBe('2026-06-30T12:00:00Z');
      expect(episodeExitKind.involvements(data).map((i) => i.role)).toEqual(['treatment-client']);
      expect(validatePayload(EpisodeExitedData, data).ok).toBe(true);
    });

    it('names every bad field', () => {
      expect(take(episodeExitKind, { episodeRef: '', endedAt: 'June', exit: 'abandoned', exitReason: 'relapse' })).toMatchObject({
        ok: false,
        paths: ['endedAt', 'episodeRef', 'exit', 'exitReason'],
      });
    });

    it('refuses an exit reason that contradicts planned/unplanned', () => {
      expect(take(episodeExitKind, { ...exit(), exit: 'unplanned' })).toEqual({ ok: false, paths: ['exitReason'], reasons: ['completed-drug-free is a planned exit, but exit is unplanned'] });
      expect(take(episodeExitKind, { ...exit(), exitReason: 'dropped-out' })).toMatchObject({ ok: false, paths: ['exitReason'] });
      expect(take(episodeExitKind, { ...exit(), exit: 'unplanned', exitReason: 'transferred-in-custody' }).ok).toBe(true);
    });
  });

  describe('drug tests on arrest', () => {
    it('refuses a positive test without substances', () => {
      const { substances: _s, ...noSubstances } = test();
      expect(take(drugTestOnArrestKind, noSubstances)).toEqual({ ok: false, paths: ['substances'], reasons: ['a positive test names what it found: opiates, cocaine or both'] });
      expect(take(drugTestOnArrestKind, { ...test(), substances: [] })).toMatchObject({ ok: false, paths: ['substances'] });
    });

    it('takes a negative test only without substances', () => {
      const { substances: _s, ...rest } = test();
      expect(take(drugTestOnArrestKind, { ...rest, result: 'negative' }).ok).toBe(true);
      expect(take(drugTestOnArrestKind, { ...test(), result: 'negative' })).toMatchObject({ ok: false, paths: ['substances'] });
    });

    it('names every bad field: only opiates and cocaine are tested for', () => {
      expect(take(drugTestOnArrestKind, { ...test(), result: 'inconclusive', substances: ['cannabis'], custodyRef: 'MB C 778' })).toMatchObject({
        ok: false,
        paths: ['custodyRef', 'result', 'substances'],
      });
    });
  });

  describe('continuity of care', () => {
    it('takes a handover not yet engaged', () => {
      const { engagedAt: _e, ...notYet } = handover();
      expect(take(continuityOfCareKind, notYet).ok).toBe(true);
    });

    it('refuses engagement before release', () => {
      expect(take(continuityOfCareKind, { ...handover(), engagedAt: '2026-03-05T10:00:00Z' })).toMatchObject({ ok: false, paths: ['engagedAt'] });
    });

    it('names every bad field', () => {
      expect(take(continuityOfCareKind, { ...handover(), prison: '', releasedAt: 'Friday', client: undefined })).toMatchObject({ ok: false, paths: ['client', 'prison', 'releasedAt'] });
    });
  });

  it('carries no substance, diagnosis or clinical free text (Caldicott), the drug test on arrest apart', () => {
    const fields = (cls: Function) => [...new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName))];
    const clinical = /substance|drug|alcohol|diagnos|clinical|note|comment|detail|medication/i;
    for (const cls of [TreatmentReferralDto, EpisodeStartDto, EpisodeExitDto, EpisodeExitedData, ContinuityOfCareDto]) expect(fields(cls).filter((f) => clinical.test(f))).toEqual([]);
    expect(fields(DrugTestOnArrestDto).filter((f) => clinical.test(f))).toEqual(['substances']);
  });
});
