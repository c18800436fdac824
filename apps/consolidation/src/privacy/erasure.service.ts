import { Controller, Injectable } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { CloudEvent, ErasureApprovedData, EventTypes } from '../../../../libs/contracts/src';
import { HubEventContext } from '../../../../libs/messaging/src';
import { HubLogger } from '../../../../libs/platform/src';
import { personKey } from '../identity/person-record';
import { rejudgeSubject, VictimHistoryService } from '../marac/victim-history.service';
import { RulesService } from '../rules/rules.service';
import { ERASURE_LOCK, scrubErased } from './erasure-register';

/** Tables of things raised about one subject (custody, Encompass, referrals to START): they go with the subject. */
export const SUBJECT_TABLES: string[] = ['custody_notifications', 'treatment_referral_requests', 'school_notifications'];

const SCHEMA = 'consolidation';
/** The erased agency persons of one request, as an SQL row source over $1 (agencies) and $2 (refs). */
const ERASED = `unnest($1::text[], $2::text[]) AS e(agency, ref)`;

/**
 * Applies approved erasure requests, in the batch's transaction:
 * 1. the agency persons named go into the erasure register (intake forgets them from then on,
 *    replays included);
 * 2. the hub's copies go: their persons and blocking keys, their chronology, DA incidents
 *    where they are the victim (and the MARAC referrals those triggered), review items and
 *    link decisions about them;
 * 3. where they appear in someone else's record (a perpetrator's DA incident, a reporter's
 *    ASB report) the record stays for that person with them replaced by `{ "erased": true }`;
 *    DA incidents and ASB reports keep their counts without the erased perpetrator or reporter;
 * 4. a subject left with nobody is marked erased (its id stays, so old and merged ids still
 *    resolve, to "erased"): its referrals and work items go, a Community Trigger item (about a
 *    problem, not a person) stays without its reporter. A subject that still has people (one
 *    linked after the approval) is judged again, like after an unlink.
 * The counts are logged; names never are.
 */
@Injectable()
export class ErasureService {
  private readonly log = new HubLogger('erasure');

  constructor(
    private readonly victims: VictimHistoryService,
    private readonly rules: RulesService,
  ) {}

