import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  addMonths, CloudEvent, COMMUNITY_TRIGGER_OWNER_TEAM, EventTypes, JOINT_VISIT_OWNER_TEAMS, newEvent, PersonDto, SERIAL_PERPETRATOR_OWNER_TEAM, Topics,
  WorkItemWithdrawnData, yjsOwnerTeam, YjsTeam,
} from '../../../../libs/contracts/src';
import { enqueueEvents } from '../../../../libs/messaging/src';
import { append, groupBy } from '../group-by';
import { personKey } from '../identity/person-record';
import { CONSOLIDATION_SOURCE, DaIncidentInput } from '../marac/victim-history.service';
import type { ConsolidatedRecord } from '../records/records.service';
import { AsbReportFact, evaluateCommunityTrigger, TriggerFact } from './community-trigger';
import { fireSetterNoticeKey, fireSetterNotices, FireSetterReferralFact, YjsCaseFact } from './fire-setter';
import { DaIncidentFact, evaluateRepeatVictim, REPEAT_VICTIM_WINDOW_MONTHS } from './repeat-victim';
import { evaluateSerialPerpetrator, SERIAL_PERPETRATOR_VICTIMS, SerialPerpetratorDecision } from './serial-perpetrator';

const SCHEMA = 'consolidation';
const FIRE_SETTER_KINDS = ['fire/fire-setter-referral', 'youth-justice/yjs-referral', 'youth-justice/yjs-case-closure'];

interface HistoryRow {
  ref: string;
  agency: string;
  occurred_at: string;
  victim: string;
  perpetrator: string | null;
}

type Rule = 'community-trigger' | 'joint-visit' | 'serial-perpetrator' | 'fire-setter-yjs';

interface WorkItem {
  id: string;
  rule: Rule;
  ownerTeams: string[];
  subjectId?: string;
  problemKey?: string;
  detail?: string;
  refs: string[];
  raisedAt: Date;
  eventType: string;
  data: object;
  causedBy: CloudEvent;
}

/** Where an ASB problem is, when no same-problem reference was given: postcode and category. */
export function asbProblemKey(r: { problemRef?: string; category: string; location: { postcode: string } }): string {
  return r.problemRef ? `ref:${r.problemRef}` : `at:${r.location.postcode.replace(/\s+/g, '').toUpperCase()}:${r.category}`;
}

/**
 * Runs the partnership's rules beyond MARAC on a consolidated batch and raises work items
 * (with their events, through the outbox) for the owning teams. The rules themselves are
 * pure functions beside this file; this reads the facts they need and writes what they decide.
 */
@Injectable()
export class RulesService {
  async apply(records: ConsolidatedRecord[], newDa: DaIncidentInput[], manager: EntityManager): Promise<void> {
    const relevant = records.filter((r) => FIRE_SETTER_KINDS.includes(`${r.kind.agency}/${r.kind.kind}`));
    const fireSubjects = [...new Set(relevant.flatMap((r) => r.involvements.map((i) => r.subjectOf.get(personKey(r.kind.agency, i.person.personRef))!)))];
    await this.raise(
      [
        ...(await this.daRules(records, newDa, manager)),
        ...(await this.communityTrigger(records, manager)),
        ...(relevant.length ? await this.fireSetters(fireSubjects, relevant[relevant.length - 1].event, manager) : []),
      ],
      manager,
    );
  }

