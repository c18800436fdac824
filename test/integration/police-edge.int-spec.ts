import { INestApplication } from '@nestjs/common';
import { EventTypes, Topics } from '../../libs/contracts/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { startPolice } from '../../apps/police/src/police.bootstrap';
import { createTestDatabase, query } from '../support/postgres';
import { freePort, incident, postJson } from '../support/fixtures';
import { waitFor } from '../support/services';

describe('police edge on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: INestApplication;
  let base: string;
  const transport = new InProcessTransport();
  const count = async (table: string) => Number((await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM police.${table}`))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    app = await startPolice({ transport, databaseUrl: db.url, port });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers bad input with 400 naming every bad field, and stores nothing', async () => {
    const body = incident('CP-DA-BAD-1', 'CP-P-1') as any;
    body.victim.dateOfBirth = 'yesterday';
    body.dash.answers = [true];
    delete body.location;
    const res = await postJson(`${base}/domestic-incidents`, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
    expect(res.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['dash.answers', 'location', 'victim.dateOfBirth']);
    expect(await count('domestic_incidents')).toBe(0);
    expect(await count('outbox')).toBe(0);
  });

  it('answers malformed JSON with a clear 400', async () => {
    const res = await postJson(`${base}/domestic-incidents`, '{"incidentRef": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'the body is not valid JSON', fields: [] });
  });

  it('stores the record and its event in one transaction, and the relay publishes it', async () => {
    const res = await postJson(`${base}/domestic-incidents`, incident('CP-DA-1', 'CP-P-1', { ticks: 15 }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ incidentRef: 'CP-DA-1', eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [row] = await query<{ ticks: number; risk_level: string; event_id: string }>(db.url, `SELECT ticks, risk_level, event_id FROM police.domestic_incidents`);
    expect(row).toEqual({ ticks: 15, risk_level: 'high', event_id: res.body.eventId });
    const published = await waitFor('the relay to publish', async () => transport.read(Topics.PoliceDomesticIncidents).length > 0 && transport.read(Topics.PoliceDomesticIncidents));
    const event = JSON.parse(published[0].value!);
    expect(event).toMatchObject({ specversion: '1.0', id: res.body.eventId, type: EventTypes.DomesticIncidentRecorded, partitionkey: 'CP-P-1', source: '/safer-hub/police' });
    expect(published[0].key).toBe('CP-P-1');
    const [outbox] = await query<{ published_at: Date | null }>(db.url, `SELECT published_at FROM police.outbox`);
    expect(outbox.published_at).not.toBeNull();
  });

  it('treats the same record posted again as a retry (200, first eventId) and a different one under the same ref as a conflict', async () => {
    // occurredAt is computed from now in the fixture: pin it so the retry is the same record
    const same = await postJson(`${base}/domestic-incidents`, { ...incident('CP-DA-3', 'CP-P-3'), occurredAt: '2026-01-01T10:00:00Z' });
    const retry = await postJson(`${base}/domestic-incidents`, { ...incident('CP-DA-3', 'CP-P-3'), occurredAt: '2026-01-01T10:00:00Z' });
    expect(same.status).toBe(201);
    expect(retry).toEqual({ status: 200, body: { incidentRef: 'CP-DA-3', eventId: same.body.eventId } });
    const conflict = await postJson(`${base}/domestic-incidents`, { ...incident('CP-DA-3', 'CP-P-3', { ticks: 20 }), occurredAt: '2026-01-01T10:00:00Z' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.fields).toEqual([{ path: 'incidentRef', reason: 'already used for a different record' }]);
    expect(await count('outbox')).toBe(2);
  });

  it('serves health, metrics and OpenAPI', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('hub_http_requests_total');
    const doc: any = await (await fetch(`${base}/api/docs-json`)).json();
    expect(Object.keys(doc.paths)).toContain('/domestic-incidents');
    expect(doc.components.schemas.DomesticIncidentDto.properties).toHaveProperty('dash');
  });
});
