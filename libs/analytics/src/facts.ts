import { Involvement, RecordKind } from '../../contracts/src';
import { filterFields } from '../../isa/src';
import { outwardPostcode } from './depersonalise';

/**
 * The analytics fact of an agency record: what the partnership's indicators and the
 * analysts' feeds are built from. It holds no person: no name, date of birth, address,
 * agency person reference, record reference or free text - only the fields the agreement's
 * `analytics.depersonalised` clauses give analysts (a test holds the two together), with the
 * ward and outward postcode of where it happened (or, for a record about a person with no
 * place, where they live). Who was involved stays in consolidation's chronology, which
 * retention and erasure govern; a fact is counted even when its record was already past
 * retention at intake, so trend indicators over past years can be reproduced.
 */
export interface AnalyticsFact {
  ward?: string;
  outwardPostcode?: string;
  /** the record's main category for counting (a Home Office category, an ASB type, primary/secondary ...) */
  category?: string;
  /** the record cut to the analyst fields */
  fields: Record<string, unknown>;
}

/** The analyst fields of each event type, as the shipped agreement's clauses give them. */
export const ANALYTICS_FIELDS: Record<string, readonly string[]> = {
  'uk.shp.police.domestic-incident.recorded.v1': ['occurredAt', 'location.ward', 'victim.sex', 'perpetrator.sex', 'professionalJudgement.riskLevel'],
  'uk.shp.police.custody-entry.recorded.v1': ['arrivedAt', 'appropriateAdultRequired', 'appearsUnder18', 'detainee.sex'],
  'uk.shp.police.custody-release.recorded.v1': ['releasedAt', 'outcome', 'detainee.sex'],
  'uk.shp.police.asb-incident.recorded.v1': ['occurredAt', 'category', 'hate', 'location.ward'],
  'uk.shp.police.crime.recorded.v1': ['recordedAt', 'homeOfficeCategory', 'domesticAbuse', 'hate', 'ward', 'outwardPostcode', 'victim.sex'],
  'uk.shp.police.crime-outcome.recorded.v1': ['decidedAt', 'outcome'],
  'uk.shp.fire.deliberate-fire.recorded.v1': ['occurredAt', 'location.ward', 'propertyType', 'category', 'appliancesAttending', 'casualties', 'rescues', 'derelict', 'suspectedArson'],
  'uk.shp.fire.fire-setter-referral.recorded.v1': ['referredAt', 'referrer'],
  'uk.shp.housing.asb-report.recorded.v1': ['reportedAt', 'occurredAt', 'category', 'asbType', 'hate', 'location.ward'],
  'uk.shp.housing.enforcement-action.recorded.v1': ['takenAt', 'action'],
  'uk.shp.housing.da-disclosure.recorded.v1': ['disclosedAt', 'occurredAt', 'victim.sex', 'perpetrator.sex'],
  'uk.shp.housing.target-hardening.recorded.v1': ['completedAt', 'measures', 'reason'],
  'uk.shp.treatment.referral.recorded.v1': ['referredAt', 'source', 'service'],
  'uk.shp.treatment.episode-start.recorded.v1': ['startedAt', 'service'],
  'uk.shp.treatment.episode-exit.recorded.v1': ['endedAt', 'exit'],
  'uk.shp.treatment.drug-test-on-arrest.recorded.v1': ['testedAt', 'result'],
  'uk.shp.treatment.continuity-of-care.recorded.v1': ['releasedAt', 'engagedAt'],
  'uk.shp.youth-justice.yjs-referral.recorded.v1': ['referredAt', 'team', 'source', 'caseOpenedAt'],
  'uk.shp.youth-justice.yjs-case-closure.recorded.v1': ['closedAt', 'team'],
  'uk.shp.youth-justice.oocd-decision.recorded.v1': ['decidedAt', 'team', 'outcome'],
  'uk.shp.youth-justice.first-time-entrant.recorded.v1': ['outcomeAt', 'team', 'outcome'],
};

/** The field each kind is counted by, where it has one. */
const CATEGORY_FIELD: Record<string, string> = {
  'police/domestic-incident': 'professionalJudgement.riskLevel',
  'police/custody-release': 'outcome',
  'police/asb-incident': 'category',
  'police/crime': 'homeOfficeCategory',
  'police/crime-outcome': 'outcome',
  'fire/deliberate-fire': 'category',
  'fire/fire-setter-referral': 'referrer',
  'housing/asb-report': 'category',
  'housing/enforcement-action': 'action',
  'treatment/referral': 'service',
  'treatment/episode-start': 'service',
  'treatment/episode-exit': 'exit',
  'treatment/drug-test-on-arrest': 'result',
  'youth-justice/yjs-referral': 'source',
  'youth-justice/oocd-decision': 'outcome',
  'youth-justice/first-time-entrant': 'outcome',
};

const at = (data: unknown, path: string): unknown => path.split('.').reduce<any>((v, k) => (v == null ? undefined : v[k]), data);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export function analyticsFact(kind: RecordKind, data: unknown, involvements: Involvement[]): AnalyticsFact {
  const fields = filterFields(data, ANALYTICS_FIELDS[kind.eventType] ?? []);
  const ward = text(at(data, 'location.ward')) ?? text(at(data, 'ward'));
  const place =
    text(at(data, 'outwardPostcode'))?.toUpperCase() ??
    outwardPostcode(text(at(data, 'location.postcode'))) ??
    involvements.map((i) => outwardPostcode(i.person.address?.postcode)).find(Boolean);
  const categoryPath = CATEGORY_FIELD[`${kind.agency}/${kind.kind}`];
  return { ward, outwardPostcode: place, category: categoryPath ? text(at(data, categoryPath)) : undefined, fields };
}