  /**
   * After a link changed (a merge or an unlink): open work items whose grounds are no longer
   * one subject's (a joint visit for two incidents now of two people, a serial perpetrator
   * now below five partners, a YJS notice about a child who is someone else) are withdrawn
   * with an event, and the subjects' histories are run through the DA and fire-setter rules
   * again in time order, raising what they now meet. Community Trigger items belong to a
   * problem, not a person, and stay.
   */
  async recompute(subjectIds: string[], causedBy: CloudEvent, why: string, manager: EntityManager): Promise<{ raised: number; withdrawn: number }> {
    const [ungrounded]: [{ id: string; rule: Rule; subject_id: string }[], number] = await manager.query(
      `UPDATE ${SCHEMA}.work_items w SET status = 'withdrawn', data = w.data || jsonb_build_object('withdrawnReason', $2::text)
        WHERE w.subject_id = ANY($1::uuid[]) AND w.status = 'open' AND (
          (w.rule = 'joint-visit' AND (SELECT count(*) FROM ${SCHEMA}.da_incidents d JOIN ${SCHEMA}.persons p ON p.agency = d.agency AND p.person_ref = d.victim_ref
                                        WHERE d.incident_ref = ANY(w.refs) AND p.subject_id = w.subject_id) < cardinality(w.refs))
          OR (w.rule = 'serial-perpetrator' AND (SELECT count(DISTINCT pv.subject_id) FROM ${SCHEMA}.da_incidents d
                                        JOIN ${SCHEMA}.persons pp ON pp.agency = d.perpetrator_agency AND pp.person_ref = d.perpetrator_ref
                                        JOIN ${SCHEMA}.persons pv ON pv.agency = d.agency AND pv.person_ref = d.victim_ref
                                        WHERE pp.subject_id = w.subject_id) < ${SERIAL_PERPETRATOR_VICTIMS})
          OR (w.rule = 'fire-setter-yjs' AND (SELECT count(DISTINCT c.record_ref) FROM ${SCHEMA}.chronology c JOIN ${SCHEMA}.persons p ON p.agency = c.agency AND p.person_ref = c.person_ref
                                        WHERE c.record_ref = ANY(w.refs) AND c.kind IN ('fire-setter-referral', 'yjs-referral') AND p.subject_id = w.subject_id) < 2))
        RETURNING w.id, w.rule, w.subject_id`,
      [subjectIds, why],
    );
    await enqueueEvents(
      manager,
      SCHEMA,
      ungrounded.map((w) => ({
        topic: Topics.WorkItems,
        event: newEvent({
          type: EventTypes.WorkItemWithdrawn, source: CONSOLIDATION_SOURCE, subject: w.id, partitionKey: w.subject_id, causedBy,
          data: { workItemId: w.id, rule: w.rule, subjectId: w.subject_id, reason: why } satisfies WorkItemWithdrawnData,
        }),
      })),
    );
    const items = [...(await this.replayDaRules(subjectIds, causedBy, manager)), ...(await this.fireSetters(subjectIds, causedBy, manager))];
    await this.raise(items, manager);
    return { raised: items.length, withdrawn: ungrounded.length };
  }

  /** Writes work items and their events (through the outbox). */
  private async raise(items: WorkItem[], manager: EntityManager): Promise<void> {
    if (items.length === 0) return;
    await manager.query(
      `INSERT INTO ${SCHEMA}.work_items (id, rule, owner_teams, subject_id, problem_key, detail, refs, data, raised_at)
       SELECT t.id, t.rule, string_to_array(t.teams, ','), t.subject_id, t.problem_key, t.detail, string_to_array(t.refs, ','), t.data, t.raised_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[])
           AS t(id, rule, teams, subject_id, problem_key, detail, refs, data, raised_at)`,
      [
        items.map((i) => i.id),
        items.map((i) => i.rule),
        items.map((i) => i.ownerTeams.join(',')),
        items.map((i) => i.subjectId ?? null),
        items.map((i) => i.problemKey ?? null),
        items.map((i) => i.detail ?? null),
        items.map((i) => i.refs.join(',')),
        items.map((i) => JSON.stringify(i.data)),
        items.map((i) => i.raisedAt.toISOString()),
      ],
    );
    await enqueueEvents(
      manager,
      SCHEMA,
      items.map((i) => ({
        topic: Topics.WorkItems,
        event: newEvent({ type: i.eventType, source: CONSOLIDATION_SOURCE, subject: i.id, partitionKey: i.subjectId ?? i.problemKey!, causedBy: i.causedBy, data: i.data }),
      })),
    );
  }

