import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  CloudEvent, DomesticIncidentDto, EventTypes, gradeDash, MaracReferralCreatedData, MaracReferralWithdrawnData, newEvent, Topics,
} from '../../../../libs/contracts/src';
import { enqueueEvents } from '../../../../libs/messaging/src';
import { groupBy } from '../group-by';
import { addMonths, evaluateMarac, IncidentFact, MaracDecision, ReferralFact, WINDOW_MONTHS } from './marac-criteria';

export const CONSOLIDATION_SOURCE = '/safer-hub/consolidation';
const SCHEMA = 'consolidation';

/** A DA incident as consolidation judges it, from whichever agency recorded it. */
export interface DaIncidentInput {
  event: CloudEvent;
  agency: string;
  fact: IncidentFact;
  victimRef: string;
  victimSubjectId: string;
  perpetratorRef?: string;
}

/**
 * Keeps each victim's DA history, from every agency, and raises MARAC referrals. Works on a
 * whole batch with a handful of set-based queries; each incident is judged against what
 * was known before it (the history of every agency person linked to the victim's subject
 * plus the batch's earlier events), in arrival order. Returns the incidents that were new.
 */
@Injectable()
export class VictimHistoryService {
  async apply(inputs: DaIncidentInput[], manager: EntityManager): Promise<DaIncidentInput[]> {
    if (inputs.length === 0) return [];
    // 1. Incidents: a redelivered incident (same agency and ref) is not judged twice.
    const inserted: { agency: string; incident_ref: string }[] = await manager.query(
      `INSERT INTO ${SCHEMA}.da_incidents (agency, incident_ref, event_id, victim_ref, occurred_at, ticks, risk_level, raised_by_judgement, perpetrator_agency, perpetrator_ref)
       SELECT t.agency, t.ref, t.event_id, t.victim_ref, t.occurred_at, t.ticks, t.risk, t.raised, CASE WHEN t.perp IS NULL THEN NULL ELSE t.agency END, t.perp
         FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::int[], $7::text[], $8::boolean[], $9::text[])
           AS t(agency, ref, event_id, victim_ref, occurred_at, ticks, risk, raised, perp)
       ON CONFLICT (agency, incident_ref) DO NOTHING RETURNING agency, incident_ref`,
      [
        inputs.map((f) => f.agency),
        inputs.map((f) => f.fact.incidentRef),
        inputs.map((f) => f.event.id),
        inputs.map((f) => f.victimRef),
        inputs.map((f) => f.fact.occurredAt.toISOString()),
        inputs.map((f) => f.fact.ticks),
        inputs.map((f) => f.fact.riskLevel),
        inputs.map((f) => f.fact.raisedByJudgement),
        inputs.map((f) => f.perpetratorRef ?? null),
      ],
    );
    const fresh = new Set(inserted.map((r) => `${r.agency}:${r.incident_ref}`));
    // `fresh` holds each new incident once; one twice in a batch is judged at its first event.
    const toJudge = inputs.filter((f) => fresh.delete(`${f.agency}:${f.fact.incidentRef}`));
    if (toJudge.length === 0) return [];

    // 2. What was known before this batch about the same subjects, within reach of the 12-month windows.
    const subjects = [...new Set(toJudge.map((f) => f.victimSubjectId))];
    const times = toJudge.map((f) => f.fact.occurredAt.getTime());
    const from = addMonths(new Date(Math.min(...times)), -WINDOW_MONTHS);
    const to = addMonths(new Date(Math.max(...times)), WINDOW_MONTHS);
    const history = await manager.query(
      `SELECT p.subject_id, d.incident_ref, d.occurred_at, d.ticks, d.risk_level, d.raised_by_judgement
         FROM ${SCHEMA}.da_incidents d JOIN ${SCHEMA}.persons p ON p.agency = d.agency AND p.person_ref = d.victim_ref
        WHERE p.subject_id = ANY($1::uuid[]) AND d.occurred_at BETWEEN $2 AND $3 AND NOT (d.agency || ':' || d.incident_ref = ANY($4::text[]))`,
      [subjects, from.toISOString(), to.toISOString(), toJudge.map((f) => `${f.agency}:${f.fact.incidentRef}`)],
    );
    const referrals = await manager.query(
      `SELECT subject_id, trigger_incident_ref, triggered_at FROM ${SCHEMA}.marac_referrals
        WHERE subject_id = ANY($1::uuid[]) AND triggered_at BETWEEN $2 AND $3 AND status <> 'withdrawn'`,
      [subjects, from.toISOString(), to.toISOString()],
    );
    const incidentsBySubject = groupBy<Record<string, any>, IncidentFact>(history, (r) => r.subject_id, (r) => ({
      incidentRef: r.incident_ref,
      occurredAt: new Date(r.occurred_at),
      ticks: r.ticks,
      riskLevel: r.risk_level,
      raisedByJudgement: r.raised_by_judgement,
    }));
    const referralsBySubject = groupBy<Record<string, any>, ReferralFact>(referrals, (r) => r.subject_id, (r) => ({
      triggerIncidentRef: r.trigger_incident_ref,
      triggeredAt: new Date(r.triggered_at),
    }));

    // 3. Judge in arrival order, each incident against what came before it.
    const newReferrals: { data: MaracReferralCreatedData; causedBy: CloudEvent }[] = [];
    for (const { event, fact, victimSubjectId: subjectId, agency } of toJudge) {
      const earlier = incidentsBySubject.get(subjectId) ?? [];
      const known = referralsBySubject.get(subjectId) ?? [];
      const decision = evaluateMarac(fact, earlier, known);
      earlier.push(fact);
      incidentsBySubject.set(subjectId, earlier);
      if (!decision) continue;
      known.push({ triggerIncidentRef: fact.incidentRef, triggeredAt: fact.occurredAt });
      referralsBySubject.set(subjectId, known);
      newReferrals.push({ causedBy: event, data: referralData(subjectId, decision, fact, agency) });
    }
    await this.raise(newReferrals, manager);
    return toJudge;
  }

