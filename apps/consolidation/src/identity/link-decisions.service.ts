import { Controller, Injectable } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { CloudEvent, EventTypes, IdentityDecisionData } from '../../../../libs/contracts/src';
import { HubEventContext } from '../../../../libs/messaging/src';
import { HubLogger } from '../../../../libs/platform/src';
import { rejudgeSubject, VictimHistoryService } from '../marac/victim-history.service';
import { SUBJECT_TABLES } from '../privacy/erasure.service';
import { RulesService } from '../rules/rules.service';

const SCHEMA = 'consolidation';

/**
 * Applies people's link decisions (taken in hub-api's review queue):
 * - confirm: the two subjects become one (the older survives; the other points at it), and
 *   the merged history is judged again for MARAC;
 * - reject: the pair is recorded as different people and not offered again;
 * - unlink: the agency person leaves their subject for a new one; referrals their incidents
 *   triggered go with them, and both subjects are judged again (referrals whose grounds are
 *   gone are withdrawn).
 * A decision about an item already decided, or a person already alone, changes nothing.
 */
@Injectable()
export class LinkDecisionsService {
  private readonly log = new HubLogger('link-decisions');

  constructor(
    private readonly victims: VictimHistoryService,
    private readonly rules: RulesService,
  ) {}

  async apply(events: CloudEvent<IdentityDecisionData>[], manager: EntityManager): Promise<void> {
    for (const event of events) {
      const d = event.data;
      const outcome = d.decision === 'unlink' ? await this.unlink(event, manager) : await this.decideReview(event, manager);
      this.log.log('link decision applied', { decisionId: d.decisionId, decision: d.decision, outcome });
    }
  }

  private async decideReview(event: CloudEvent<IdentityDecisionData>, manager: EntityManager): Promise<string> {
    const d = event.data;
    const [review]: { agency: string; person_ref: string; a: string; b: string; status: string }[] = await manager.query(
      `SELECT r.agency, r.person_ref, r.status, a.subject_id AS a, b.subject_id AS b
         FROM ${SCHEMA}.identity_reviews r
         JOIN ${SCHEMA}.persons a ON a.agency = r.agency AND a.person_ref = r.person_ref
         JOIN ${SCHEMA}.persons b ON b.agency = r.candidate_agency AND b.person_ref = r.candidate_ref
        WHERE r.id = $1 FOR UPDATE OF r`,
      [d.reviewId],
    );
    if (!review) return 'unknown review item';
    if (review.status !== 'pending') return `already ${review.status}`;
    const status = d.decision === 'confirm' ? 'confirmed' : 'rejected';
    await manager.query(`UPDATE ${SCHEMA}.identity_reviews SET status = $2, decided_at = clock_timestamp(), decided_by = $3 WHERE id = $1`, [d.reviewId, status, d.decidedBy]);
    let survivor = review.a;
    let other: string | undefined = review.b;
    if (d.decision === 'confirm' && review.a !== review.b) {
      const [older] = await manager.query(`SELECT id FROM ${SCHEMA}.subjects WHERE id = ANY($1::uuid[]) ORDER BY created_at, id LIMIT 1 FOR UPDATE`, [[review.a, review.b]]);
      survivor = older.id;
      other = survivor === review.a ? review.b : review.a;
      await this.merge(other, survivor, manager);
    }
    await this.record(manager, event, d.decision, review.agency, review.person_ref, survivor, other);
    if (d.decision === 'confirm') {
      const why = `link confirmed by ${d.decidedBy}`;
      const referrals = await rejudgeSubject(this.victims, survivor, event, why, manager);
      const work = await this.rules.recompute([survivor], event, why, manager);
      return `merged; ${referrals.raised} referral(s) and ${work.raised} work item(s) raised`;
    }
    return 'rejected';
  }