  /** Repeat DA victim (joint visit) and serial perpetrator, on the batch's new DA incidents. */
  private async daRules(records: ConsolidatedRecord[], newDa: DaIncidentInput[], manager: EntityManager): Promise<WorkItem[]> {
    if (newDa.length === 0) return [];
    const subjectOf = records[0].subjectOf;
    const facts = newDa.map((d) => {
      const record = records.find((r) => r.event.id === d.event.id)!;
      const perpetrator = record.involvements.find((i) => i.role === 'da-perpetrator')?.person;
      const fact: DaIncidentFact = {
        ref: d.fact.incidentRef,
        agency: d.agency,
        occurredAt: d.fact.occurredAt,
        victimSubjectId: d.victimSubjectId,
        perpetratorSubjectId: perpetrator ? subjectOf.get(personKey(d.agency, perpetrator.personRef)) : undefined,
      };
      return { fact, event: d.event };
    });
    const batchKeys = facts.map((f) => `${f.fact.agency}:${f.fact.ref}`);
    const victims = [...new Set(facts.map((f) => f.fact.victimSubjectId))];
    const perpetrators = [...new Set(facts.flatMap((f) => (f.fact.perpetratorSubjectId ? [f.fact.perpetratorSubjectId] : [])))];
    const tasks: { rule: Rule; subject_id: string; raised_at: string }[] = await manager.query(
      `SELECT rule, subject_id, raised_at FROM ${SCHEMA}.work_items WHERE rule IN ('joint-visit', 'serial-perpetrator') AND subject_id = ANY($1::uuid[]) AND status <> 'withdrawn'`,
      [[...victims, ...perpetrators]],
    );
    const visits = tasks.filter((t) => t.rule === 'joint-visit').map((t) => ({ subjectId: t.subject_id, raisedAt: new Date(t.raised_at) }));
    const identified = new Set(tasks.filter((t) => t.rule === 'serial-perpetrator').map((t) => t.subject_id));

    // A victim's incidents within reach of the 12-month windows of the batch's incidents.
    const times = facts.map((f) => f.fact.occurredAt.getTime());
    const victimRows: HistoryRow[] = await manager.query(
      `SELECT d.incident_ref AS ref, d.agency, d.occurred_at, pv.subject_id AS victim, NULL AS perpetrator
         FROM ${SCHEMA}.persons pv JOIN ${SCHEMA}.da_incidents d ON d.agency = pv.agency AND d.victim_ref = pv.person_ref
        WHERE pv.subject_id = ANY($1::uuid[]) AND d.occurred_at BETWEEN $2 AND $3 AND NOT (d.agency || ':' || d.incident_ref = ANY($4::text[]))`,
      [victims, addMonths(new Date(Math.min(...times)), -REPEAT_VICTIM_WINDOW_MONTHS).toISOString(), addMonths(new Date(Math.max(...times)), REPEAT_VICTIM_WINDOW_MONTHS).toISOString(), batchKeys],
    );
    // A perpetrator not yet identified: the first incident with each partner is all the rule reads.
    const open = perpetrators.filter((p) => !identified.has(p));
    const perpetratorRows: HistoryRow[] = open.length === 0 ? [] : await manager.query(
      `SELECT DISTINCT ON (pp.subject_id, pv.subject_id) d.incident_ref AS ref, d.agency, d.occurred_at, pv.subject_id AS victim, pp.subject_id AS perpetrator
         FROM ${SCHEMA}.persons pp
         JOIN ${SCHEMA}.da_incidents d ON d.perpetrator_agency = pp.agency AND d.perpetrator_ref = pp.person_ref
         JOIN ${SCHEMA}.persons pv ON pv.agency = d.agency AND pv.person_ref = d.victim_ref
        WHERE pp.subject_id = ANY($1::uuid[]) AND NOT (d.agency || ':' || d.incident_ref = ANY($2::text[]))
        ORDER BY pp.subject_id, pv.subject_id, d.occurred_at`,
      [open, batchKeys],
    );
    const asFact = (k: HistoryRow): DaIncidentFact => ({
      ref: k.ref,
      agency: k.agency,
      occurredAt: new Date(k.occurred_at),
      victimSubjectId: k.victim,
      perpetratorSubjectId: k.perpetrator ?? undefined,
    });
    const victimHistory = groupBy(victimRows.map(asFact), (f) => f.victimSubjectId);
    const perpetratorHistory = groupBy(perpetratorRows.map(asFact), (f) => f.perpetratorSubjectId!);

    const items: WorkItem[] = [];
    for (const { fact, event } of facts) {
      const visit = evaluateRepeatVictim(
        fact,
        victimHistory.get(fact.victimSubjectId) ?? [],
        visits.filter((v) => v.subjectId === fact.victimSubjectId),
      );
      if (visit) {
        visits.push({ subjectId: fact.victimSubjectId, raisedAt: fact.occurredAt });
        items.push(jointVisit(fact, visit.incidentRefs, event));
      }
      const perpetrator = fact.perpetratorSubjectId;
      if (perpetrator) {
        const serial = evaluateSerialPerpetrator(fact, perpetratorHistory.get(perpetrator) ?? [], identified.has(perpetrator));
        if (serial) {
          identified.add(perpetrator);
          items.push(serialPerpetrator(fact, perpetrator, serial, event));
        }
      }
      append(victimHistory, fact.victimSubjectId, fact);
      if (perpetrator) append(perpetratorHistory, perpetrator, fact);
    }
    return items;
  }

