import { DataSource } from 'typeorm';
import { newEvent } from '../../libs/contracts/src';
import { enqueueEvents, MessagePublisher, OutboundMessage, OutboxRelay } from '../../libs/messaging/src';
import { openServiceDatabase } from '../../libs/persistence/src';
import { PoliceInit1763800000000 } from '../../apps/police/src/migrations/1763800000000-police-init';
import { createTestDatabase, query } from '../support/postgres';
import { waitFor } from '../support/services';

/** A broker that can be switched off: sends fail while `down`. */
class SwitchablePublisher implements MessagePublisher {
  down = false;
  attempts = 0;
  readonly delivered: OutboundMessage[] = [];
  async publish(messages: OutboundMessage[]): Promise<void> {
    this.attempts++;
    if (this.down) throw new Error('broker unreachable');
    this.delivered.push(...messages);
  }
  async close(): Promise<void> {}
}

describe('outbox relay on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const unpublished = async () => Number((await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM police.outbox WHERE published_at IS NULL`))[0].n);
  const enqueue = (n: number, tag: string) =>
    dataSource.transaction((m) =>
      enqueueEvents(
        m,
        'police',
        Array.from({ length: n }, (_, i) => ({ topic: 't', event: newEvent({ type: 'x.v1', source: '/test', partitionKey: `${tag}-${i % 3}`, data: { i, tag } }) })),
      ),
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openServiceDatabase({ schema: 'police', entities: [], migrations: [PoliceInit1763800000000] }, db.url);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('publishes in commit order, pauses with its breaker open while the broker is down, and resumes without losing a row', async () => {
    const publisher = new SwitchablePublisher();
    const relay = new OutboxRelay(dataSource, publisher, { schema: 'police', pollMs: 20 });
    relay.start();
    await enqueue(5, 'a');
    await waitFor('first rows published', async () => publisher.delivered.length === 5);

    publisher.down = true;
    await enqueue(7, 'b');
    await waitFor('the breaker to open', async () => relay.breakerState === 'open');
    const attemptsWhileOpen = publisher.attempts;
    await new Promise((r) => setTimeout(r, 1000));
    expect(relay.breakerState).toBe('open');
    expect(publisher.attempts).toBe(attemptsWhileOpen); // paused: no hammering while open
    expect(await unpublished()).toBe(7);

    publisher.down = false;
    await waitFor('the relay to resume', async () => publisher.delivered.length === 12, 15_000);
    await relay.stop();
    expect(relay.breakerState).toBe('closed');
    expect(await unpublished()).toBe(0);
    const order = publisher.delivered.map((m) => JSON.parse(m.value).data);
    expect(order.map((d) => `${d.tag}${d.i}`)).toEqual([...Array.from({ length: 5 }, (_, i) => `a${i}`), ...Array.from({ length: 7 }, (_, i) => `b${i}`)]);
  });

  it('lets only one relay instance publish at a time, so two instances never send a row twice', async () => {
    const [p1, p2] = [new SwitchablePublisher(), new SwitchablePublisher()];
    const relays = [new OutboxRelay(dataSource, p1, { schema: 'police', pollMs: 5 }), new OutboxRelay(dataSource, p2, { schema: 'police', pollMs: 5 })];
    relays.forEach((r) => r.start());
    for (let i = 0; i < 10; i++) await enqueue(20, `c${i}`);
    await waitFor('all rows published', async () => (await unpublished()) === 0);
    await Promise.all(relays.map((r) => r.stop()));
    const ids = [...p1.delivered, ...p2.delivered].map((m) => JSON.parse(m.value).id);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
  });
});
