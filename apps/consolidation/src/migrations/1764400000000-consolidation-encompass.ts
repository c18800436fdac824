import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operation Encompass (issue 6): one notification per child present at a police DA incident,
 * to the child's school (DfE URN), due before the next school day. `no-school`: nobody knew
 * the school, so nothing was sent and the police find it. The id is a UUID v5 of the incident
 * event and the child person (libs/contracts `schoolNotificationId`): one row per (incident
 * event, child person), so a redelivered incident raises nothing again, and a rebuild gives
 * the same ids. `subject_id` is the child's hub subject (erasure deletes by it); the child's
 * agency reference is not kept. Refs only: the record itself stays in the chronology.
 */
export class ConsolidationEncompass1764400000000 implements MigrationInterface {
  name = 'ConsolidationEncompass1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE consolidation.school_notifications (
      id uuid PRIMARY KEY,
      incident_ref text NOT NULL,
      incident_event_id uuid NOT NULL,
      incident_at timestamptz NOT NULL,
      subject_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('raised', 'no-school')),
      school_urn text CHECK (school_urn ~ '^[0-9]{6}$'),
      school_name text,
      school_from text,
      due_by timestamptz NOT NULL,
      raised_at timestamptz NOT NULL,
      -- a child named twice in one incident (two references linked to one subject) is told of once
      CONSTRAINT school_notifications_once UNIQUE (incident_event_id, subject_id),
      CONSTRAINT school_notifications_school CHECK ((status = 'raised') = (school_urn IS NOT NULL))
    )`);
    await q.query(`CREATE INDEX school_notifications_subject ON consolidation.school_notifications (subject_id)`);
    await q.query(`CREATE INDEX school_notifications_due ON consolidation.school_notifications (due_by)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consolidation.school_notifications`);
  }
}
