import { createHash, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:net';
import { CloudEvent, CustodyNotificationRaisedData, DomesticIncidentDto, EventTypes, newEvent } from '../../libs/contracts/src';

/**
 * `count` ports free now and different from each other: each listener stays open until all
 * are chosen, so the system cannot hand the same port out twice (as calling freePort in a
 * row can).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/**
 * A distinct synthetic person per ref: identity resolution reads names as letters only, so
 * refs that differ only in digits must not give the same name and date of birth (they
 * would rightly be linked as one person). Digits become letters; the date of birth comes
 * from a hash of the ref.
 */
export const lettersOf = (ref: string) => ref.replace(/\d/g, (d) => 'abcdefghij'[Number(d)]).replace(/[^A-Za-z]/g, '');

export function syntheticPerson(ref: string, givenName: string, label: string) {
  const hash = createHash('sha256').update(ref).digest();
  const dateOfBirth = new Date(Date.UTC(1950, 0, 1) + (hash.readUInt32BE(0) % 20_000) * 86_400_000).toISOString().slice(0, 10);
  // Spread over Teesside postcodes, as real people are: a whole test population at one
  // address would make every one of them a candidate for every other.
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  const postcode = `TS${1 + (hash[4] % 27)} ${hash[5] % 10}${letters[hash[6] % 20]}${letters[hash[7] % 20]}`;
  const surname = lettersOf(ref).toLowerCase();
  return { personRef: ref, givenName, familyName: `${surname[0]?.toUpperCase() ?? ''}${surname.slice(1)}-${label}`, dateOfBirth, sex: 'F' as const, address: { line1: '1 Example Street', postcode } };
}

/** A valid DA incident; `ticks` DASH answers ticked on the police 27-question form. */
export function incident(incidentRef: string, victimRef: string, opts: { ticks?: number; daysAgo?: number; judgement?: 'standard' | 'medium' | 'high' } = {}): DomesticIncidentDto {
  const ticks = opts.ticks ?? 3;
  return {
    incidentRef,
    occurredAt: daysAgo(opts.daysAgo ?? 1),
    location: { ward: 'Victoria', postcode: 'TS24 7AA' },
    victim: syntheticPerson(victimRef, 'Test', 'Victim'),
    perpetrator: { personRef: `P-${victimRef}`, givenName: 'Test', familyName: `Perpetrator ${lettersOf(victimRef)}` },
    childrenPresent: [],
    dash: { form: 'police-27', answers: Array.from({ length: 27 }, (_, i) => i < ticks) },
    ...(opts.judgement ? { professionalJudgement: { riskLevel: opts.judgement, reason: 'test' } } : {}),
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * consolidation's custody-notification.raised event as the youth-justice inbox consumes it:
 * a 15-year-old for Hartlepool YJS (TS24) who arrived at `arrivedAt`, raised a minute later;
 * `data` sets the custody ref and overrides any other field.
 */
export function custodyNotificationRaised(arrivedAt: Date, data: Partial<CustodyNotificationRaisedData> & { custodyRef: string }): CloudEvent<CustodyNotificationRaisedData> {
  return newEvent<CustodyNotificationRaisedData>({
    type: EventTypes.CustodyNotificationRaised,
    source: '/safer-hub/consolidation',
    subject: data.custodyRef,
    partitionKey: data.custodyRef,
    data: {
      notificationId: randomUUID(),
      custodyEventId: randomUUID(),
      subjectId: randomUUID(),
      arrivedAt: arrivedAt.toISOString(),
      childBasis: 'age',
      ageAtArrival: 15,
      route: 'yjs',
      team: 'hartlepool',
      district: 'TS24',
      appropriateAdultRequired: true,
      raisedAt: new Date(arrivedAt.getTime() + 60_000).toISOString(),
      ...data,
    },
  });
}
