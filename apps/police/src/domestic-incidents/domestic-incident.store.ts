import { DataSource } from 'typeorm';
import { DomesticIncidentDto, gradeDash } from '../../../../libs/contracts/src';
import { RecordStore } from '../../../../libs/edge/src';

/** DA incidents keep their own table: the hub's DASH grading sits beside the record. */
export function domesticIncidentStore(dataSource: DataSource): RecordStore {
  return {
    insert: (_kind, ref, eventId, record) => {
      const dto = record as DomesticIncidentDto;
      const grade = gradeDash(dto.dash.answers, dto.professionalJudgement?.riskLevel);
      return {
        sql: `INSERT INTO police.domestic_incidents (incident_ref, event_id, occurred_at, victim_ref, ticks, risk_level, record)
              VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (incident_ref) DO NOTHING`,
        params: [ref, eventId, dto.occurredAt, dto.victim.personRef, grade.ticks, grade.riskLevel, JSON.stringify(dto)],
      };
    },
    find: async (_kind, ref) => {
      const [row] = await dataSource.query(`SELECT event_id, record FROM police.domestic_incidents WHERE incident_ref = $1`, [ref]);
      return row ? { eventId: row.event_id, record: row.record } : undefined;
    },
  };
}