  /** The DA rules over the subjects' whole histories, in time order, as if each incident arrived now. */
  private async replayDaRules(subjectIds: string[], causedBy: CloudEvent, manager: EntityManager): Promise<WorkItem[]> {
    const rows: HistoryRow[] = await manager.query(
      `WITH d AS (
         SELECT d.* FROM ${SCHEMA}.persons pv JOIN ${SCHEMA}.da_incidents d ON d.agency = pv.agency AND d.victim_ref = pv.person_ref WHERE pv.subject_id = ANY($1::uuid[])
         UNION
         SELECT d.* FROM ${SCHEMA}.persons pp JOIN ${SCHEMA}.da_incidents d ON d.perpetrator_agency = pp.agency AND d.perpetrator_ref = pp.person_ref WHERE pp.subject_id = ANY($1::uuid[]))
       SELECT d.incident_ref AS ref, d.agency, d.occurred_at, pv.subject_id AS victim, pp.subject_id AS perpetrator
         FROM d JOIN ${SCHEMA}.persons pv ON pv.agency = d.agency AND pv.person_ref = d.victim_ref
         LEFT JOIN ${SCHEMA}.persons pp ON pp.agency = d.perpetrator_agency AND pp.person_ref = d.perpetrator_ref
        ORDER BY d.occurred_at, d.agency, d.incident_ref`,
      [subjectIds],
    );
    const tasks: { rule: Rule; subject_id: string; raised_at: string }[] = await manager.query(
      `SELECT rule, subject_id, raised_at FROM ${SCHEMA}.work_items WHERE rule IN ('joint-visit', 'serial-perpetrator') AND subject_id = ANY($1::uuid[]) AND status <> 'withdrawn'`,
      [subjectIds],
    );
    const visits = groupBy(tasks.filter((t) => t.rule === 'joint-visit').map((t) => ({ subjectId: t.subject_id, raisedAt: new Date(t.raised_at) })), (v) => v.subjectId);
    const identified = new Set(tasks.filter((t) => t.rule === 'serial-perpetrator').map((t) => t.subject_id));
    const ours = new Set(subjectIds);
    const byVictim = new Map<string, DaIncidentFact[]>();
    const byPerpetrator = new Map<string, DaIncidentFact[]>();
    const items: WorkItem[] = [];
    for (const row of rows) {
      const fact: DaIncidentFact = { ref: row.ref, agency: row.agency, occurredAt: new Date(row.occurred_at), victimSubjectId: row.victim, perpetratorSubjectId: row.perpetrator ?? undefined };
      if (ours.has(fact.victimSubjectId)) {
        const visit = evaluateRepeatVictim(fact, byVictim.get(fact.victimSubjectId) ?? [], visits.get(fact.victimSubjectId) ?? []);
        if (visit) {
          append(visits, fact.victimSubjectId, { subjectId: fact.victimSubjectId, raisedAt: fact.occurredAt });
          items.push(jointVisit(fact, visit.incidentRefs, causedBy));
        }
        append(byVictim, fact.victimSubjectId, fact);
      }
      const perpetrator = fact.perpetratorSubjectId;
      if (perpetrator && ours.has(perpetrator)) {
        const serial = evaluateSerialPerpetrator(fact, byPerpetrator.get(perpetrator) ?? [], identified.has(perpetrator));
        if (serial) {
          identified.add(perpetrator);
          items.push(serialPerpetrator(fact, perpetrator, serial, causedBy));
        }
        append(byPerpetrator, perpetrator, fact);
      }
    }
    return items;
  }

