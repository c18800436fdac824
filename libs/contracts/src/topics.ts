import { ClassConstructor } from 'class-transformer';
import { CustodyNotificationRaisedData, CustodyNotificationStatusData, CustodyNotificationUpdatedData, InboxStatus, SchoolNotificationRaisedData, TreatmentReferralRequestedData } from './custody/custody.dto';
import { IdentityDecisionData, MaracReferralWithdrawnData } from './identity/identity-decision.dto';
import { MaracReferralCreatedData } from './marac/marac-referral.dto';
import { ConsentOverrideData, ConsentRecordedData, ErasureApprovedData } from './privacy/privacy.dto';
import { CommunityTriggerMetData, FireSetterYjsNoticeData, JointVisitTaskData, SerialPerpetratorData, WorkItemWithdrawnData } from './rules/derived-events.dto';
import { domesticIncidentKind, PoliceTopics } from './police/police.records';
import { AGENCY_TOPICS, RECORD_KINDS } from './record-kinds';

/**
 * The topic registry: every Kafka topic, the event types on it, the payload class that
 * validates their data, and what the key is. Producers, consumers, the broker set-up and
 * the AsyncAPI document all read this one table.
 */
export interface EventTypeSpec {
  type: string;
  payload: ClassConstructor<object>;
  summary: string;
}

export interface TopicSpec {
  name: string;
  owner: string;
  /** services that consume it (each in its own consumer group) */
  consumers: string[];
  description: string;
  key: string;
  partitions: number;
  events: EventTypeSpec[];
}

export const EventTypes = {
  DomesticIncidentRecorded: domesticIncidentKind.eventType,
  MaracReferralCreated: 'uk.shp.consolidation.marac-referral.created.v1',
  CommunityTriggerMet: 'uk.shp.consolidation.community-trigger.met.v1',
  JointVisitTaskRaised: 'uk.shp.consolidation.joint-visit.raised.v1',
  SerialPerpetratorIdentified: 'uk.shp.consolidation.serial-perpetrator.identified.v1',
  FireSetterYjsNotice: 'uk.shp.consolidation.fire-setter-yjs-notice.raised.v1',
  MaracReferralWithdrawn: 'uk.shp.consolidation.marac-referral.withdrawn.v1',
  WorkItemWithdrawn: 'uk.shp.consolidation.work-item.withdrawn.v1',
  IdentityDecisionRecorded: 'uk.shp.hub.identity-decision.recorded.v1',
  ConsentRecorded: 'uk.shp.hub.consent.recorded.v1',
  ConsentOverrideRecorded: 'uk.shp.hub.consent-override.recorded.v1',
  ErasureApproved: 'uk.shp.hub.erasure.approved.v1',
  CustodyNotificationRaised: 'uk.shp.consolidation.custody-notification.raised.v1',
  CustodyNotificationUpdated: 'uk.shp.consolidation.custody-notification.updated.v1',
  CustodyNotificationDelivered: 'uk.shp.youth-justice.custody-notification.delivered.v1',
  CustodyNotificationAcknowledged: 'uk.shp.youth-justice.custody-notification.acknowledged.v1',
  CustodyNotificationEscalated: 'uk.shp.youth-justice.custody-notification.escalated.v1',
  TreatmentReferralRequested: 'uk.shp.consolidation.treatment-referral.requested.v1',
  SchoolNotificationRaised: 'uk.shp.consolidation.school-notification.raised.v1',
} as const;

/** The inbox status event type of each status. */
export const INBOX_STATUS_EVENTS: Record<InboxStatus, string> = {
  delivered: EventTypes.CustodyNotificationDelivered,
  acknowledged: EventTypes.CustodyNotificationAcknowledged,
  escalated: EventTypes.CustodyNotificationEscalated,
};

export const Topics = {
  PoliceDomesticIncidents: PoliceTopics.DomesticIncidents,
  MaracReferrals: 'consolidation.marac-referrals.v1',
  WorkItems: 'consolidation.work-items.v1',
  IdentityDecisions: 'hub.identity-decisions.v1',
  Consent: 'hub.consent.v1',
  Erasures: 'hub.erasures.v1',
  CustodyNotifications: 'consolidation.custody-notifications.v1',
  CustodyInbox: 'youth-justice.custody-inbox.v1',
  TreatmentReferralRequests: 'consolidation.treatment-referrals.v1',
  SchoolNotifications: 'consolidation.school-notifications.v1',
} as const;

