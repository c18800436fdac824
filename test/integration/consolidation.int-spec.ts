import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CloudEvent, dlqTopic, EventTypes, newEvent, Topics } from '../../libs/contracts/src';
import { EventConsumer, Headers, InProcessTransport } from '../../libs/messaging/src';
import { openServiceDatabase } from '../../libs/persistence/src';
import { CONSOLIDATION_MIGRATIONS, startConsolidation } from '../../apps/consolidation/src/consolidation.bootstrap';
import { createTestDatabase, query } from '../support/postgres';
import { freePort, incident } from '../support/fixtures';

const daEvent = (ref: string, victim: string, opts: Parameters<typeof incident>[2] = {}) =>
  newEvent({ type: EventTypes.DomesticIncidentRecorded, source: '/safer-hub/police', partitionKey: victim, data: incident(ref, victim, opts) });

const publish = (transport: InProcessTransport, events: CloudEvent[]) =>
  transport.publisher().publish(events.map((e) => ({ topic: Topics.PoliceDomesticIncidents, key: e.partitionkey, value: JSON.stringify(e) })));

describe('consolidation on PostgreSQL (in-process transport)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: INestApplication;
  const transport = new InProcessTransport();
  const referrals = () =>
    query<{ criterion: string; repeat: boolean; trigger_incident_ref: string; incident_refs: string[] }>(
      db.url,
      `SELECT criterion, repeat, trigger_incident_ref, incident_refs FROM consolidation.marac_referrals ORDER BY trigger_incident_ref`,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startConsolidation({ transport, databaseUrl: db.url, port: await freePort() });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('keeps victim histories and raises one referral per trigger, publishing it through the outbox', async () => {
    await publish(transport, [
      daEvent('HR-1', 'V-HIGH', { ticks: 14 }),
      daEvent('LOW-1', 'V-LOW', { ticks: 13 }),
      daEvent('PJ-1', 'V-PJ', { ticks: 5, judgement: 'high' }),
      daEvent('ESC-1', 'V-ESC', { daysAgo: 100 }),
      daEvent('ESC-2', 'V-ESC', { daysAgo: 50 }),
      daEvent('ESC-3', 'V-ESC', { daysAgo: 10 }),
      daEvent('ESC-4', 'V-ESC', { daysAgo: 5 }),
    ]);
    await transport.drained();
    expect(await referrals()).toEqual([
      { criterion: 'escalation', repeat: false, trigger_incident_ref: 'ESC-3', incident_refs: ['ESC-1', 'ESC-2', 'ESC-3'] },
      { criterion: 'repeat', repeat: true, trigger_incident_ref: 'ESC-4', incident_refs: ['ESC-3', 'ESC-4'] },
      { criterion: 'visible-high-risk', repeat: false, trigger_incident_ref: 'HR-1', incident_refs: ['HR-1'] },
      { criterion: 'professional-judgement', repeat: false, trigger_incident_ref: 'PJ-1', incident_refs: ['PJ-1'] },
    ]);
    const [{ n }] = await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM consolidation.da_incidents`);
    expect(Number(n)).toBe(7);
    await new Promise((r) => setTimeout(r, 500));
    const published = transport.read(Topics.MaracReferrals).map((m) => JSON.parse(m.value!));
    expect(published).toHaveLength(4);
    expect(published.every((e) => e.type === EventTypes.MaracReferralCreated && e.causationid && e.correlationid)).toBe(true);
  });

  it('changes nothing when the same event is delivered again, or the same incident comes under a new event id', async () => {
    const before = await referrals();
    const first = daEvent('HR-1', 'V-HIGH', { ticks: 14 });
    await publish(transport, [first]);
    const [original] = transport.read(Topics.PoliceDomesticIncidents).filter((m) => JSON.parse(m.value!).data.incidentRef === 'ESC-3');
    await transport.publisher().publish([{ topic: Topics.PoliceDomesticIncidents, key: original.key!, value: original.value! }]);
    await transport.drained();
    expect(await referrals()).toEqual(before);
  });

  it('dead-letters an invalid event with the reason, and keeps the stream flowing', async () => {
    const bad = daEvent('BAD-1', 'V-BAD', { ticks: 20 }) as CloudEvent<any>;
    bad.data.dash.answers = [true];
    delete bad.data.victim;
    await transport.publisher().publish([
      { topic: Topics.PoliceDomesticIncidents, key: 'V-BAD', value: '{not json' },
      { topic: Topics.PoliceDomesticIncidents, key: 'V-BAD', value: JSON.stringify(bad) },
    ]);
    await publish(transport, [daEvent('AFTER-1', 'V-AFTER', { ticks: 16 })]);
    await transport.drained();
    const dead = transport.read(dlqTopic(Topics.PoliceDomesticIncidents));
    expect(dead).toHaveLength(2);
    expect(dead[0].headers[Headers.dlqError]).toBe('the message is not JSON');
    expect(dead[1].headers[Headers.dlqError]).toMatch(/victim/);
    expect(dead[1].headers[Headers.dlqError]).toMatch(/dash\.answers/);
    expect(dead[1].headers[Headers.dlqOriginTopic]).toBe(Topics.PoliceDomesticIncidents);
    expect(dead[1].headers[Headers.dlqConsumerGroup]).toBe('consolidation');
    expect(dead[1].value).toBe(JSON.stringify(bad));
    expect((await referrals()).map((r) => r.trigger_incident_ref)).toContain('AFTER-1');
  });
});

describe('EventConsumer with a failing handler (real PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openServiceDatabase({ schema: 'consolidation', entities: [], migrations: CONSOLIDATION_MIGRATIONS }, db.url);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('retries a failing event alone, dead-letters it after maxAttempts, and commits the rest exactly once', async () => {
    const poison = daEvent('P-1', 'V-1');
    const good = [daEvent('G-1', 'V-2'), daEvent('G-2', 'V-3')];
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    const dead: { value: string; headers?: Record<string, string> }[] = [];
    const consumer = new EventConsumer(
      dataSource,
      { publish: async (m) => void dead.push(...m), close: async () => undefined },
      {
        service: 'test',
        schema: 'consolidation',
        groupId: 'test-group',
        maxAttempts: 3,
        handles: () => true,
        handler: async (events) => {
          for (const e of events) attempts.set(e.id, (attempts.get(e.id) ?? 0) + 1);
          if (events.some((e) => e.id === poison.id)) throw new Error('handler bug');
          handled.push(...events.map((e) => e.id));
        },
      },
    );
    const messages = [good[0], poison, good[1]].map((e, i) => ({ topic: Topics.PoliceDomesticIncidents, partition: 0, offset: String(i), key: e.partitionkey, value: JSON.stringify(e), headers: {} }));
    await consumer.handleBatch(messages, { heartbeat: async () => undefined, isActive: () => true });
    consumer.shutdown();
    expect(handled.sort()).toEqual(good.map((e) => e.id).sort());
    expect(attempts.get(poison.id)).toBe(1 + 3);
    expect(dead).toHaveLength(1);
    expect(dead[0].headers?.[Headers.dlqError]).toBe('handler failed 3 times: handler bug');
    expect(dead[0].headers?.[Headers.dlqAttempts]).toBe('3');
    const processed = await query<{ event_id: string }>(db.url, `SELECT event_id FROM consolidation.processed_events WHERE consumer_group = 'test-group'`);
    expect(processed.map((r) => r.event_id).sort()).toEqual(good.map((e) => e.id).sort());
  });
});
