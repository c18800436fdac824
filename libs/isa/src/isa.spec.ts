import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { RECORD_KINDS } from '../../contracts/src';
import { propertyShape } from '../../edge/src/import/rows';
import { Agreement } from './agreement';
import { AgreementFileError, defaultAgreementsDir, loadAgreements } from './loader';
import { filterFields, PolicyDecisionPoint } from './policy';

const DA = 'uk.shp.police.domestic-incident.recorded.v1';
const REFERRAL = 'uk.shp.treatment.referral.recorded.v1';

const agreement = (over: Partial<Agreement> = {}): Agreement => ({
  id: 'test-isa',
  version: '1',
  title: 'Test agreement',
  status: 'signed',
  parties: [{ id: 'police', name: 'Police', agencies: ['police'], role: 'controller' }],
  signatories: [{ party: 'police', name: 'A Signer', title: 'Chief Constable', signedOn: '2026-03-01' }],
  effectiveFrom: '2026-04-01',
  reviewBy: '2027-03-31',
  expiresOn: '2029-03-31',
  dpia: { reference: 'DPIA-1', completedOn: '2026-03-01', owner: 'IG lead' },
  purposes: {
    'marac.risk-management': {
      title: 'MARAC',
      description: 'risk management',
      roles: ['marac-coordinator', 'marac-member'],
      lawfulBasis: { article6: '6(1)(e) public task', gateways: ['Crime and Disorder Act 1998 s115'] },
      consent: { route: 'sought-where-safe', overrideReasons: ['high risk'] },
      retention: { police: 'P2Y' },
      onwardSharing: 'prohibited',
      clauses: [
        { id: 'm1', roles: ['marac-coordinator'], source: DA, tier: 'fields', fields: ['incidentRef', 'victim.givenName', 'childrenPresent.givenName', 'location.*'] },
        { id: 'm2', roles: ['marac-member'], source: DA, tier: 'fields', fields: ['incidentRef'] },
        { id: 'm3', roles: ['marac-coordinator', 'marac-member'], source: REFERRAL, tier: 'signpost' },
      ],
    },
  },
  ...over,
});

const at = new Date('2026-11-23T12:00:00Z');

describe('policy decision point', () => {
  const pdp = new PolicyDecisionPoint([agreement()]);

  it('releases the fields of the clause for that role and record type, naming agreement, version and clause', () => {
    expect(pdp.decide({ roles: ['marac-coordinator'], purpose: 'marac.risk-management', source: DA, at })).toEqual({
      effect: 'fields', agreement: 'test-isa', version: '1', clause: 'm1', fields: ['incidentRef', 'victim.givenName', 'childrenPresent.givenName', 'location.*'],
    });
    expect(pdp.decide({ roles: ['marac-member'], purpose: 'marac.risk-management', source: DA, at })).toMatchObject({ effect: 'fields', clause: 'm2', fields: ['incidentRef'] });
  });

  it('gives a signpost where the clause says so', () => {
    expect(pdp.decide({ roles: ['marac-member'], purpose: 'marac.risk-management', source: REFERRAL, at })).toMatchObject({ effect: 'signpost', clause: 'm3' });
  });

  it('denies by default: unknown purpose, role outside the purpose, no clause for the record type', () => {
    expect(pdp.decide({ roles: ['marac-coordinator'], purpose: 'analytics.depersonalised', source: DA, at })).toMatchObject({ effect: 'deny', reason: expect.stringContaining('no agreement covers') });
    expect(pdp.decide({ roles: ['analyst'], purpose: 'marac.risk-management', source: DA, at })).toMatchObject({ effect: 'deny', reason: expect.stringContaining('may not act') });
    expect(pdp.decide({ roles: ['marac-coordinator'], purpose: 'marac.risk-management', source: 'uk.shp.fire.deliberate-fire.recorded.v1', at })).toMatchObject({ effect: 'deny', reason: expect.stringContaining('no clause') });
  });

  it('denies under an agreement not signed, not yet in force, or expired (the last day still counts)', () => {
    const ask = (a: Agreement, day: string) => new PolicyDecisionPoint([a]).decide({ roles: ['marac-coordinator'], purpose: 'marac.risk-management', source: DA, at: new Date(`${day}T12:00:00Z`) });
    expect(ask(agreement({ status: 'draft' }), '2026-11-23')).toMatchObject({ effect: 'deny', reason: expect.stringContaining('draft') });
    expect(ask(agreement(), '2026-03-31')).toMatchObject({ effect: 'deny', reason: expect.stringContaining('not in force until 2026-04-01') });
    expect(ask(agreement(), '2029-03-31')).toMatchObject({ effect: 'fields' });
    expect(ask(agreement(), '2029-04-01')).toMatchObject({ effect: 'deny', reason: expect.stringContaining('expired on 2029-03-31') });
  });

  it('takes a new version without a restart', () => {
    const live = new PolicyDecisionPoint([agreement()]);
    live.replace([agreement({ version: '2' })]);
    expect(live.decide({ roles: ['marac-coordinator'], purpose: 'marac.risk-management', source: DA, at })).toMatchObject({ version: '2' });
  });
});