  /** ASB reports (police and landlords) and enforcement actions, by problem. */
  private async communityTrigger(records: ConsolidatedRecord[], manager: EntityManager): Promise<WorkItem[]> {
    const reports = records.filter((r) => ['police/asb-incident', 'housing/asb-report'].includes(`${r.kind.agency}/${r.kind.kind}`));
    const actions = records.filter((r) => `${r.kind.agency}/${r.kind.kind}` === 'housing/enforcement-action' && r.event.data.problemRef);
    if (actions.length > 0) {
      await manager.query(
        `INSERT INTO ${SCHEMA}.asb_actions (agency, ref, problem_key, taken_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT DO NOTHING`,
        [actions.map((a) => a.kind.agency), actions.map((a) => a.ref), actions.map((a) => `ref:${a.event.data.problemRef}`), actions.map((a) => a.occurredAt.toISOString())],
      );
    }
    if (reports.length === 0) return [];
    // The reporter from the involvements: an erased one is not among them, and the report counts without them.
    const rows = reports.map((r) => ({ r, problemKey: asbProblemKey(r.event.data), reporter: r.involvements.find((i) => i.role === 'asb-reporter')?.person as PersonDto | undefined }));
    const inserted: { agency: string; ref: string }[] = await manager.query(
      `INSERT INTO ${SCHEMA}.asb_reports (agency, ref, reported_at, problem_key, reporter_agency, reporter_ref, hate)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::boolean[])
       ON CONFLICT DO NOTHING RETURNING agency, ref`,
      [
        rows.map((x) => x.r.kind.agency),
        rows.map((x) => x.r.ref),
        rows.map((x) => x.r.occurredAt.toISOString()),
        rows.map((x) => x.problemKey),
        rows.map((x) => (x.reporter ? x.r.kind.agency : null)),
        rows.map((x) => x.reporter?.personRef ?? null),
        rows.map((x) => x.r.event.data.hate === true),
      ],
    );
    const fresh = new Set(inserted.map((i) => `${i.agency}:${i.ref}`));
    const toJudge = rows.filter((x) => fresh.delete(`${x.r.kind.agency}:${x.r.ref}`));
    if (toJudge.length === 0) return [];
    const problems = [...new Set(toJudge.map((x) => x.problemKey))];
    const batchKeys = toJudge.map((x) => `${x.r.kind.agency}:${x.r.ref}`);
    const earlier: { ref: string; agency: string; reported_at: string; problem_key: string; reporter: string | null; hate: boolean }[] = await manager.query(
      `SELECT a.ref, a.agency, a.reported_at, a.problem_key, p.subject_id AS reporter, a.hate FROM ${SCHEMA}.asb_reports a
         LEFT JOIN ${SCHEMA}.persons p ON p.agency = a.reporter_agency AND p.person_ref = a.reporter_ref
        WHERE a.problem_key = ANY($1::text[]) AND NOT (a.agency || ':' || a.ref = ANY($2::text[]))`,
      [problems, batchKeys],
    );
    const known: AsbReportFact[] = earlier.map((e) => ({ ref: e.ref, agency: e.agency, reportedAt: new Date(e.reported_at), problemKey: e.problem_key, reporterKey: e.reporter ?? undefined, hate: e.hate }));
    const actionRows: { ref: string; problem_key: string; taken_at: string }[] = await manager.query(
      `SELECT ref, problem_key, taken_at FROM ${SCHEMA}.asb_actions WHERE problem_key = ANY($1::text[])`,
      [problems],
    );
    const triggerRows: { problem_key: string; detail: string; raised_at: string }[] = await manager.query(
      `SELECT problem_key, detail, raised_at FROM ${SCHEMA}.work_items WHERE rule = 'community-trigger' AND problem_key = ANY($1::text[]) AND status <> 'withdrawn'`,
      [problems],
    );
    const triggers: TriggerFact[] = triggerRows.map((t) => ({ problemKey: t.problem_key, clause: t.detail as TriggerFact['clause'], metAt: new Date(t.raised_at) }));

    const items: WorkItem[] = [];
    for (const { r, problemKey, reporter } of toJudge) {
      const report: AsbReportFact = {
        ref: r.ref,
        agency: r.kind.agency,
        reportedAt: r.occurredAt,
        problemKey,
        reporterKey: reporter ? r.subjectOf.get(personKey(r.kind.agency, reporter.personRef)) : undefined,
        hate: r.event.data.hate === true,
      };
      const decision = evaluateCommunityTrigger(
        report,
        known.filter((k) => k.problemKey === problemKey),
        actionRows.filter((a) => a.problem_key === problemKey).map((a) => ({ ref: a.ref, problemKey, takenAt: new Date(a.taken_at) })),
        triggers.filter((t) => t.problemKey === problemKey),
      );
      known.push(report);
      if (!decision) continue;
      triggers.push({ problemKey, clause: decision.clause, metAt: report.reportedAt });
      const id = randomUUID();
      items.push({
        id, rule: 'community-trigger', ownerTeams: [COMMUNITY_TRIGGER_OWNER_TEAM], subjectId: decision.reporterKey, problemKey, detail: decision.clause,
        refs: decision.reportRefs, raisedAt: report.reportedAt, eventType: EventTypes.CommunityTriggerMet, causedBy: r.event,
        data: {
          workItemId: id, problemKey, clause: decision.clause, reportRefs: decision.reportRefs, metAt: report.reportedAt.toISOString(), ownerTeam: COMMUNITY_TRIGGER_OWNER_TEAM,
          ...(decision.reporterKey ? { reporterSubjectId: decision.reporterKey } : {}),
        },
      });
    }
    return items;
  }

