import { FIRE_KINDS, FIRE_TOPICS } from './fire/fire.records';
import { HOUSING_KINDS, HOUSING_TOPICS } from './housing/housing.records';
import { POLICE_KINDS, POLICE_TOPICS } from './police/police.records';
import { AgencyTopic, RecordKind } from './records';
import { TREATMENT_KINDS, TREATMENT_TOPICS } from './treatment/treatment.records';
import { YOUTH_JUSTICE_KINDS, YOUTH_JUSTICE_TOPICS } from './youth-justice/youth-justice.records';

/** Every kind of agency record the hub takes in, and the topics they travel on. */
export const RECORD_KINDS: RecordKind[] = [...POLICE_KINDS, ...FIRE_KINDS, ...HOUSING_KINDS, ...TREATMENT_KINDS, ...YOUTH_JUSTICE_KINDS];
export const AGENCY_TOPICS: AgencyTopic[] = [...POLICE_TOPICS, ...FIRE_TOPICS, ...HOUSING_TOPICS, ...TREATMENT_TOPICS, ...YOUTH_JUSTICE_TOPICS];

export function recordKind(agency: string, kind: string): RecordKind {
  const found = RECORD_KINDS.find((k) => k.agency === agency && k.kind === kind);
  if (!found) throw new Error(`unknown record kind ${agency}/${kind}`);
  return found;
}

export function kindOfEventType(type: string): RecordKind | undefined {
  return RECORD_KINDS.find((k) => k.eventType === type);
}

export function kindsOf(agency: string): RecordKind[] {
  return RECORD_KINDS.filter((k) => k.agency === agency);
}