const PARTITIONS = 6;

/** Agency topics: each carries the events of the record kinds that name it. */
const agencyTopics: TopicSpec[] = AGENCY_TOPICS.map((t) => {
  const kinds = RECORD_KINDS.filter((k) => k.topic === t.name);
  return {
    name: t.name,
    owner: kinds[0].agency,
    consumers: ['consolidation'],
    description: t.description,
    key: t.key,
    partitions: PARTITIONS,
    events: kinds.map((k) => ({ type: k.eventType, payload: k.eventDto ?? k.dto, summary: `${k.agency}: ${k.title} (POST /${k.path}).` })),
  };
});

export const TOPICS: TopicSpec[] = [
  ...agencyTopics,
  {
    name: Topics.MaracReferrals,
    owner: 'consolidation',
    consumers: [],
    description: 'MARAC referrals the hub raised from the SafeLives criteria. Refs only; details via hub-api under the ISA.',
    key: 'the hub subject id of the victim',
    partitions: PARTITIONS,
    events: [
      { type: EventTypes.MaracReferralCreated, payload: MaracReferralCreatedData, summary: 'A MARAC referral was raised for a victim.' },
      { type: EventTypes.MaracReferralWithdrawn, payload: MaracReferralWithdrawnData, summary: 'An unlink took away the grounds of a MARAC referral not yet screened.' },
    ],
  },
  {
    name: Topics.IdentityDecisions,
    owner: 'hub-api',
    consumers: ['consolidation'],
    description: 'Decisions people took in hub-api about identity links (confirm a possible match, reject it, unlink a person); consolidation applies them.',
    key: 'the agency person decided about (agency:personRef)',
    partitions: PARTITIONS,
    events: [{ type: EventTypes.IdentityDecisionRecorded, payload: IdentityDecisionData, summary: 'A reviewer confirmed, rejected or unlinked an identity link.' }],
  },
  {
    name: Topics.Consent,
    owner: 'hub-api',
    consumers: [],
    description: 'Consent per subject and purpose (given, refused, withdrawn) and overrides with reason and decision maker, as recorded in hub-api. The policy decision point reads them; partners may follow them.',
    key: 'the hub subject id',
    partitions: PARTITIONS,
    events: [
      { type: EventTypes.ConsentRecorded, payload: ConsentRecordedData, summary: 'A person gave, refused or withdrew consent to sharing for a purpose.' },
      { type: EventTypes.ConsentOverrideRecorded, payload: ConsentOverrideData, summary: 'A decision maker shares without or against consent, for a reason the purpose allows.' },
    ],
  },
  {
    name: Topics.Erasures,
    owner: 'hub-api',
    consumers: ['consolidation'],
    description: 'Approved erasure requests. Consolidation erases the agency persons named and keeps them in its erasure register, so a replay of the agency topics does not bring them back.',
    key: 'the hub subject id',
    partitions: PARTITIONS,
    events: [{ type: EventTypes.ErasureApproved, payload: ErasureApprovedData, summary: 'An erasure request was approved: forget these agency persons.' }],
  },
  {
    name: Topics.WorkItems,
    owner: 'consolidation',
    consumers: [],
    description: 'Work the partnership rules raised for a team: Community Trigger reviews, joint visits, serial perpetrator plans, YJS notices. Refs and hub ids only.',
    key: 'the hub subject id, or the ASB problem key',
    partitions: PARTITIONS,
    events: [
      { type: EventTypes.CommunityTriggerMet, payload: CommunityTriggerMetData, summary: 'An ASB problem met a Community Trigger threshold: a case review for the community safety team.' },
      { type: EventTypes.JointVisitTaskRaised, payload: JointVisitTaskData, summary: 'A DA victim had a second incident within 12 months: a joint police and Harbour visit.' },
      { type: EventTypes.SerialPerpetratorIdentified, payload: SerialPerpetratorData, summary: 'A perpetrator reached DA against five partners.' },
      { type: EventTypes.FireSetterYjsNotice, payload: FireSetterYjsNoticeData, summary: 'A child fire-setter is open to a YJS: that YJS is told.' },
      { type: EventTypes.WorkItemWithdrawn, payload: WorkItemWithdrawnData, summary: 'A link changed and a work item’s grounds are no longer one person’s.' },
    ],
  },
  {
    name: Topics.CustodyNotifications,
    owner: 'consolidation',
    consumers: ['youth-justice'],
    description: 'A child entered custody: the notification to the home YJS (or the out-of-area queue), and its updates when the child is released, charged or transferred. Refs and hub ids only; the YJS reads the child’s details from hub-api under the custody purpose.',
    key: 'the custody ref, so a release follows its entry',
    partitions: PARTITIONS,
    events: [
      { type: EventTypes.CustodyNotificationRaised, payload: CustodyNotificationRaisedData, summary: 'A child (under 18 on arrival, or appearing under 18) entered custody: notify the home YJS.' },
      { type: EventTypes.CustodyNotificationUpdated, payload: CustodyNotificationUpdatedData, summary: 'The child left custody: released, bailed, charged, remanded or transferred to local authority accommodation.' },
    ],
  },
  {
    name: Topics.CustodyInbox,
    owner: 'youth-justice',
    consumers: ['consolidation'],
    description: 'What happened to each custody notification in the YJS inbox: delivered to the team, acknowledged by an officer (who, when), or escalated to the team’s managers when nobody acknowledged in time.',
    key: 'the custody ref',
    partitions: PARTITIONS,
    events: [
      { type: EventTypes.CustodyNotificationDelivered, payload: CustodyNotificationStatusData, summary: 'The notification reached the team’s inbox.' },
      { type: EventTypes.CustodyNotificationAcknowledged, payload: CustodyNotificationStatusData, summary: 'An officer of the team acknowledged it.' },
      { type: EventTypes.CustodyNotificationEscalated, payload: CustodyNotificationStatusData, summary: 'Nobody acknowledged it in time: the team’s managers were told.' },
    ],
  },
  {
    name: Topics.TreatmentReferralRequests,
    owner: 'consolidation',
    consumers: [],
    description: 'Referrals to START from a positive substance test in custody: the young people’s team for a child, the criminal justice team (required assessment) for an adult. Refs and hub ids only; START holds the test itself.',
    key: 'the hub subject id',
    partitions: PARTITIONS,
    events: [{ type: EventTypes.TreatmentReferralRequested, payload: TreatmentReferralRequestedData, summary: 'A positive drug test in custody: refer the person to START.' }],
  },
  {
    name: Topics.SchoolNotifications,
    owner: 'consolidation',
    consumers: [],
    description: 'Operation Encompass: a child was present at a DA incident; the school’s safeguarding lead is to be told before the next school day. Refs, hub ids and the school’s URN only.',
    key: 'the hub subject id of the child',
    partitions: PARTITIONS,
    events: [{ type: EventTypes.SchoolNotificationRaised, payload: SchoolNotificationRaisedData, summary: 'A child was present at a DA incident: notify their school.' }],
  },
];

/** Poison messages of `<topic>` go to `<topic>.dlq` with the error and origin in headers. */
export const dlqTopic = (topic: string) => `${topic}.dlq`;

export function topicSpec(name: string): TopicSpec {
  const spec = TOPICS.find((t) => t.name === name);
  if (!spec) throw new Error(`unknown topic ${name}: add it to the topic registry in libs/contracts`);
  return spec;
}

export function eventTypeSpec(type: string): EventTypeSpec | undefined {
  for (const topic of TOPICS) {
    const spec = topic.events.find((e) => e.type === type);
    if (spec) return spec;
  }
  return undefined;
}

/** Every topic the broker must have: the registry's and their dead-letter topics. */
export function allTopicNames(): { name: string; partitions: number }[] {
  return TOPICS.flatMap((t) => [
    { name: t.name, partitions: t.partitions },
    { name: dlqTopic(t.name), partitions: 1 },
  ]);
}