  private async merge(from: string, into: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE ${SCHEMA}.persons SET subject_id = $2, linked_at = clock_timestamp(), link_rule = 'confirmed' WHERE subject_id = $1`, [from, into]);
    await manager.query(`UPDATE ${SCHEMA}.marac_referrals SET subject_id = $2 WHERE subject_id = $1`, [from, into]);
    await manager.query(`UPDATE ${SCHEMA}.work_items SET subject_id = $2 WHERE subject_id = $1`, [from, into]);
    // A child named twice in one incident, now known to be one child: their school is told once.
    await manager.query(
      `DELETE FROM ${SCHEMA}.school_notifications s WHERE s.subject_id = $1
          AND EXISTS (SELECT 1 FROM ${SCHEMA}.school_notifications t WHERE t.subject_id = $2 AND t.incident_event_id = s.incident_event_id)`,
      [from, into],
    );
    for (const table of SUBJECT_TABLES) await manager.query(`UPDATE ${SCHEMA}.${table} SET subject_id = $2 WHERE subject_id = $1`, [from, into]);
    await manager.query(`UPDATE ${SCHEMA}.subjects SET merged_into = $2 WHERE id = $1`, [from, into]);
    // Reviews between two people who are now one subject have nothing left to decide.
    await manager.query(
      `UPDATE ${SCHEMA}.identity_reviews r SET status = 'superseded', decided_at = clock_timestamp(), decided_by = 'consolidation'
         FROM ${SCHEMA}.persons a, ${SCHEMA}.persons b
        WHERE r.status = 'pending' AND a.agency = r.agency AND a.person_ref = r.person_ref
          AND b.agency = r.candidate_agency AND b.person_ref = r.candidate_ref AND a.subject_id = b.subject_id`,
    );
  }

  private async unlink(event: CloudEvent<IdentityDecisionData>, manager: EntityManager): Promise<string> {
    const d = event.data;
    const [person]: { subject_id: string }[] = await manager.query(
      `SELECT subject_id FROM ${SCHEMA}.persons WHERE agency = $1 AND person_ref = $2 FOR UPDATE`,
      [d.agency, d.personRef],
    );
    if (!person) return 'unknown person';
    const old = person.subject_id;
    const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.persons WHERE subject_id = $1`, [old]);
    if (n <= 1) return 'already alone';
    const fresh = randomUUID();
    await manager.query(`INSERT INTO ${SCHEMA}.subjects (id) VALUES ($1)`, [fresh]);
    await manager.query(
      `UPDATE ${SCHEMA}.persons SET subject_id = $3, link_rule = 'unlinked', link_score = 0, linked_at = clock_timestamp() WHERE agency = $1 AND person_ref = $2`,
      [d.agency, d.personRef, fresh],
    );
    // Referrals this person's incidents triggered are about this person.
    await manager.query(
      `UPDATE ${SCHEMA}.marac_referrals r SET subject_id = $3
         FROM ${SCHEMA}.da_incidents i WHERE i.agency = r.trigger_agency AND i.incident_ref = r.trigger_incident_ref
          AND i.agency = $1 AND i.victim_ref = $2 AND r.subject_id = $4`,
      [d.agency, d.personRef, fresh, old],
    );
    // So are custody and school notifications and referrals to START raised from this person's records.
    for (const [table, eventColumn] of [['custody_notifications', 'custody_event_id'], ['treatment_referral_requests', 'test_event_id'], ['school_notifications', 'incident_event_id']]) {
      await manager.query(
        `UPDATE ${SCHEMA}.${table} t SET subject_id = $3 FROM ${SCHEMA}.chronology c
          WHERE c.event_id = t.${eventColumn} AND c.agency = $1 AND c.person_ref = $2 AND t.subject_id = $4`,
        [d.agency, d.personRef, fresh, old],
      );
    }
    await this.record(manager, event, 'unlink', d.agency, d.personRef, fresh, old);
    const why = `unlinked by ${d.decidedBy}: the records are no longer one person's`;
    const a = await rejudgeSubject(this.victims, old, event, why, manager);
    const b = await rejudgeSubject(this.victims, fresh, event, why, manager);
    const work = await this.rules.recompute([old, fresh], event, why, manager);
    return `unlinked; ${a.withdrawn + b.withdrawn} referral(s) and ${work.withdrawn} work item(s) withdrawn, ${a.raised + b.raised + work.raised} raised`;
  }

  private async record(manager: EntityManager, event: CloudEvent<IdentityDecisionData>, decision: string, agency: string, ref: string, subject: string, other?: string) {
    await manager.query(
      `INSERT INTO ${SCHEMA}.link_decisions (decision, agency, person_ref, subject_id, other_subject_id, decided_by, reason, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [decision, agency, ref, subject, other ?? null, event.data.decidedBy, event.data.reason, event.id],
    );
  }
}

@Controller()
export class IdentityDecisionsHandler {
  constructor(private readonly decisions: LinkDecisionsService) {}

  @EventPattern(EventTypes.IdentityDecisionRecorded)
  async onDecisions(@Payload() events: CloudEvent<IdentityDecisionData>[], @Ctx() ctx: HubEventContext): Promise<void> {
    await this.decisions.apply(events, ctx.manager);
  }
}
