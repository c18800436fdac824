import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent, DomesticIncidentDto, Involvement, kindOfEventType, RecordKind, recordRef } from '../../../../libs/contracts/src';
import { AgencyPerson, IdentityService } from '../identity/identity.service';
import { personKey } from '../identity/person-record';
import { daFact, DaIncidentInput, VictimHistoryService } from '../marac/victim-history.service';
import { RulesService } from '../rules/rules.service';

const SCHEMA = 'consolidation';

/** One agency record as consolidation reads it. */
export interface ConsolidatedRecord {
  event: CloudEvent<any>;
  kind: RecordKind;
  ref: string;
  occurredAt: Date;
  involvements: Involvement[];
  /** subject id of each involved person (`agency:personRef`) */
  subjectOf: Map<string, string>;
}

/** Kinds whose records are DA incidents for MARAC, whichever agency recorded them. */
const DA_KINDS = new Set(['police/domestic-incident', 'housing/da-disclosure']);

/**
 * Consolidates a batch of agency records: links the people in them to hub subjects, writes
 * each person's chronology, judges DA incidents for MARAC and runs the other rules. All in
 * the batch's transaction, so a batch is applied whole or not at all.
 */
@Injectable()
export class RecordsService {
  constructor(
    private readonly identity: IdentityService,
    private readonly victims: VictimHistoryService,
    private readonly rules: RulesService,
  ) {}

  async apply(events: CloudEvent<any>[], manager: EntityManager): Promise<void> {
    const read = events.map((event) => {
      const kind = kindOfEventType(event.type)!;
      return { event, kind, involvements: kind.involvements(event.data) };
    });
    const people: AgencyPerson[] = read.flatMap(({ kind, involvements }) => involvements.map(({ person }) => ({ agency: kind.agency, person })));
    const subjectOf = await this.identity.link(manager, people, events[0]?.id);
    const records: ConsolidatedRecord[] = read.map(({ event, kind, involvements }) => ({
      event, kind, involvements, subjectOf, ref: recordRef(kind, event.data), occurredAt: new Date(kind.occurredAt(event.data)),
    }));

    await this.writeChronology(records, manager);

    const da: DaIncidentInput[] = [];
    for (const r of records) {
      if (!DA_KINDS.has(`${r.kind.agency}/${r.kind.kind}`)) continue;
      const victim = r.involvements.find((i) => i.role === 'da-victim')!.person;
      const data = r.event.data as Partial<DomesticIncidentDto>;
      da.push({
        event: r.event,
        agency: r.kind.agency,
        fact: daFact(r.ref, r.occurredAt.toISOString(), data.dash, data.professionalJudgement),
        victimRef: victim.personRef,
        victimSubjectId: subjectOf.get(personKey(r.kind.agency, victim.personRef))!,
        perpetratorRef: r.involvements.find((i) => i.role === 'da-perpetrator')?.person.personRef,
      });
    }
    const newDa = await this.victims.apply(da, manager);
    await this.rules.apply(records, newDa, manager);
  }

  private async writeChronology(records: ConsolidatedRecord[], manager: EntityManager): Promise<void> {
    const rows = records.flatMap((r) =>
      r.involvements.map((i) => ({ agency: r.kind.agency, ref: i.person.personRef, role: i.role, kind: r.kind.kind, recordRef: r.ref, at: r.occurredAt, r })),
    );
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO ${SCHEMA}.chronology (agency, person_ref, role, kind, record_ref, occurred_at, event_id, event_type, facts)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::text[], $9::jsonb[])
       ON CONFLICT DO NOTHING`,
      [
        rows.map((x) => x.agency),
        rows.map((x) => x.ref),
        rows.map((x) => x.role),
        rows.map((x) => x.kind),
        rows.map((x) => x.recordRef),
        rows.map((x) => x.at.toISOString()),
        rows.map((x) => x.r.event.id),
        rows.map((x) => x.r.event.type),
        rows.map((x) => JSON.stringify(factsOf(x.r.event.data))),
      ],
    );
  }
}

/**
 * What the chronology keeps of a record: its facts without the people in it (they are
 * linked separately, and a person's details belong to their agency record).
 */
export function factsOf(data: Record<string, unknown>): Record<string, unknown> {
  const isPerson = (v: unknown) => typeof v === 'object' && v !== null && 'personRef' in v;
  return Object.fromEntries(Object.entries(data).filter(([, v]) => !(isPerson(v) || (Array.isArray(v) && v.some(isPerson)))));
}
