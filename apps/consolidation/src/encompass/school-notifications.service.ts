import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent, EventTypes, newEvent, nextSchoolDayStart, SchoolCalendar, SchoolNotificationRaisedData, schoolNotificationId, Topics } from '../../../../libs/contracts/src';
import { enqueueEvents } from '../../../../libs/messaging/src';
import { HubLogger } from '../../../../libs/platform/src';
import { personKey } from '../identity/person-record';
import { CONSOLIDATION_SOURCE } from '../marac/victim-history.service';
import type { ConsolidatedRecord } from '../records/records.service';
import { loadSchoolCalendar } from './school-calendar';

const SCHEMA = 'consolidation';
/** The records Operation Encompass acts on: police DA incidents (the duty is the police's). */
const ENCOMPASS_KIND = 'police/domestic-incident';
const CHILD_ROLE = 'child-present';
const URN = /^\d{6}$/;

export interface School {
  urn: string;
  name: string;
}

const schoolOf = (value: unknown): School | undefined => {
  const s = value as Partial<School> | undefined;
  return s && typeof s.urn === 'string' && URN.test(s.urn) && typeof s.name === 'string' && s.name.trim() ? { urn: s.urn, name: s.name } : undefined;
};

interface Row {
  id: string;
  incidentRef: string;
  event: CloudEvent;
  subjectId: string;
  school?: School;
  /** `incident`, or the other record the school was taken from (`agency/kind ref`) */
  schoolFrom?: string;
  incidentAt: Date;
  dueBy: Date;
}

/**
 * Operation Encompass (domain.md §2, DAA 2021 s49A): each child present at a police DA
 * incident gets one notification to their school's safeguarding lead, due before the start
 * of the next school day after the incident (deploy/schools/calendar.yaml).
 *
 * The school: the one the police gave for the child in the incident itself; else the school
 * named for that child (by any of the agency persons linked to the child's hub subject) in
 * the most recent record of any agency, by when that record happened (ties: the one the hub
 * received last). No school known: a `no-school` row and no event, so the police Encompass
 * officers find it on the tracking list and find the school.
 *
 * One row per (incident event, child person): the row's id is a UUID v5 of the two
 * (`schoolNotificationId`), so a redelivered incident raises nothing again; and one per
 * (incident event, child subject), so a child the police named twice is told of once. The
 * child's agency reference is not kept here: the id names them, and hub-api finds them in
 * the incident by it.
 *
 * Rows with a school raise `SchoolNotificationRaised` (refs, hub ids and the URN only),
 * keyed by the child's subject id. Erased children never reach here (not involved).
 */
@Injectable()
export class SchoolNotificationsService {
  private readonly log = new HubLogger('encompass');
  readonly calendar: SchoolCalendar;

  constructor() {
    this.calendar = loadSchoolCalendar();
  }

