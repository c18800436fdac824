import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { DomesticIncidentDto, EventTypes, gradeDash, newEvent, Topics } from '../../../../libs/contracts/src';
import { enqueueEvents, OutboxRelay } from '../../../../libs/messaging/src';
import { DomesticIncident } from './domestic-incident.entity';

export const POLICE_SOURCE = '/safer-hub/police';

@Injectable()
export class DomesticIncidentsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  /**
   * Stores the incident and its event in one transaction. Posting the same record twice
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
    const result = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(DomesticIncident)
        .values({
          incidentRef: dto.incidentRef,
          eventId: event.id,
          occurredAt: new Date(dto.occurredAt),
          victimRef: dto.victim.personRef,
          ticks: grade.ticks,
          riskLevel: grade.riskLevel,
          record: dto,
        })
        .orIgnore()
        .execute();
      if (inserted.identifiers.length === 0 || inserted.raw.length === 0) {
        const existing = await manager.findOneByOrFail(DomesticIncident, { incidentRef: dto.incidentRef });
        if (isDeepStrictEqual(JSON.parse(JSON.stringify(existing.record)), JSON.parse(JSON.stringify(dto)))) {
          return { incidentRef: dto.incidentRef, eventId: existing.eventId, created: false };
        }
        throw new ConflictException({
          error: `incident ${dto.incidentRef} is already recorded with different details; corrections are a later feature, not an overwrite`,
          fields: [{ path: 'incidentRef', reason: 'already used for a different record' }],
        });
      }
      await enqueueEvents(manager, 'police', [{ topic: Topics.PoliceDomesticIncidents, event }]);
      return { incidentRef: dto.incidentRef, eventId: event.id, created: true };
    });
    if (result.created) this.relay.nudge();
    return result;
  }
}
