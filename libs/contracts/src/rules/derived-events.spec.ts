import { ModelPropertiesAccessor } from '@nestjs/swagger/dist/services/model-properties-accessor';
import { SchemaObjectFactory } from '@nestjs/swagger/dist/services/schema-object-factory';
import { SwaggerTypesMapper } from '@nestjs/swagger/dist/services/swagger-types-mapper';
import { getMetadataStorage } from 'class-validator';
import { validatePayload } from '../validation';
import { CommunityTriggerMetData, FireSetterYjsNoticeData, JointVisitTaskData, SerialPerpetratorData } from './derived-events.dto';

const uuid = (n: number) => `0b7c6a2e-4f1d-4c3b-9a8e-00000000000${n}`;
const examples: [Function, Record<string, unknown>][] = [
  [
    CommunityTriggerMetData,
    {
      workItemId: uuid(1),
      problemKey: 'ASB:TS24-7:noise',
      clause: 'three-reports-one-reporter',
      reportRefs: ['HBC-ASB-1', 'CP-ASB-2', 'TG-ASB-3'],
      reporterSubjectId: uuid(2),
      metAt: '2026-03-01T10:00:00Z',
      ownerTeam: 'hbc-community-safety',
    },
  ],
  [
    JointVisitTaskData,
    { workItemId: uuid(1), victimSubjectId: uuid(2), incidentRefs: ['CP-DA-1', 'CP-DA-2'], raisedAt: '2026-03-01T10:00:00Z', ownerTeams: ['police', 'harbour'] },
  ],
  [
    SerialPerpetratorData,
    {
      workItemId: uuid(1),
      perpetratorSubjectId: uuid(2),
      victimCount: 5,
      incidentRefs: ['CP-DA-1', 'CP-DA-2', 'CP-DA-3', 'CP-DA-4', 'CP-DA-5'],
      identifiedAt: '2026-03-01T10:00:00Z',
      ownerTeam: 'police-dvit',
    },
  ],
  [
    FireSetterYjsNoticeData,
    { workItemId: uuid(1), subjectId: uuid(2), referralRef: 'CFB-FEI-1', caseRef: 'YJS-S-9', team: 'stockton', noticeAt: '2026-03-01T10:00:00Z', ownerTeam: 'yjs-stockton' },
  ],
];
const valid = (cls: Function) => ({ ...examples.find(([c]) => c === cls)![1] });
const faultPaths = (cls: Function, body: unknown) => {
  const result = validatePayload(cls as new () => object, body);
  return result.ok ? [] : result.faults.map((f) => f.path);
};

describe('derived event payloads', () => {
  it.each(examples.map(([cls, body]) => [cls.name, cls, body] as const))('%s accepts a valid example', (_name, cls, body) => {
    expect(validatePayload(cls as new () => object, body)).toMatchObject({ ok: true });
  });

  const badFields: [Function, Record<string, unknown>, string][] = [
    [CommunityTriggerMetData, { clause: 'two-reports' }, 'clause'],
    [CommunityTriggerMetData, { reportRefs: [] }, 'reportRefs'],
    [CommunityTriggerMetData, { metAt: '2026-03-01' }, 'metAt'],
    [CommunityTriggerMetData, { ownerTeam: 'police' }, 'ownerTeam'],
    [JointVisitTaskData, { incidentRefs: ['CP-DA-1'] }, 'incidentRefs'],
    [JointVisitTaskData, { ownerTeams: ['police'] }, 'ownerTeams'],
    [JointVisitTaskData, { victimSubjectId: 'CP-P-1001' }, 'victimSubjectId'],
    [SerialPerpetratorData, { victimCount: 4 }, 'victimCount'],
    [SerialPerpetratorData, { identifiedAt: '2999-01-01T00:00:00Z' }, 'identifiedAt'],
    [FireSetterYjsNoticeData, { team: 'middlesbrough', ownerTeam: 'yjs-middlesbrough' }, 'team'],
    [FireSetterYjsNoticeData, { ownerTeam: 'yjs-hartlepool' }, 'ownerTeam'],
  ];
  it.each(badFields.map(([cls, change, path]) => [cls.name, change, path, cls] as const))('%s: %j names the bad field %s', (_name, change, path, cls) => {
    expect(faultPaths(cls, { ...valid(cls), ...change })).toEqual([path]);
  });

  it('the reporter is optional (several reporters met it)', () => {
    const { reporterSubjectId: _omitted, ...body } = valid(CommunityTriggerMetData);
    expect(validatePayload(CommunityTriggerMetData, { ...body, clause: 'five-reports-several-reporters' }).ok).toBe(true);
  });

  it('carries no personal details: a date of birth is an unknown field', () => {
    expect(faultPaths(FireSetterYjsNoticeData, { ...valid(FireSetterYjsNoticeData), dateOfBirth: '2010-06-15' })).toEqual(['dateOfBirth']);
  });

  it('documents every validated field (the AsyncAPI generator reads @ApiProperty)', () => {
    const factory = new SchemaObjectFactory(new ModelPropertiesAccessor(), new SwaggerTypesMapper());
    const storage = getMetadataStorage();
    for (const [cls] of examples) {
      const schemas: Record<string, { properties?: Record<string, unknown> }> = {};
      factory.exploreModelSchema(cls as new () => object, schemas as never);
      const documented = Object.keys(schemas[cls.name]?.properties ?? {});
      const validated = [...new Set(storage.getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName))];
      expect({ cls: cls.name, missing: validated.filter((p) => !documented.includes(p)) }).toEqual({ cls: cls.name, missing: [] });
    }
  });
});
