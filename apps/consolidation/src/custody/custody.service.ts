import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  ADULT_AGE, ageOn, CustodyEntryDto, custodyChild, custodyNotificationId, CustodyNotificationRaisedData, CustodyNotificationUpdatedData, CustodyReleasedData,
  DrugTestOnArrestDto, EventTypes, routeCustodyNotification, Topics, treatmentReferralId, TreatmentReferralRequestedData, YjsTeam,
} from '../../../../libs/contracts/src';
import { CloudEvent, newEvent } from '../../../../libs/contracts/src';
import { enqueueEvents } from '../../../../libs/messaging/src';
import { HubLogger } from '../../../../libs/platform/src';
import { personKey } from '../identity/person-record';
import { CONSOLIDATION_SOURCE } from '../marac/victim-history.service';
import type { ConsolidatedRecord } from '../records/records.service';

const SCHEMA = 'consolidation';

type PendingEvent = { topic: string; event: CloudEvent };

/** A row of `custody_notifications`, as INSERT or UPDATE ... RETURNING * gives it. */
interface NotificationRow {
  id: string;
  custody_ref: string;
  custody_event_id: string;
  subject_id: string;
  arrived_at: Date;
  child_basis: CustodyNotificationRaisedData['childBasis'];
  age_at_arrival: number | null;
  route: CustodyNotificationRaisedData['route'];
  team: YjsTeam | null;
  local_authority: string | null;
  district: string | null;
  appropriate_adult_required: boolean;
}

/** The raised event of a notification as it now stands (first raised, or placed later). */
function raisedEvent(n: NotificationRow, raisedAt: string, causedBy: CloudEvent): PendingEvent {
  const data: CustodyNotificationRaisedData = {
    notificationId: n.id, custodyRef: n.custody_ref, custodyEventId: n.custody_event_id, subjectId: n.subject_id, arrivedAt: new Date(n.arrived_at).toISOString(),
    childBasis: n.child_basis, ...(n.age_at_arrival !== null ? { ageAtArrival: n.age_at_arrival } : {}), route: n.route,
    ...(n.team ? { team: n.team } : {}), ...(n.local_authority ? { localAuthority: n.local_authority } : {}), ...(n.district ? { district: n.district } : {}),
    appropriateAdultRequired: n.appropriate_adult_required, raisedAt,
  };
  return { topic: Topics.CustodyNotifications, event: newEvent({ type: EventTypes.CustodyNotificationRaised, source: CONSOLIDATION_SOURCE, subject: n.id, partitionKey: n.custody_ref, causedBy, data }) };
}

/**
 * Children in custody (issue 6): a custody entry of a child raises one notification to the
 * child's home YJS (or the out-of-area queue, or the navigator to place); the release,
 * charge or transfer updates it; a positive drug test in custody refers the person to START.
 * Exactly once under redelivery: the notification is unique per custody record and the
 * referral per test, inside the batch's transaction that also dedupes the events.
 */
@Injectable()
export class CustodyService {
  private readonly log = new HubLogger('custody');

  async apply(records: ConsolidatedRecord[], manager: EntityManager): Promise<void> {
    const out: PendingEvent[] = [];
    // in batch order: an entry and its release in one batch are applied in that order
    for (const r of records) {
      if (r.kind.agency === 'police' && r.kind.kind === 'custody-entry') out.push(...(await this.entered(r, manager)));
      else if (r.kind.agency === 'police' && r.kind.kind === 'custody-release') out.push(...(await this.released(r, manager)));
      else if (r.kind.agency === 'treatment' && r.kind.kind === 'drug-test-on-arrest') out.push(...(await this.tested(r, manager)));
      else if (r.kind.agency === 'youth-justice' && r.kind.kind === 'yjs-referral') out.push(...(await this.placed(r, manager)));
    }
    await enqueueEvents(manager, SCHEMA, out);
  }

  private async entered(r: ConsolidatedRecord, manager: EntityManager): Promise<PendingEvent[]> {
    const entry = r.event.data as CustodyEntryDto;
    const detainee = r.involvements.find((i) => i.role === 'detainee')?.person;
    if (!detainee) return []; // erased
    const child = custodyChild(detainee, entry.arrivedAt, entry.appearsUnder18);
    if (!child.child) return []; // an adult: no notification (the custody purpose is for children only)
    const subjectId = r.subjectOf.get(personKey(r.kind.agency, detainee.personRef))!;
    let routing = routeCustodyNotification(detainee.address?.postcode);
    if (routing.route === 'needs-placement') routing = routeCustodyNotification(detainee.address?.postcode, await this.openYjsTeam(subjectId, manager));
    const raisedAt = new Date().toISOString();
    const inserted: NotificationRow[] = await manager.query(
      `INSERT INTO ${SCHEMA}.custody_notifications (id, custody_ref, custody_event_id, subject_id, arrived_at, child_basis, age_at_arrival, route, team,
                                                   local_authority, district, placement_reason, appropriate_adult_required, raised_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (custody_ref) DO NOTHING RETURNING *`,
      [
        custodyNotificationId(r.ref), r.ref, r.event.id, subjectId, entry.arrivedAt, child.basis, child.ageAtArrival ?? null, routing.route,
        routing.route === 'yjs' ? routing.team : null, (routing.route === 'out-of-area' && routing.localAuthority) || null, routing.district ?? null,
        routing.route === 'needs-placement' ? routing.reason : null, entry.appropriateAdultRequired, raisedAt,
      ],
    );
    if (inserted.length === 0) return []; // the same custody record sent again: notified once
    this.log.log('custody notification raised', { notificationId: inserted[0].id, route: inserted[0].route, team: inserted[0].team });
    return [raisedEvent(inserted[0], raisedAt, r.event)];
  }

