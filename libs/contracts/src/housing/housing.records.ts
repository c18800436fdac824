import { AgencyTopic, involved, RecordKind } from '../records';
import { FieldFault } from '../validation';
import { AsbReportDto, DaDisclosureDto, EnforcementActionDto, TargetHardeningDto } from './housing.dto';

export const HousingTopics = {
  Asb: 'housing.asb.v1',
  Safeguarding: 'housing.safeguarding.v1',
} as const;

export const HOUSING_TOPICS: AgencyTopic[] = [
  {
    name: HousingTopics.Asb,
    description: 'Landlord anti-social behaviour reports from tenants, and the enforcement actions taken on them.',
    key: "the same-problem reference, else the reporter's (or the enforcement subject's) housing personRef, so a problem's reports and actions stay in order",
  },
  {
    name: HousingTopics.Safeguarding,
    description: 'Domestic abuse disclosed to housing officers (with a SafeLives DASH when completed), and target hardening of residents’ homes.',
    key: "the victim's (or resident's) housing personRef",
  },
];

/** A time the record says something happened before another must not come after it. */
function notAfter(path: string, earlier: string | undefined, later: string, laterName: string): FieldFault[] {
  return earlier !== undefined && Date.parse(earlier) > Date.parse(later) ? [{ path, reason: `must not be after ${laterName}` }] : [];
}

export const asbReportKind: RecordKind<AsbReportDto> = {
  agency: 'housing',
  kind: 'asb-report',
  path: 'asb-reports',
  title: 'ASB reports',
  dto: AsbReportDto,
  refField: 'reportRef',
  eventType: 'uk.shp.housing.asb-report.recorded.v1',
  topic: HousingTopics.Asb,
  check: (r) => notAfter('occurredAt', r.occurredAt, r.reportedAt, 'reportedAt'),
  partitionKey: (d) => d.problemRef ?? d.reporter.personRef,
  occurredAt: (d) => d.occurredAt ?? d.reportedAt,
  involvements: (d) => involved(['asb-reporter', d.reporter], ['asb-suspect', d.alleged]),
};

export const enforcementActionKind: RecordKind<EnforcementActionDto> = {
  agency: 'housing',
  kind: 'enforcement-action',
  path: 'enforcement-actions',
  title: 'enforcement actions',
  dto: EnforcementActionDto,
  refField: 'actionRef',
  eventType: 'uk.shp.housing.enforcement-action.recorded.v1',
  topic: HousingTopics.Asb,
  partitionKey: (d) => d.problemRef ?? d.person.personRef,
  occurredAt: (d) => d.takenAt,
  involvements: (d) => involved(['enforcement-subject', d.person]),
};

export const daDisclosureKind: RecordKind<DaDisclosureDto> = {
  agency: 'housing',
  kind: 'da-disclosure',
  path: 'da-disclosures',
  title: 'DA disclosures',
  dto: DaDisclosureDto,
  refField: 'disclosureRef',
  eventType: 'uk.shp.housing.da-disclosure.recorded.v1',
  topic: HousingTopics.Safeguarding,
  check: (d) => [
    ...notAfter('occurredAt', d.occurredAt, d.disclosedAt, 'disclosedAt'),
    // the police-27 form is the police's own; partner agencies complete the SafeLives 24
    ...(d.dash && d.dash.form !== 'safelives-24' ? [{ path: 'dash.form', reason: 'a housing officer completes the SafeLives form: safelives-24' }] : []),
  ],
  partitionKey: (d) => d.victim.personRef,
  occurredAt: (d) => d.occurredAt ?? d.disclosedAt,
  involvements: (d) => involved(['da-victim', d.victim], ['da-perpetrator', d.perpetrator], ['child-present', d.childrenInHousehold]),
};

export const targetHardeningKind: RecordKind<TargetHardeningDto> = {
  agency: 'housing',
  kind: 'target-hardening',
  path: 'target-hardening',
  title: 'target hardening',
  dto: TargetHardeningDto,
  refField: 'workRef',
  eventType: 'uk.shp.housing.target-hardening.recorded.v1',
  topic: HousingTopics.Safeguarding,
  partitionKey: (d) => d.resident.personRef,
  occurredAt: (d) => d.completedAt,
  involvements: (d) => involved(['target-hardening-resident', d.resident]),
};

export const HOUSING_KINDS: RecordKind[] = [asbReportKind, enforcementActionKind, daDisclosureKind, targetHardeningKind];