  /** Writes referrals and their events (through the outbox) in one go. */
  async raise(newReferrals: { data: MaracReferralCreatedData; causedBy?: CloudEvent }[], manager: EntityManager): Promise<void> {
    if (newReferrals.length === 0) return;
    await manager.query(
      `INSERT INTO ${SCHEMA}.marac_referrals (id, subject_id, criterion, repeat, incident_refs, trigger_agency, trigger_incident_ref, triggered_at, source_agency)
       SELECT id, subject_id, criterion, repeat, string_to_array(refs, ','), agency, trigger, triggered_at, agency
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

function referralData(subjectId: string, decision: MaracDecision, fact: IncidentFact, agency: string): MaracReferralCreatedData {
  return {
    referralId: randomUUID(),
    subjectId,
    criterion: decision.criterion,
    repeat: decision.repeat,
    incidentRefs: decision.incidentRefs,
    triggerIncidentRef: fact.incidentRef,
    triggeredAt: fact.occurredAt.toISOString(),
    sourceAgency: agency,
  };
}

/** The MARAC facts of a DA record: the hub's DASH grade where a DASH was completed, else ticks 0, standard. */
export function daFact(incidentRef: string, occurredAt: string, dash?: DomesticIncidentDto['dash'], judgement?: DomesticIncidentDto['professionalJudgement']): IncidentFact {
  const grade = gradeDash(dash?.answers ?? [], judgement?.riskLevel);
  return {
    incidentRef,
    occurredAt: new Date(occurredAt),
    ticks: grade.ticks,
    riskLevel: grade.riskLevel,
    raisedByJudgement: grade.raisedByJudgement,
  };
}


/**
 * Judges a subject's whole DA history again after a link changed (a merge or an unlink),
 * in time order: an incident that now meets a criterion and has no referral gets one; a
 * referral not yet screened whose grounds are gone (its incidents are no longer one
 * victim's) is withdrawn, with an event. Referrals a coordinator already acted on stay.
 */
export async function rejudgeSubject(
  victims: VictimHistoryService,
  subjectId: string,
  causedBy: CloudEvent,
  why: string,
  manager: EntityManager,
): Promise<{ raised: number; withdrawn: number }> {
  const incidents: { agency: string; incident_ref: string; occurred_at: string; ticks: number; risk_level: IncidentFact['riskLevel']; raised_by_judgement: boolean }[] =
    await manager.query(
      `SELECT d.agency, d.incident_ref, d.occurred_at, d.ticks, d.risk_level, d.raised_by_judgement
         FROM ${SCHEMA}.da_incidents d JOIN ${SCHEMA}.persons p ON p.agency = d.agency AND p.person_ref = d.victim_ref
        WHERE p.subject_id = $1 ORDER BY d.occurred_at, d.agency, d.incident_ref`,
      [subjectId],
    );
  const referrals: { id: string; trigger_agency: string; trigger_incident_ref: string; triggered_at: string; status: string }[] = await manager.query(
    `SELECT id, trigger_agency, trigger_incident_ref, triggered_at, status FROM ${SCHEMA}.marac_referrals WHERE subject_id = $1 AND status <> 'withdrawn'`,
    [subjectId],
  );
  const earlier: IncidentFact[] = [];
  const known: ReferralFact[] = [];
  const raise: { data: MaracReferralCreatedData; causedBy: CloudEvent }[] = [];
  const withdraw: string[] = [];
  for (const i of incidents) {
    const fact: IncidentFact = { incidentRef: i.incident_ref, occurredAt: new Date(i.occurred_at), ticks: i.ticks, riskLevel: i.risk_level, raisedByJudgement: i.raised_by_judgement };
    const existing = referrals.find((r) => r.trigger_agency === i.agency && r.trigger_incident_ref === i.incident_ref);
    const decision = evaluateMarac(fact, earlier, known);
    if (existing && !decision && existing.status === 'new') withdraw.push(existing.id);
    else if (existing) known.push({ triggerIncidentRef: fact.incidentRef, triggeredAt: fact.occurredAt });
    else if (decision) {
      known.push({ triggerIncidentRef: fact.incidentRef, triggeredAt: fact.occurredAt });
      raise.push({ causedBy, data: referralData(subjectId, decision, fact, i.agency) });
    }
    earlier.push(fact);
  }
  await victims.raise(raise, manager);
  if (withdraw.length > 0) {
    await manager.query(`UPDATE ${SCHEMA}.marac_referrals SET status = 'withdrawn', withdrawn_reason = $2 WHERE id = ANY($1::uuid[])`, [withdraw, why]);
    await enqueueEvents(
      manager,
      SCHEMA,
      withdraw.map((referralId) => ({
        topic: Topics.MaracReferrals,
        event: newEvent({
          type: EventTypes.MaracReferralWithdrawn,
          source: CONSOLIDATION_SOURCE,
          subject: referralId,
          partitionKey: subjectId,
          causedBy,
          data: { referralId, subjectId, reason: why } satisfies MaracReferralWithdrawnData,
        }),
      })),
    );
  }
  return { raised: raise.length, withdrawn: withdraw.length };
}
