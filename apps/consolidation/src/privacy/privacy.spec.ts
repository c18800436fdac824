import { Admin } from 'kafkajs';
import { AGENCY_TOPICS, Topics } from '../../../../libs/contracts/src';
import { scrubErased } from './erasure-register';
import { consolidationTopics, READ_MODEL_TABLES, resetConsumerGroup } from './rebuild';

describe('scrubbing erased people out of a record', () => {
  const record = {
    incidentRef: 'DA-1',
    victim: { personRef: 'V-1', givenName: 'Ann', familyName: 'Example', identifiers: { crossRefs: [{ agency: 'housing', personRef: 'H-9' }] } },
    perpetrator: { personRef: 'P-1', givenName: 'Bob', familyName: 'Example' },
    childrenPresent: [{ personRef: 'C-1', givenName: 'Cy', familyName: 'Example' }, { personRef: 'C-2', givenName: 'Di', familyName: 'Example' }],
  };

  it('replaces each erased person of the record’s agency, wherever they are, and keeps the rest', () => {
    const scrubbed = scrubErased(record, 'police', new Set(['police:V-1', 'police:C-2']));
    expect(scrubbed).toEqual({ ...record, victim: { erased: true }, childrenPresent: [record.childrenPresent[0], { erased: true }] });
    expect(record.victim.givenName).toBe('Ann'); // a copy: the event itself is untouched
  });

  it('matches a crosswalk ref by its own agency, and a person of another agency not at all', () => {
    expect(scrubErased(record, 'police', new Set(['housing:V-1']))).toEqual(record);
    expect(scrubErased(record, 'police', new Set(['housing:H-9'])).victim.identifiers.crossRefs).toEqual([{ erased: true }]);
  });
});

describe('rebuild', () => {
  it('replays every topic consolidation consumes, the erasures included, and keeps the register', () => {
    expect(consolidationTopics().sort()).toEqual([...AGENCY_TOPICS.map((t) => t.name), Topics.IdentityDecisions, Topics.Erasures, Topics.CustodyInbox].sort());
    expect(READ_MODEL_TABLES).toContain('processed_events');
    expect(READ_MODEL_TABLES).not.toContain('erasures');
  });

  const admin = (members: number) => {
    const reset: { groupId: string; topic: string; earliest: boolean }[] = [];
    const fake: Pick<Admin, 'describeGroups' | 'resetOffsets'> = {
      describeGroups: async (ids) => ({
        groups: ids.map((groupId) => ({ groupId, state: members ? 'Stable' : 'Empty', protocol: '', protocolType: 'consumer', members: Array.from({ length: members }, () => ({}) as any) })),
      }),
      resetOffsets: async (o) => void reset.push(o),
    };
    return { fake, reset };
  };

  it('resets the group to the earliest offset of each topic, group and topics under the deployment’s prefix', async () => {
    const { fake, reset } = admin(0);
    expect(await resetConsumerGroup(fake, 'consolidation', ['a.v1', 'b.v1'], 'test-')).toEqual(['test-a.v1', 'test-b.v1']);
    expect(reset).toEqual([{ groupId: 'test-consolidation', topic: 'test-a.v1', earliest: true }, { groupId: 'test-consolidation', topic: 'test-b.v1', earliest: true }]);
  });

  it('refuses while an instance is still in the group, saying what to do', async () => {
    const { fake, reset } = admin(2);
    await expect(resetConsumerGroup(fake, 'consolidation', ['a.v1'])).rejects.toThrow('consumer group consolidation is not empty (Stable, 2 member(s)): stop every consolidation instance');
    expect(reset).toEqual([]);
  });
});