  async apply(events: CloudEvent<ErasureApprovedData>[], manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(${ERASURE_LOCK})`);
    for (const event of events) {
      const counts = await this.erase(event, manager);
      this.log.log('erasure applied', { requestId: event.data.requestId, subjectId: event.data.subjectId, persons: event.data.persons.length, ...counts });
    }
  }

  private async erase(event: CloudEvent<ErasureApprovedData>, manager: EntityManager): Promise<Record<string, number>> {
    const d = event.data;
    const pairs = [d.persons.map((p) => p.agency), d.persons.map((p) => p.personRef)];
    const erased = new Set(d.persons.map((p) => personKey(p.agency, p.personRef)));
    const count = async (sql: string, params: unknown[] = pairs) => ((await manager.query(sql, params)) as [unknown[], number])[1];

    await manager.query(
      `INSERT INTO ${SCHEMA}.erasures (agency, person_ref, request_id, subject_id) SELECT e.agency, e.ref, $3, $4 FROM ${ERASED} ON CONFLICT DO NOTHING`,
      [...pairs, d.requestId, d.subjectId],
    );
    const subjects: string[] = (
      await manager.query(`SELECT DISTINCT p.subject_id FROM ${SCHEMA}.persons p JOIN ${ERASED} ON p.agency = e.agency AND p.person_ref = e.ref`, pairs)
    ).map((r: { subject_id: string }) => r.subject_id);

    const counts: Record<string, number> = {};
    counts.maracReferrals = await count(
      `DELETE FROM ${SCHEMA}.marac_referrals r USING ${SCHEMA}.da_incidents i, ${ERASED}
        WHERE i.agency = e.agency AND i.victim_ref = e.ref AND r.trigger_agency = i.agency AND r.trigger_incident_ref = i.incident_ref`,
    );
    counts.daIncidents = await count(`DELETE FROM ${SCHEMA}.da_incidents i USING ${ERASED} WHERE i.agency = e.agency AND i.victim_ref = e.ref`);
    counts.daIncidentsKeptWithoutPerpetrator = await count(
      `UPDATE ${SCHEMA}.da_incidents i SET perpetrator_agency = NULL, perpetrator_ref = NULL FROM ${ERASED} WHERE i.perpetrator_agency = e.agency AND i.perpetrator_ref = e.ref`,
    );
    counts.asbReportsKeptWithoutReporter = await count(
      `UPDATE ${SCHEMA}.asb_reports a SET reporter_agency = NULL, reporter_ref = NULL FROM ${ERASED} WHERE a.reporter_agency = e.agency AND a.reporter_ref = e.ref`,
    );

    // Their own chronology goes; the same records in other people's chronologies are scrubbed of them.
    const records: { agency: string; kind: string; record_ref: string }[] = (
      await manager.query(`DELETE FROM ${SCHEMA}.chronology c USING ${ERASED} WHERE c.agency = e.agency AND c.person_ref = e.ref RETURNING c.agency, c.kind, c.record_ref`, pairs)
    )[0];
    counts.chronology = records.length;
    counts.chronologyScrubbed = await this.scrubOthers(records, erased, manager);

    counts.identityReviews = await count(
      `DELETE FROM ${SCHEMA}.identity_reviews r USING ${ERASED}
        WHERE (r.agency = e.agency AND r.person_ref = e.ref) OR (r.candidate_agency = e.agency AND r.candidate_ref = e.ref)`,
    );
    counts.linkDecisions = await count(`DELETE FROM ${SCHEMA}.link_decisions l USING ${ERASED} WHERE l.agency = e.agency AND l.person_ref = e.ref`);
    await manager.query(`DELETE FROM ${SCHEMA}.person_keys k USING ${ERASED} WHERE k.agency = e.agency AND k.person_ref = e.ref`, pairs);
    counts.persons = await count(`DELETE FROM ${SCHEMA}.persons p USING ${ERASED} WHERE p.agency = e.agency AND p.person_ref = e.ref`);

    const left: { subject_id: string }[] = await manager.query(`SELECT DISTINCT subject_id FROM ${SCHEMA}.persons WHERE subject_id = ANY($1::uuid[])`, [subjects]);
    const stillLinked = left.map((r) => r.subject_id);
    const emptied = subjects.filter((s) => !stillLinked.includes(s));
    counts.subjectsErased = await this.eraseSubjects(emptied, manager, counts);
    // Someone linked after the approval keeps their subject, judged again on what is left.
    const why = `erasure ${d.requestId}: records of a linked person were erased`;
    for (const subject of stillLinked) {
      await rejudgeSubject(this.victims, subject, event, why, manager);
      await this.rules.recompute([subject], event, why, manager);
    }
    counts.subjectsKept = stillLinked.length;
    return counts;
  }

  /** Other people's chronology rows of the same records, with the erased replaced by `{ "erased": true }`. */
  private async scrubOthers(records: { agency: string; kind: string; record_ref: string }[], erased: Set<string>, manager: EntityManager): Promise<number> {
    if (records.length === 0) return 0;
    const rows: { id: string; agency: string; record: unknown }[] = await manager.query(
      `SELECT DISTINCT c.id, c.agency, c.record FROM ${SCHEMA}.chronology c
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS r(agency, kind, ref) ON c.agency = r.agency AND c.kind = r.kind AND c.record_ref = r.ref`,
      [records.map((r) => r.agency), records.map((r) => r.kind), records.map((r) => r.record_ref)],
    );
    const changed = rows.map((r) => ({ id: r.id, record: scrubErased(r.record, r.agency, erased) })).filter((r, i) => JSON.stringify(r.record) !== JSON.stringify(rows[i].record));
    if (changed.length === 0) return 0;
    await manager.query(
      `UPDATE ${SCHEMA}.chronology c SET record = t.record FROM unnest($1::bigint[], $2::jsonb[]) AS t(id, record) WHERE c.id = t.id`,
      [changed.map((r) => r.id), changed.map((r) => JSON.stringify(r.record))],
    );
    return changed.length;
  }

  /** Subjects left with nobody: marked erased with every id merged into them; what was about them goes. */
  private async eraseSubjects(subjects: string[], manager: EntityManager, counts: Record<string, number>): Promise<number> {
    if (subjects.length === 0) return 0;
    counts.maracReferrals += ((await manager.query(`DELETE FROM ${SCHEMA}.marac_referrals WHERE subject_id = ANY($1::uuid[])`, [subjects])) as [unknown[], number])[1];
    counts.workItems = ((await manager.query(`DELETE FROM ${SCHEMA}.work_items WHERE subject_id = ANY($1::uuid[]) AND rule <> 'community-trigger'`, [subjects])) as [unknown[], number])[1];
    await manager.query(
      `UPDATE ${SCHEMA}.work_items SET subject_id = NULL, data = data - 'reporterSubjectId' WHERE subject_id = ANY($1::uuid[]) AND rule = 'community-trigger'`,
      [subjects],
    );
    for (const table of SUBJECT_TABLES) {
      counts[table] = ((await manager.query(`DELETE FROM ${SCHEMA}.${table} WHERE subject_id = ANY($1::uuid[])`, [subjects])) as [unknown[], number])[1];
    }
    const [marked] = await manager.query(
      `WITH RECURSIVE chain AS (
         SELECT id FROM ${SCHEMA}.subjects WHERE id = ANY($1::uuid[])
         UNION SELECT s.id FROM ${SCHEMA}.subjects s JOIN chain c ON s.merged_into = c.id)
       UPDATE ${SCHEMA}.subjects SET erased_at = coalesce(erased_at, clock_timestamp()) WHERE id IN (SELECT id FROM chain) RETURNING id`,
      [subjects],
    );
    return marked.length;
  }
}

@Controller()
export class ErasureHandler {
  constructor(private readonly erasure: ErasureService) {}

  @EventPattern(EventTypes.ErasureApproved)
  async onErasures(@Payload() events: CloudEvent<ErasureApprovedData>[], @Ctx() ctx: HubEventContext): Promise<void> {
    await this.erasure.apply(events, ctx.manager);
  }
}