  /**
   * A child waiting to be placed (boundary district or no address) who is now known to be
   * open to a YJS: the notification goes to that YJS after all, raised again under the same
   * id with the route filled in. The YJS case may simply have reached the hub after the
   * custody entry; topics are not ordered against each other.
   */
  private async placed(r: ConsolidatedRecord, manager: EntityManager): Promise<PendingEvent[]> {
    const child = r.involvements[0]?.person;
    if (!child) return [];
    const subjectId = r.subjectOf.get(personKey(r.kind.agency, child.personRef))!;
    const team = await this.openYjsTeam(subjectId, manager);
    if (!team) return []; // the referral was closed in the same batch
    const [rows]: [NotificationRow[], number] = await manager.query(
      `UPDATE ${SCHEMA}.custody_notifications SET route = 'yjs', team = $2, placement_reason = NULL
        WHERE subject_id = $1 AND route = 'needs-placement' AND released_at IS NULL RETURNING *`,
      [subjectId, team],
    );
    const raisedAt = new Date().toISOString();
    return rows.map((n) => {
      this.log.log('custody notification placed by an open YJS case', { notificationId: n.id, team });
      return raisedEvent(n, raisedAt, r.event);
    });
  }

  private async released(r: ConsolidatedRecord, manager: EntityManager): Promise<PendingEvent[]> {
    const release = r.event.data as CustodyReleasedData;
    const [rows]: [{ id: string; subject_id: string; team: string | null }[], number] = await manager.query(
      `UPDATE ${SCHEMA}.custody_notifications SET released_at = $2, outcome = $3, release_event_id = $4
        WHERE custody_ref = $1 AND release_event_id IS NULL RETURNING id, subject_id, team`,
      [r.ref, release.releasedAt, release.outcome, r.event.id],
    );
    return rows.map((n) => {
      const data: CustodyNotificationUpdatedData = {
        notificationId: n.id, custodyRef: r.ref, subjectId: n.subject_id, ...(n.team ? { team: n.team as YjsTeam } : {}),
        releasedAt: release.releasedAt, outcome: release.outcome, releaseEventId: r.event.id,
      };
      return { topic: Topics.CustodyNotifications, event: newEvent({ type: EventTypes.CustodyNotificationUpdated, source: CONSOLIDATION_SOURCE, subject: n.id, partitionKey: r.ref, causedBy: r.event, data }) };
    });
  }

  /**
   * A positive test in custody refers the person to START (domain.md §2: children screened
   * go on to START; pack-2025 L831): the young people's team for a child, else the criminal
   * justice team's required assessment. A child is known by the date of birth on the day of
   * the test or, without one, by the custody record having been a child's.
   */
  private async tested(r: ConsolidatedRecord, manager: EntityManager): Promise<PendingEvent[]> {
    const test = r.event.data as DrugTestOnArrestDto;
    if (test.result !== 'positive') return [];
    const person = r.involvements[0]?.person;
    if (!person) return []; // erased
    const subjectId = r.subjectOf.get(personKey(r.kind.agency, person.personRef))!;
    let child = person.dateOfBirth ? ageOn(person.dateOfBirth, test.testedAt) < ADULT_AGE : false;
    if (!person.dateOfBirth && test.custodyRef) {
      const [known] = await manager.query(`SELECT 1 FROM ${SCHEMA}.custody_notifications WHERE custody_ref = $1`, [test.custodyRef]);
      child = Boolean(known);
    }
    const data: TreatmentReferralRequestedData = {
      referralId: treatmentReferralId(r.ref), testRef: r.ref, testEventId: r.event.id, ...(test.custodyRef ? { custodyRef: test.custodyRef } : {}), subjectId,
      service: child ? 'young-people' : 'criminal-justice', testedAt: test.testedAt, requestedAt: new Date().toISOString(),
    };
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${SCHEMA}.treatment_referral_requests (id, test_ref, test_event_id, subject_id, custody_ref, service, tested_at, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (test_ref) DO NOTHING RETURNING id`,
      [data.referralId, data.testRef, data.testEventId, subjectId, data.custodyRef ?? null, data.service, data.testedAt, data.requestedAt],
    );
    if (rows.length === 0) return [];
    return [{ topic: Topics.TreatmentReferralRequests, event: newEvent({ type: EventTypes.TreatmentReferralRequested, source: CONSOLIDATION_SOURCE, subject: data.referralId, partitionKey: subjectId, causedBy: r.event, data }) }];
  }

  /** The YJS the child is open to (a referral without a closure), the latest if several. */
  private async openYjsTeam(subjectId: string, manager: EntityManager): Promise<YjsTeam | undefined> {
    const [open]: { team: YjsTeam }[] = await manager.query(
      `SELECT r.record->>'team' AS team FROM ${SCHEMA}.chronology r JOIN ${SCHEMA}.persons p USING (agency, person_ref)
        WHERE p.subject_id = $1 AND r.kind = 'yjs-referral'
          AND NOT EXISTS (SELECT 1 FROM ${SCHEMA}.chronology c WHERE c.agency = r.agency AND c.kind = 'yjs-case-closure' AND c.record->>'referralRef' = r.record_ref)
        ORDER BY r.occurred_at DESC LIMIT 1`,
      [subjectId],
    );
    return open?.team;
  }
}
