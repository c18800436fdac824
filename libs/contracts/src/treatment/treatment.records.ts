import { AgencyTopic, involved, RecordKind } from '../records';
import { FieldFault } from '../validation';
import {
  ContinuityOfCareDto, DrugTestOnArrestDto, EpisodeExitDto, EpisodeExitedData, EpisodeStartDto, PLANNED_EXIT_REASONS, TreatmentReferralDto,
  UNPLANNED_EXIT_REASONS,
} from './treatment.dto';

export const TreatmentTopics = {
  Episodes: 'treatment.episodes.v1',
} as const;

export const TREATMENT_TOPICS: AgencyTopic[] = [
  {
    name: TreatmentTopics.Episodes,
    description:
      'START drug and alcohol treatment: referrals (DRR/ATR orders among them), episode starts and exits, drug tests on arrest and continuity of care from prison. No substance, diagnosis or clinical detail (Caldicott), the drug test on arrest result apart.',
    key: "the client's treatment personRef, so one client's referrals, episodes and exits stay in order",
  },
];

export const treatmentReferralKind: RecordKind<TreatmentReferralDto> = {
  agency: 'treatment',
  kind: 'referral',
  path: 'referrals',
  title: 'treatment referrals',
  dto: TreatmentReferralDto,
  refField: 'referralRef',
  eventType: 'uk.shp.treatment.referral.recorded.v1',
  topic: TreatmentTopics.Episodes,
  partitionKey: (d) => d.client.personRef,
  occurredAt: (d) => d.referredAt,
  involvements: (d) => involved(['treatment-client', d.client]),
};

export const episodeStartKind: RecordKind<EpisodeStartDto> = {
  agency: 'treatment',
  kind: 'episode-start',
  path: 'episodes',
  title: 'treatment episode starts',
  dto: EpisodeStartDto,
  refField: 'episodeRef',
  eventType: 'uk.shp.treatment.episode-start.recorded.v1',
  topic: TreatmentTopics.Episodes,
  partitionKey: (d) => d.client.personRef,
  occurredAt: (d) => d.startedAt,
  involvements: (d) => involved(['treatment-client', d.client]),
};

/** A completion is a planned exit; dropping out, declining and death are unplanned (NDTMS). */
function episodeExitFaults(exit: EpisodeExitDto): FieldFault[] {
  const reason = exit.exitReason;
  if (reason === undefined) return [];
  if (exit.exit === 'unplanned' && PLANNED_EXIT_REASONS.includes(reason)) return [{ path: 'exitReason', reason: `${reason} is a planned exit, but exit is unplanned` }];
  if (exit.exit === 'planned' && UNPLANNED_EXIT_REASONS.includes(reason)) return [{ path: 'exitReason', reason: `${reason} is an unplanned exit, but exit is planned` }];
  return [];
}

export const episodeExitKind: RecordKind<EpisodeExitDto, EpisodeExitedData> = {
  agency: 'treatment',
  kind: 'episode-exit',
  path: 'episodes/:episodeRef/exit',
  title: 'treatment episode exits',
  dto: EpisodeExitDto,
  eventDto: EpisodeExitedData,
  refField: 'episodeRef',
  eventType: 'uk.shp.treatment.episode-exit.recorded.v1',
  topic: TreatmentTopics.Episodes,
  parent: { kind: 'episode-start', refField: 'episodeRef' },
  // endedAt before the start's startedAt cannot be refused here: check() runs before the
  // parent episode is looked up, so it only sees the exit itself
  check: episodeExitFaults,
  derive: (exit, start: EpisodeStartDto) => ({ ...exit, client: start.client }),
  partitionKey: (d) => d.client.personRef,
  occurredAt: (d) => d.endedAt,
  involvements: (d) => involved(['treatment-client', d.client]),
};

export const drugTestOnArrestKind: RecordKind<DrugTestOnArrestDto> = {
  agency: 'treatment',
  kind: 'drug-test-on-arrest',
  path: 'drug-tests-on-arrest',
  title: 'drug tests on arrest',
  dto: DrugTestOnArrestDto,
  refField: 'testRef',
  eventType: 'uk.shp.treatment.drug-test-on-arrest.recorded.v1',
  topic: TreatmentTopics.Episodes,
  check: (t) => {
    if (t.result === 'positive' && !t.substances?.length) return [{ path: 'substances', reason: 'a positive test names what it found: opiates, cocaine or both' }];
    if (t.result === 'negative' && t.substances !== undefined) return [{ path: 'substances', reason: 'a negative test found nothing: leave substances out' }];
    return [];
  },
  partitionKey: (d) => d.person.personRef,
  occurredAt: (d) => d.testedAt,
  involvements: (d) => involved(['treatment-client', d.person]),
};

export const continuityOfCareKind: RecordKind<ContinuityOfCareDto> = {
  agency: 'treatment',
  kind: 'continuity-of-care',
  path: 'continuity-of-care',
  title: 'continuity of care handovers',
  dto: ContinuityOfCareDto,
  refField: 'handoverRef',
  eventType: 'uk.shp.treatment.continuity-of-care.recorded.v1',
  topic: TreatmentTopics.Episodes,
  check: (c) => (c.engagedAt !== undefined && Date.parse(c.engagedAt) < Date.parse(c.releasedAt) ? [{ path: 'engagedAt', reason: 'must not be before releasedAt: engagement in the community follows release' }] : []),
  partitionKey: (d) => d.client.personRef,
  occurredAt: (d) => d.releasedAt,
  involvements: (d) => involved(['treatment-client', d.client]),
};

export const TREATMENT_KINDS: RecordKind[] = [treatmentReferralKind, episodeStartKind, episodeExitKind, drugTestOnArrestKind, continuityOfCareKind];
