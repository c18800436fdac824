import { createServer } from 'node:net';
import { DomesticIncidentDto } from '../../libs/contracts/src';

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

/** A valid DA incident; `ticks` DASH answers ticked on the police 27-question form. */
export function incident(incidentRef: string, victimRef: string, opts: { ticks?: number; daysAgo?: number; judgement?: 'standard' | 'medium' | 'high' } = {}): DomesticIncidentDto {
  const ticks = opts.ticks ?? 3;
  return {
    incidentRef,
    occurredAt: daysAgo(opts.daysAgo ?? 1),
    location: { ward: 'Victoria', postcode: 'TS24 7AA' },
    victim: { personRef: victimRef, givenName: 'Test', familyName: `Victim ${victimRef}`, dateOfBirth: '1990-05-04', sex: 'F', address: { line1: '1 Example Street', postcode: 'TS24 7AA' } },
    perpetrator: { personRef: `P-${victimRef}`, givenName: 'Test', familyName: 'Perpetrator' },
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