describe('field filter', () => {
  const record = {
    incidentRef: 'DA-1',
    victim: { personRef: 'P-1', givenName: 'Jane', familyName: 'Doe', dateOfBirth: '1990-05-04' },
    childrenPresent: [{ personRef: 'C-1', givenName: 'Tom' }, { personRef: 'C-2', givenName: 'Amy' }],
    location: { ward: 'Victoria', postcode: 'TS24 7AA' },
    dash: { form: 'police-27', answers: [true] },
  };

  it('keeps exactly the agreed paths, through objects and arrays, and nothing else', () => {
    expect(filterFields(record, ['incidentRef', 'victim.givenName', 'childrenPresent.givenName', 'location.*'])).toEqual({
      incidentRef: 'DA-1',
      victim: { givenName: 'Jane' },
      childrenPresent: [{ givenName: 'Tom' }, { givenName: 'Amy' }],
      location: { ward: 'Victoria', postcode: 'TS24 7AA' },
    });
    expect(filterFields(record, [])).toEqual({});
    expect(filterFields(record, ['victim.nhsNumber', 'nothing.here'])).toEqual({ victim: {} });
  });
});

describe('agreement files', () => {
  const bad = (doc: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), 'isa-'));
    copyFileSync(join(defaultAgreementsDir(), 'agreement.schema.json'), join(dir, 'agreement.schema.json'));
    writeFileSync(join(dir, 'broken.yaml'), typeof doc === 'string' ? doc : stringify(doc));
    try {
      loadAgreements(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(AgreementFileError);
      return (error as Error).message;
    }
    throw new Error('the file was accepted');
  };

  it('loads the shipped agreement', () => {
    const [shipped] = loadAgreements(defaultAgreementsDir());
    expect(shipped.status).toBe('signed');
    expect(Object.keys(shipped.purposes)).toEqual(expect.arrayContaining([
      'marac.risk-management', 'custody.yjs-notification', 'safeguarding.school-notification', 'community-trigger.case-review', 'analytics.depersonalised', 'audit.oversight',
    ]));
  });

  it('names only fields the source records have (the shipped agreement, every clause)', () => {
    const [shipped] = loadAgreements(defaultAgreementsDir());
    const missing: string[] = [];
    for (const [purpose, p] of Object.entries(shipped.purposes)) {
      for (const clause of p.clauses) {
        const kind = RECORD_KINDS.find((k) => k.eventType === clause.source)!;
        for (const path of (clause.fields ?? []).filter((f) => f !== '*')) {
          let cls: Function = kind.eventDto ?? kind.dto;
          for (const segment of path.replace(/\.\*$/, '').split('.')) {
            const shape = propertyShape(cls, segment);
            if (shape.is === 'unknown') {
              missing.push(`${purpose} ${clause.id} ${path}`);
              break;
            }
            if (shape.is === 'object' || shape.is === 'objects') cls = shape.cls;
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('accepts the test agreement', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isa-'));
    copyFileSync(join(defaultAgreementsDir(), 'agreement.schema.json'), join(dir, 'agreement.schema.json'));
    writeFileSync(join(dir, 'ok.yaml'), stringify(agreement()));
    expect(loadAgreements(dir)).toHaveLength(1);
  });

  it('refuses a file that fails the schema, naming the file and the fault', () => {
    const message = bad({ ...agreement(), status: 'maybe', colour: 'blue' });
    expect(message).toMatch(/broken\.yaml/);
    expect(message).toMatch(/status/);
    expect(message).toMatch(/colour/);
  });

  it('refuses what the schema cannot see: unknown event types, roles outside the purpose, unsigned parties', () => {
    const a = agreement();
    a.purposes['marac.risk-management'].clauses[0].source = 'uk.shp.police.nothing.v1';
    a.purposes['marac.risk-management'].clauses[1].roles = ['analyst'];
    a.parties.push({ id: 'fire', name: 'Fire', agencies: ['fire'], role: 'controller' });
    const message = bad(a);
    expect(message).toMatch(/uk\.shp\.police\.nothing\.v1 is not an event type/);
    expect(message).toMatch(/analyst may not use marac\.risk-management/);
    expect(message).toMatch(/fire has not signed/);
  });

  it('refuses a file that is not YAML', () => {
    expect(bad('id: [unclosed')).toMatch(/not YAML/);
  });
});