  async apply(records: ConsolidatedRecord[], manager: EntityManager): Promise<void> {
    const rows: Row[] = [];
    for (const r of records) {
      if (`${r.kind.agency}/${r.kind.kind}` !== ENCOMPASS_KIND) continue;
      const seen = new Set<string>();
      for (const { role, person } of r.involvements) {
        const key = personKey(r.kind.agency, person.personRef);
        if (role !== CHILD_ROLE || seen.has(key)) continue;
        seen.add(key);
        const subjectId = r.subjectOf.get(key);
        if (!subjectId) continue;
        const school = schoolOf(person.school);
        rows.push({
          id: schoolNotificationId(r.event.id, r.kind.agency, person.personRef), incidentRef: r.ref, event: r.event, subjectId,
          school, schoolFrom: school ? 'incident' : undefined, incidentAt: r.occurredAt, dueBy: nextSchoolDayStart(r.occurredAt, this.calendar),
        });
      }
    }
    if (rows.length === 0) return;

    const unknown = [...new Set(rows.filter((x) => !x.school).map((x) => x.subjectId))];
    if (unknown.length) {
      const known = await this.latestSchools(unknown, manager);
      for (const row of rows) {
        if (row.school) continue;
        const found = known.get(row.subjectId);
        if (found) Object.assign(row, { school: found.school, schoolFrom: found.from });
      }
    }

    const raisedAt = new Date();
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO ${SCHEMA}.school_notifications
         (id, incident_ref, incident_event_id, incident_at, subject_id, status, school_urn, school_name, school_from, due_by, raised_at)
       SELECT t.id, t.incident_ref, t.event_id, t.incident_at, t.subject_id, CASE WHEN t.urn IS NULL THEN 'no-school' ELSE 'raised' END,
              t.urn, t.name, t.school_from, t.due_by, $10
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
           AS t(id, incident_ref, event_id, incident_at, subject_id, urn, name, school_from, due_by)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        rows.map((x) => x.id),
        rows.map((x) => x.incidentRef),
        rows.map((x) => x.event.id),
        rows.map((x) => x.incidentAt.toISOString()),
        rows.map((x) => x.subjectId),
        rows.map((x) => x.school?.urn ?? null),
        rows.map((x) => x.school?.name ?? null),
        rows.map((x) => x.schoolFrom ?? null),
        rows.map((x) => x.dueBy.toISOString()),
        raisedAt.toISOString(),
      ],
    );
    const fresh = new Set(inserted.map((i) => i.id));
    const raised = rows.filter((x) => fresh.has(x.id) && x.school);
    await enqueueEvents(
      manager,
      SCHEMA,
      raised.map((x) => ({
        topic: Topics.SchoolNotifications,
        event: newEvent({
          type: EventTypes.SchoolNotificationRaised, source: CONSOLIDATION_SOURCE, subject: x.id, partitionKey: x.subjectId, causedBy: x.event,
          data: {
            notificationId: x.id, incidentRef: x.incidentRef, incidentEventId: x.event.id, childSubjectId: x.subjectId, schoolUrn: x.school!.urn,
            dueBy: x.dueBy.toISOString(), raisedAt: raisedAt.toISOString(),
          } satisfies SchoolNotificationRaisedData,
        }),
      })),
    );
    const noSchool = rows.filter((x) => fresh.has(x.id) && !x.school).length;
    if (noSchool > 0) this.log.warn('children present at a DA incident with no school known: on the Encompass tracking list for police to find the school', { children: noSchool });
  }

  /**
   * The latest school any agency's record names for each subject: the chronology keeps each
   * record whole, so the school is read from the person in it (the object whose `personRef`
   * is that agency person's), in the most recent record by when it happened.
   */
  private async latestSchools(subjectIds: string[], manager: EntityManager): Promise<Map<string, { school: School; from: string }>> {
    const found: { subject_id: string; school: unknown; agency: string; kind: string; record_ref: string }[] = await manager.query(
      `SELECT DISTINCT ON (p.subject_id) p.subject_id, s.school, c.agency, c.kind, c.record_ref
         FROM ${SCHEMA}.persons p
         JOIN ${SCHEMA}.chronology c ON c.agency = p.agency AND c.person_ref = p.person_ref
         CROSS JOIN LATERAL (SELECT jsonb_path_query_first(c.record, 'lax $.** ? (@.personRef == $ref && exists(@.school.urn)).school', jsonb_build_object('ref', p.person_ref), true) AS school) s
        WHERE p.subject_id = ANY($1::uuid[]) AND s.school->>'urn' ~ '^[0-9]{6}$'
        ORDER BY p.subject_id, c.occurred_at DESC, c.recorded_at DESC, c.id DESC`,
      [subjectIds],
    );
    const out = new Map<string, { school: School; from: string }>();
    for (const f of found) {
      const school = schoolOf(f.school);
      if (school) out.set(f.subject_id, { school, from: `${f.agency}/${f.kind} ${f.record_ref}` });
    }
    return out;
  }
}
