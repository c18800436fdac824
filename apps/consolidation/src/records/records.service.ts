import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent, DomesticIncidentDto, Involvement, kindOfEventType, RecordKind, recordRef } from '../../../../libs/contracts/src';
import { analyticsFact } from '../../../../libs/analytics/src';
import { HubLogger } from '../../../../libs/platform/src';
import { AgencyPerson, IdentityService } from '../identity/identity.service';
import { personKey } from '../identity/person-record';
import { daFact, DaIncidentInput, VictimHistoryService } from '../marac/victim-history.service';
import { erasedAmong, scrubErased } from '../privacy/erasure-register';
import { recordsExpiredAtIntake, RetentionPolicy } from '../privacy/retention-policy';
import { RulesService } from '../rules/rules.service';
import { CustodyService } from '../custody/custody.service';
import { SchoolNotificationsService } from '../encompass/school-notifications.service';

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
 *
 * Retention and erasure hold at intake too, so that replaying the Kafka log rebuilds only
 * what the hub may keep: a record already past its agency's retention is not stored, and a
 * person in the erasure register is not linked, gets no chronology and is `{ "erased": true }`
 * in the records of the others (a DA incident whose victim is erased is not judged).
 */
@Injectable()
export class RecordsService {
  private readonly log = new HubLogger('records');

  constructor(
    private readonly identity: IdentityService,
    private readonly victims: VictimHistoryService,
    private readonly rules: RulesService,
    private readonly retention: RetentionPolicy,
    private readonly custody: CustodyService,
    private readonly schools: SchoolNotificationsService,
  ) {}

  async apply(events: CloudEvent<any>[], manager: EntityManager): Promise<void> {
    const cutoffs = this.retention.cutoffs(new Date());
    const expired: Record<string, number> = {};
    const all: { event: CloudEvent<any>; kind: RecordKind; involvements: Involvement[]; occurredAt: Date }[] = [];
    const read: typeof all = [];
    for (const event of events) {
      const kind = kindOfEventType(event.type)!;
      const occurredAt = new Date(kind.occurredAt(event.data));
      const cutoff = cutoffs.get(kind.agency);
      const record = { event, kind, occurredAt, involvements: kind.involvements(event.data) };
      all.push(record);
      if (cutoff && occurredAt < cutoff) expired[kind.agency] = (expired[kind.agency] ?? 0) + 1;
      else read.push(record);
    }
    for (const [agency, n] of Object.entries(expired)) recordsExpiredAtIntake.labels(agency).inc(n);
    if (read.length < events.length) this.log.log('records past retention not kept', { expired });

    // One look-up in the erasure register for the whole batch (holding the erasure lock shared until commit).
    const erased = await erasedAmong(manager, read.flatMap(({ kind, involvements }) => involvements.map(({ person }) => ({ agency: kind.agency, personRef: person.personRef }))));
    const kept = erased.size === 0 ? read : read.map((r) => ({
      ...r,
      event: { ...r.event, data: scrubErased(r.event.data, r.kind.agency, erased) },
      involvements: r.involvements.filter((i) => !erased.has(personKey(r.kind.agency, i.person.personRef))),
    }));

    const people: AgencyPerson[] = kept.flatMap(({ kind, involvements }) => involvements.map(({ person }) => ({ agency: kind.agency, person })));
    const subjectOf = await this.identity.link(manager, people, events[0]?.id);
    const records: ConsolidatedRecord[] = kept.map(({ event, kind, involvements, occurredAt }) => ({
      event, kind, involvements, subjectOf, ref: recordRef(kind, event.data), occurredAt,
    }));

    await this.writeChronology(records, manager);
    await this.writeImpersonal(read.filter((r) => r.involvements.length === 0), manager);
    // Counted even past retention: a fact names no one (libs/analytics facts.ts).
    const scrubbed = new Map(kept.map((k) => [k.event.id, k]));
    await this.writeFacts(all.map((r) => scrubbed.get(r.event.id) ?? r), manager);

    const da: DaIncidentInput[] = [];
    for (const r of records) {
      if (!DA_KINDS.has(`${r.kind.agency}/${r.kind.kind}`)) continue;
      const victim = r.involvements.find((i) => i.role === 'da-victim')?.person;
      if (!victim) continue; // erased
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
    await this.custody.apply(records, manager);
    await this.schools.apply(records, manager);
  }

  /** Records about no one (nobody named in them): kept once, for feeds and notifications. */
  private async writeImpersonal(records: { event: CloudEvent<any>; kind: RecordKind; occurredAt: Date }[], manager: EntityManager): Promise<void> {
    if (records.length === 0) return;
    await manager.query(
      `INSERT INTO ${SCHEMA}.impersonal_records (event_id, event_type, agency, kind, record_ref, occurred_at, record)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[])
       ON CONFLICT DO NOTHING`,
      [
        records.map((r) => r.event.id),
        records.map((r) => r.event.type),
        records.map((r) => r.kind.agency),
        records.map((r) => r.kind.kind),
        records.map((r) => recordRef(r.kind, r.event.data)),
        records.map((r) => r.occurredAt.toISOString()),
        records.map((r) => JSON.stringify(r.event.data)),
      ],
    );
  }

  /** The analytics fact of every record, erased people scrubbed (their sex included). */
  private async writeFacts(records: { event: CloudEvent<any>; kind: RecordKind; occurredAt: Date; involvements: Involvement[] }[], manager: EntityManager): Promise<void> {
    if (records.length === 0) return;
    const facts = records.map((r) => ({ r, fact: analyticsFact(r.kind, r.event.data, r.involvements) }));
    await manager.query(
      `INSERT INTO ${SCHEMA}.analytics_facts (event_id, event_type, agency, kind, occurred_at, ward, outward_postcode, category, fields)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
       ON CONFLICT DO NOTHING`,
      [
        facts.map((f) => f.r.event.id),
        facts.map((f) => f.r.event.type),
        facts.map((f) => f.r.kind.agency),
        facts.map((f) => f.r.kind.kind),
        facts.map((f) => f.r.occurredAt.toISOString()),
        facts.map((f) => f.fact.ward ?? null),
        facts.map((f) => f.fact.outwardPostcode ?? null),
        facts.map((f) => f.fact.category ?? null),
        facts.map((f) => JSON.stringify(f.fact.fields)),
      ],
    );
  }

  private async writeChronology(records: ConsolidatedRecord[], manager: EntityManager): Promise<void> {
    const rows = records.flatMap((r) =>
      r.involvements.map((i) => ({ agency: r.kind.agency, ref: i.person.personRef, role: i.role, kind: r.kind.kind, recordRef: r.ref, at: r.occurredAt, r })),
    );
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO ${SCHEMA}.chronology (agency, person_ref, role, kind, record_ref, occurred_at, event_id, event_type, record)
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
        rows.map((x) => JSON.stringify(x.r.event.data)),
      ],
    );
  }
}
