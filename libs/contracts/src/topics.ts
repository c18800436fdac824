import { ClassConstructor } from 'class-transformer';
import { MaracReferralCreatedData } from './marac/marac-referral.dto';
import { DomesticIncidentDto } from './police/domestic-incident.dto';

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
  DomesticIncidentRecorded: 'uk.shp.police.domestic-incident.recorded.v1',
  MaracReferralCreated: 'uk.shp.consolidation.marac-referral.created.v1',
} as const;

export const Topics = {
  PoliceDomesticIncidents: 'police.domestic-incidents.v1',
  MaracReferrals: 'consolidation.marac-referrals.v1',
} as const;

export const TOPICS: TopicSpec[] = [
  {
    name: Topics.PoliceDomesticIncidents,
    owner: 'police',
    consumers: ['consolidation'],
    description: 'Domestic abuse incidents attended by Cleveland Police, with DASH answers and professional judgement.',
    key: "the victim's police personRef, so one victim's incidents stay in order",
    partitions: 6,
    events: [
      { type: EventTypes.DomesticIncidentRecorded, payload: DomesticIncidentDto, summary: 'A DA incident was recorded by police.' },
    ],
  },
  {
    name: Topics.MaracReferrals,
    owner: 'consolidation',
    consumers: [],
    description: 'MARAC referrals the hub raised from the SafeLives criteria. Refs only; details via hub-api under the ISA.',
    key: 'the hub subject id of the victim',
    partitions: 6,
    events: [
      { type: EventTypes.MaracReferralCreated, payload: MaracReferralCreatedData, summary: 'A MARAC referral was raised for a victim.' },
    ],
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