  /** A child fire-setter open to (or taken on within 12 months by) a YJS: that YJS is told. */
  private async fireSetters(subjects: string[], causedBy: CloudEvent, manager: EntityManager): Promise<WorkItem[]> {
    const rows: { subject_id: string; kind: string; record_ref: string; occurred_at: string; record: Record<string, any>; dob: string | null }[] = await manager.query(
      `SELECT p.subject_id, c.kind, c.record_ref, c.occurred_at, c.record, p.person->>'dateOfBirth' AS dob
         FROM ${SCHEMA}.chronology c JOIN ${SCHEMA}.persons p ON p.agency = c.agency AND p.person_ref = c.person_ref
        WHERE p.subject_id = ANY($1::uuid[]) AND c.kind IN ('fire-setter-referral', 'yjs-referral', 'yjs-case-closure')`,
      [subjects],
    );
    const referrals: FireSetterReferralFact[] = rows
      .filter((r) => r.kind === 'fire-setter-referral')
      .map((r) => ({ ref: r.record_ref, subjectId: r.subject_id, referredAt: new Date(r.occurred_at), dateOfBirth: r.dob ?? undefined }));
    const closures = new Map(rows.filter((r) => r.kind === 'yjs-case-closure').map((r) => [r.record.referralRef as string, new Date(r.occurred_at)]));
    const cases: YjsCaseFact[] = rows
      .filter((r) => r.kind === 'yjs-referral')
      .map((r) => ({ ref: r.record_ref, subjectId: r.subject_id, team: r.record.team as YjsTeam, openedAt: new Date(r.record.caseOpenedAt ?? r.occurred_at), closedAt: closures.get(r.record_ref) }));
    const sent: { detail: string }[] = await manager.query(
      `SELECT detail FROM ${SCHEMA}.work_items WHERE rule = 'fire-setter-yjs' AND subject_id = ANY($1::uuid[]) AND status <> 'withdrawn'`,
      [subjects],
    );
    const notices = fireSetterNotices(referrals, cases, new Set(sent.map((s) => s.detail)));
    return notices.map((n) => {
      const id = randomUUID();
      const referral = referrals.find((r) => r.ref === n.referralRef)!;
      const noticeAt = new Date();
      return {
        id, rule: 'fire-setter-yjs' as const, ownerTeams: [yjsOwnerTeam(n.team)], subjectId: referral.subjectId, detail: fireSetterNoticeKey(n.referralRef, n.team),
        refs: [n.referralRef, n.caseRef], raisedAt: noticeAt, eventType: EventTypes.FireSetterYjsNotice, causedBy,
        data: { workItemId: id, subjectId: referral.subjectId, referralRef: n.referralRef, caseRef: n.caseRef, team: n.team, noticeAt: noticeAt.toISOString(), ownerTeam: yjsOwnerTeam(n.team) },
      };
    });
  }
}


function jointVisit(fact: DaIncidentFact, incidentRefs: string[], causedBy: CloudEvent): WorkItem {
  const id = randomUUID();
  const ownerTeams = [...JOINT_VISIT_OWNER_TEAMS];
  return {
    id, rule: 'joint-visit', ownerTeams, subjectId: fact.victimSubjectId, refs: incidentRefs, raisedAt: fact.occurredAt, eventType: EventTypes.JointVisitTaskRaised, causedBy,
    data: { workItemId: id, victimSubjectId: fact.victimSubjectId, incidentRefs, raisedAt: fact.occurredAt.toISOString(), ownerTeams },
  };
}

function serialPerpetrator(fact: DaIncidentFact, perpetrator: string, serial: SerialPerpetratorDecision, causedBy: CloudEvent): WorkItem {
  const id = randomUUID();
  return {
    id, rule: 'serial-perpetrator', ownerTeams: [SERIAL_PERPETRATOR_OWNER_TEAM], subjectId: perpetrator, refs: serial.incidentRefs, raisedAt: fact.occurredAt,
    eventType: EventTypes.SerialPerpetratorIdentified, causedBy,
    data: { workItemId: id, perpetratorSubjectId: perpetrator, victimCount: serial.victimCount, incidentRefs: serial.incidentRefs, identifiedAt: fact.occurredAt.toISOString(), ownerTeam: SERIAL_PERPETRATOR_OWNER_TEAM },
  };
}
