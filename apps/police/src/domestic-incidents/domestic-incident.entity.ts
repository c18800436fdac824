import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { DomesticIncidentDto, RiskLevel } from '../../../../libs/contracts/src';

/** The police record as received, with the hub's grading. */
@Entity({ name: 'domestic_incidents' })
export class DomesticIncident {
  @PrimaryColumn({ name: 'incident_ref' })
  incidentRef: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'victim_ref' })
  victimRef: string;

  @Column({ type: 'int' })
  ticks: number;

  @Column({ name: 'risk_level', type: 'text' })
  riskLevel: RiskLevel;

  @Column({ type: 'jsonb' })
  record: DomesticIncidentDto;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
