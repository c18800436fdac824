import { ClassConstructor } from 'class-transformer';
import { Agency } from './agencies';
import { PersonDto } from './person.dto';
import { FieldFault } from './validation';

export { AGENCIES } from './agencies';
export type { Agency } from './agencies';

/** How a person takes part in a record: what the chronology and the rules read. */
export interface Involvement {
  role: string;
  person: PersonDto;
}

/**
 * One kind of agency record: how the agency edge takes it in (REST path, validation,
 * cross-field checks, derived fields), which event carries it on which topic, and what
 * consolidation reads from it (when it happened, who is involved). Every agency edge,
 * the bulk importer and consolidation read this one description.
 */
export interface RecordKind<T extends object = any, E extends object = any> {
  agency: Agency;
  /** unique within the agency, e.g. `custody-entry` */
  kind: string;
  /** REST path under the edge, e.g. `custody-entries`; `:param` segments are copied into the body */
  path: string;
  /** plural words for docs and reports, e.g. `custody entries` */
  title: string;
  dto: ClassConstructor<T>;
  /** the field holding the agency's own id of the record */
  refField: keyof T & string;
  eventType: string;
  topic: string;
  /** the Kafka key, from the event's data: the person (or case) whose events must stay in order */
  partitionKey(data: E): string;
  occurredAt(data: E): string;
  /** who the event is about, read from the event's data */
  involvements(data: E): Involvement[];
  /**
   * Checks class-validator cannot express (facts that contradict each other); each fault
   * names its field. Runs after validation, before anything is stored.
   */
  check?(record: T): FieldFault[];
  /**
   * The event's data: the record with what the hub derives (an IRS category, the detainee
   * of the custody entry a release belongs to). Without it the record is the data.
   */
  derive?(record: T, parent?: any): E;
  /** the event's payload class when derive() adds fields the agency may not send */
  eventDto?: ClassConstructor<E>;
  /** a record that must exist first, e.g. the custody entry a release belongs to */
  parent?: { kind: string; refField: keyof T & string };
}

/** An agency topic: its kinds' events travel on it (the registry builds TopicSpecs from these). */
export interface AgencyTopic {
  name: string;
  description: string;
  key: string;
}

export const recordRef = <T extends object>(kind: RecordKind<T>, record: T): string => String(record[kind.refField]);

/** A small helper: involvements from optional people and lists, skipping the absent. */
export function involved(...entries: [string, PersonDto | PersonDto[] | undefined][]): Involvement[] {
  const out: Involvement[] = [];
  for (const [role, people] of entries) {
    for (const person of Array.isArray(people) ? people : people ? [people] : []) out.push({ role, person });
  }
  return out;
}
