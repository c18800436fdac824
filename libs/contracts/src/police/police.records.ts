import { ageOn } from '../dates';
import { AgencyTopic, involved, RecordKind } from '../records';
import { FieldFault } from '../validation';
import { MIN_YOUTH_JUSTICE_AGE } from '../youth-justice/youth-justice.dto';
import { DomesticIncidentDto } from './domestic-incident.dto';
import { CrimeOutcomeDto, CustodyEntryDto, CustodyReleasedData, CustodyReleaseDto, PoliceAsbIncidentDto, RecordedCrimeDto } from './police-records.dto';

export const PoliceTopics = {
  DomesticIncidents: 'police.domestic-incidents.v1',
  Custody: 'police.custody.v1',
  AsbIncidents: 'police.asb-incidents.v1',
  Crimes: 'police.crimes.v1',
} as const;

export const POLICE_TOPICS: AgencyTopic[] = [
  { name: PoliceTopics.DomesticIncidents, description: 'Domestic abuse incidents attended by Cleveland Police, with DASH answers and professional judgement.', key: "the victim's police personRef, so one victim's incidents stay in order" },
  { name: PoliceTopics.Custody, description: 'Custody entries at the central custody suite and their releases.', key: "the detainee's police personRef, so a release follows its entry" },
  { name: PoliceTopics.AsbIncidents, description: 'Anti-social behaviour incidents reported to police.', key: 'the same-problem reference, else the reporter personRef, else the incident ref' },
  { name: PoliceTopics.Crimes, description: 'Recorded crimes (Home Office category, DA and hate flags, ward, outward postcode) and their outcomes.', key: 'the crime ref, so outcomes follow their crime' },
];

export const domesticIncidentKind: RecordKind<DomesticIncidentDto> = {
  agency: 'police',
  kind: 'domestic-incident',
  path: 'domestic-incidents',
  title: 'domestic incidents',
  dto: DomesticIncidentDto,
  refField: 'incidentRef',
  eventType: 'uk.shp.police.domestic-incident.recorded.v1',
  topic: PoliceTopics.DomesticIncidents,
  partitionKey: (d) => d.victim.personRef,
  occurredAt: (d) => d.occurredAt,
  involvements: (d) => involved(['da-victim', d.victim], ['da-perpetrator', d.perpetrator], ['child-present', d.childrenPresent]),
};

export const custodyEntryKind: RecordKind<CustodyEntryDto> = {
  agency: 'police',
  kind: 'custody-entry',
  path: 'custody-entries',
  title: 'custody entries',
  dto: CustodyEntryDto,
  refField: 'custodyRef',
  eventType: 'uk.shp.police.custody-entry.recorded.v1',
  topic: PoliceTopics.Custody,
  partitionKey: (d) => d.detainee.personRef,
  occurredAt: (d) => d.arrivedAt,
  check: custodyEntryFaults,
  involvements: (d) => involved(['detainee', d.detainee]),
};

/** Age of criminal responsibility: a custody record of a child under 10 is a data error (domain.md §2). */
function custodyEntryFaults(entry: CustodyEntryDto): FieldFault[] {
  if (!entry.detainee.dateOfBirth) return [];
  const age = ageOn(entry.detainee.dateOfBirth, entry.arrivedAt);
  if (age < 0) return [{ path: 'detainee.dateOfBirth', reason: 'must not be after arrivedAt' }];
  if (age < MIN_YOUTH_JUSTICE_AGE) {
    return [{ path: 'detainee.dateOfBirth', reason: `the detainee was ${age} on arrival (${entry.arrivedAt}): under the age of criminal responsibility (${MIN_YOUTH_JUSTICE_AGE}), so this is a data error` }];
  }
  return [];
}

export const custodyReleaseKind: RecordKind<CustodyReleaseDto, CustodyReleasedData> = {
  agency: 'police',
  kind: 'custody-release',
  path: 'custody-entries/:custodyRef/release',
  title: 'custody releases',
  dto: CustodyReleaseDto,
  eventDto: CustodyReleasedData,
  refField: 'custodyRef',
  eventType: 'uk.shp.police.custody-release.recorded.v1',
  topic: PoliceTopics.Custody,
  parent: { kind: 'custody-entry', refField: 'custodyRef' },
  derive: (release, entry: CustodyEntryDto) => ({ ...release, detainee: entry.detainee }),
  partitionKey: (d) => d.detainee.personRef,
  occurredAt: (d) => d.releasedAt,
  involvements: (d) => involved(['detainee', d.detainee]),
};

export const policeAsbIncidentKind: RecordKind<PoliceAsbIncidentDto> = {
  agency: 'police',
  kind: 'asb-incident',
  path: 'asb-incidents',
  title: 'ASB incidents',
  dto: PoliceAsbIncidentDto,
  refField: 'incidentRef',
  eventType: 'uk.shp.police.asb-incident.recorded.v1',
  topic: PoliceTopics.AsbIncidents,
  partitionKey: (d) => d.problemRef ?? d.reporter?.personRef ?? d.incidentRef,
  occurredAt: (d) => d.occurredAt,
  involvements: (d) => involved(['asb-reporter', d.reporter], ['asb-suspect', d.suspects]),
};

export const recordedCrimeKind: RecordKind<RecordedCrimeDto> = {
  agency: 'police',
  kind: 'crime',
  path: 'crimes',
  title: 'recorded crimes',
  dto: RecordedCrimeDto,
  refField: 'crimeRef',
  eventType: 'uk.shp.police.crime.recorded.v1',
  topic: PoliceTopics.Crimes,
  partitionKey: (d) => d.crimeRef,
  occurredAt: (d) => d.recordedAt,
  // A DA-flagged crime is usually the same event as a police DA incident (which carries the
  // DASH), so crimes do not count as DA incidents again for MARAC escalation.
  involvements: (d) => involved(['crime-victim', d.victim], ['crime-suspect', d.suspects]),
};

export const crimeOutcomeKind: RecordKind<CrimeOutcomeDto> = {
  agency: 'police',
  kind: 'crime-outcome',
  path: 'crime-outcomes',
  title: 'crime outcomes',
  dto: CrimeOutcomeDto,
  refField: 'outcomeRef',
  eventType: 'uk.shp.police.crime-outcome.recorded.v1',
  topic: PoliceTopics.Crimes,
  // keyed by the crime so an outcome follows its crime on one partition
  partitionKey: (d) => d.crimeRef,
  occurredAt: (d) => d.decidedAt,
  involvements: (d) => involved(['crime-suspect', d.person]),
};

export const POLICE_KINDS: RecordKind[] = [domesticIncidentKind, custodyEntryKind, custodyReleaseKind, policeAsbIncidentKind, recordedCrimeKind, crimeOutcomeKind];
