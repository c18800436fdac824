import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  CloudEvent, DomesticIncidentDto, EventTypes, gradeDash, MaracReferralCreatedData, newEvent, Topics,
} from '../../../../libs/contracts/src';
import { enqueueEvents } from '../../../../libs/messaging/src';
import { addMonths, evaluateMarac, IncidentFact, ReferralFact, WINDOW_MONTHS } from './marac-criteria';

export const CONSOLIDATION_SOURCE = '/safer-hub/consolidation';
const SCHEMA = 'consolidation';

/**
 * Keeps each victim's DA history and raises MARAC referrals. Works on a whole batch with
 * a handful of set-based queries; each incident is judged against what was known before
 * it (history in the database plus the batch's earlier events), in arrival order.
 */
@Injectable()
export class VictimHistoryService {
  async apply(events: CloudEvent<DomesticIncidentDto>[], manager: EntityManager): Promise<void> {
    // 1. Subjects: the latest record of each victim in the batch.
    const latest = new Map<string, DomesticIncidentDto['victim']>();
    for (const e of events) latest.set(e.data.victim.personRef, e.data.victim);
    const subjectRows: { id: string; person_ref: string }[] = await manager.query(
      `INSERT INTO ${SCHEMA}.subjects (agency, person_ref, person)
       SELECT 'police', ref, person FROM unnest($1::text[], $2::jsonb[]) AS t(ref, person)
       ON CONFLICT (agency, person_ref) DO UPDATE SET person = EXCLUDED.person, updated_at = now()
       RETURNING id, person_ref`,
      [[...latest.keys()], [...latest.values()].map((p) => JSON.stringify(p))],
    );
    const subjectOf = new Map(subjectRows.map((r) => [r.person_ref, r.id]));

    // 2. Incidents: a redelivered incident (same incidentRef) is not judged twice.
    const facts = events.map((e) => ({ event: e, fact: toFact(e.data), subjectId: subjectOf.get(e.data.victim.personRef)! }));
    const inserted: { incident_ref: string }[] = await manager.query(
      `INSERT INTO ${SCHEMA}.da_incidents (incident_ref, event_id, victim_subject_id, occurred_at, ticks, risk_level, raised_by_judgement, perpetrator_ref)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::int[], $6::text[], $7::boolean[], $8::text[])
       ON CONFLICT (incident_ref) DO NOTHING RETURNING incident_ref`,
      [
        facts.map((f) => f.fact.incidentRef),
        facts.map((f) => f.event.id),
        facts.map((f) => f.subjectId),
        facts.map((f) => f.fact.occurredAt.toISOString()),
        facts.map((f) => f.fact.ticks),
        facts.map((f) => f.fact.riskLevel),
        facts.map((f) => f.fact.raisedByJudgement),
        facts.map((f) => f.event.data.perpetrator?.personRef ?? null),
      ],
    );
    const fresh = new Set(inserted.map((r) => r.incident_ref));
    // `fresh` holds each new ref once; a ref twice in one batch is judged at its first event.
    const toJudge = facts.filter((f) => fresh.delete(f.fact.incidentRef));
    if (toJudge.length === 0) return;

    // 3. What was known before this batch, within reach of the 12-month windows.
    const subjects = [...new Set(toJudge.map((f) => f.subjectId))];
    const times = toJudge.map((f) => f.fact.occurredAt.getTime());
    const from = addMonths(new Date(Math.min(...times)), -WINDOW_MONTHS);
    const to = addMonths(new Date(Math.max(...times)), WINDOW_MONTHS);
    const batchRefs = toJudge.map((f) => f.fact.incidentRef);
    const history = await manager.query(
      `SELECT victim_subject_id, incident_ref, occurred_at, ticks, risk_level, raised_by_judgement FROM ${SCHEMA}.da_incidents
        WHERE victim_subject_id = ANY($1::uuid[]) AND occurred_at BETWEEN $2 AND $3 AND NOT (incident_ref = ANY($4::text[]))`,
      [subjects, from.toISOString(), to.toISOString(), batchRefs],
    );
    const referrals = await manager.query(
      `SELECT subject_id, trigger_incident_ref, triggered_at FROM ${SCHEMA}.marac_referrals
        WHERE subject_id = ANY($1::uuid[]) AND triggered_at BETWEEN $2 AND $3`,
      [subjects, from.toISOString(), to.toISOString()],
    );
    const incidentsBySubject = groupBy<IncidentFact>(history, (r) => r.victim_subject_id, (r) => ({
      incidentRef: r.incident_ref,
      occurredAt: new Date(r.occurred_at),
      ticks: r.ticks,
      riskLevel: r.risk_level,
      raisedByJudgement: r.raised_by_judgement,
    }));
    const referralsBySubject = groupBy<ReferralFact>(referrals, (r) => r.subject_id, (r) => ({
      triggerIncidentRef: r.trigger_incident_ref,
      triggeredAt: new Date(r.triggered_at),
    }));

    // 4. Judge in arrival order, each incident against what came before it.
    const newReferrals: { data: MaracReferralCreatedData; causedBy: CloudEvent }[] = [];
    for (const { event, fact, subjectId } of toJudge) {
      const earlier = incidentsBySubject.get(subjectId) ?? [];
      const known = referralsBySubject.get(subjectId) ?? [];
      const decision = evaluateMarac(fact, earlier, known);
      earlier.push(fact);
      incidentsBySubject.set(subjectId, earlier);
      if (!decision) continue;
      known.push({ triggerIncidentRef: fact.incidentRef, triggeredAt: fact.occurredAt });
      referralsBySubject.set(subjectId, known);
      newReferrals.push({
        causedBy: event,
        data: {
          referralId: randomUUID(),
          subjectId,
          criterion: decision.criterion,
          repeat: decision.repeat,
          incidentRefs: decision.incidentRefs,
          triggerIncidentRef: fact.incidentRef,
          triggeredAt: fact.occurredAt.toISOString(),
          sourceAgency: 'police',
        },
      });
    }
    if (newReferrals.length === 0) return;

    await manager.query(
      `INSERT INTO ${SCHEMA}.marac_referrals (id, subject_id, criterion, repeat, incident_refs, trigger_incident_ref, triggered_at, source_agency)
       SELECT id, subject_id, criterion, repeat, string_to_array(refs, ','), trigger, triggered_at, agency
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
           AS t(id, subject_id, criterion, repeat, refs, trigger, triggered_at, agency)`,
      [
        newReferrals.map((r) => r.data.referralId),
        newReferrals.map((r) => r.data.subjectId),
        newReferrals.map((r) => r.data.criterion),
        newReferrals.map((r) => r.data.repeat),
        newReferrals.map((r) => r.data.incidentRefs.join(',')),
        newReferrals.map((r) => r.data.triggerIncidentRef),
        newReferrals.map((r) => r.data.triggeredAt),
        newReferrals.map((r) => r.data.sourceAgency),
      ],
    );
    await enqueueEvents(
      manager,
      SCHEMA,
      newReferrals.map((r) => ({
        topic: Topics.MaracReferrals,
        event: newEvent({
          type: EventTypes.MaracReferralCreated,
          source: CONSOLIDATION_SOURCE,
          subject: r.data.referralId,
          partitionKey: r.data.subjectId,
          causedBy: r.causedBy,
          data: r.data,
        }),
      })),
    );
  }
}

function toFact(d: DomesticIncidentDto): IncidentFact {
  const grade = gradeDash(d.dash.answers, d.professionalJudgement?.riskLevel);
  return {
    incidentRef: d.incidentRef,
    occurredAt: new Date(d.occurredAt),
    ticks: grade.ticks,
    riskLevel: grade.riskLevel,
    raisedByJudgement: grade.raisedByJudgement,
  };
}

function groupBy<T>(rows: Record<string, never>[], key: (r: Record<string, never>) => string, map: (r: Record<string, never>) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(map(row));
    else out.set(k, [map(row)]);
  }
  return out;
}
