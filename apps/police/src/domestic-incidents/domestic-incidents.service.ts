import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { DomesticIncidentDto, EventTypes, gradeDash, newEvent, Topics } from '../../../../libs/contracts/src';
import { insertRecordWithEvents, OutboxRelay } from '../../../../libs/messaging/src';
import { DomesticIncident } from './domestic-incident.entity';

export const POLICE_SOURCE = '/safer-hub/police';

@Injectable()
export class DomesticIncidentsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  /**
   * Stores the incident and its event atomically (one statement: record + outbox). Posting the same record twice
   * (a partner's retry) returns the first event id; a different record under a used
   * incidentRef is a conflict, never an overwrite.
   */
  async record(dto: DomesticIncidentDto): Promise<{ incidentRef: string; eventId: string; created: boolean }> {
    const grade = gradeDash(dto.dash.answers, dto.professionalJudgement?.riskLevel);
    const event = newEvent({
      type: EventTypes.DomesticIncidentRecorded,
      source: POLICE_SOURCE,
      subject: dto.incidentRef,
      partitionKey: dto.victim.personRef,
      data: dto,
    });
    const created = await insertRecordWithEvents(
      this.dataSource,
      'police',
      {
        sql: `INSERT INTO police.domestic_incidents (incident_ref, event_id, occurred_at, victim_ref, ticks, risk_level, record)
              VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (incident_ref) DO NOTHING`,
        params: [dto.incidentRef, event.id, dto.occurredAt, dto.victim.personRef, grade.ticks, grade.riskLevel, JSON.stringify(dto)],
      },
      [{ topic: Topics.PoliceDomesticIncidents, event }],
    );
    if (created) {
      this.relay.nudge();
      return { incidentRef: dto.incidentRef, eventId: event.id, created: true };
    }
    const existing = await this.dataSource.manager.findOneByOrFail(DomesticIncident, { incidentRef: dto.incidentRef });
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(existing.record)), JSON.parse(JSON.stringify(dto)))) {
      return { incidentRef: dto.incidentRef, eventId: existing.eventId, created: false };
    }
    throw new ConflictException({
      error: `incident ${dto.incidentRef} is already recorded with different details; corrections are a later feature, not an overwrite`,
      fields: [{ path: 'incidentRef', reason: 'already used for a different record' }],
    });
  }
}
