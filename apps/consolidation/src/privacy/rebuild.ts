import { Admin } from 'kafkajs';
import { TOPICS } from '../../../../libs/contracts/src';
import { physicalGroup, physicalTopic } from '../../../../libs/messaging/src/kafka/kafka-config';

/**
 * Consolidation's read model: everything it derives from the log and can derive again. The
 * erasure register is not here: it is what keeps erased people out of the rebuilt model. Nor
 * are the outbox (events not yet published must still go) and the log of retention sweeps.
 */
export const READ_MODEL_TABLES = [
  'person_keys', 'persons', 'subjects', 'chronology', 'da_incidents', 'marac_referrals', 'identity_reviews', 'link_decisions',
  'asb_reports', 'asb_actions', 'work_items', 'impersonal_records', 'custody_notifications', 'treatment_referral_requests', 'school_notifications',
  'analytics_facts',
  // the dedupe table: without this the replayed events would be skipped as already seen
  'processed_events',
];

/** Every topic consolidation consumes (the registry's consumers; the transport subscribes to the same set). */
export function consolidationTopics(): string[] {
  return TOPICS.filter((t) => t.consumers.includes('consolidation')).map((t) => t.name);
}

/** Empties the read model and the dedupe table in one statement; `erasures` stays. */
export async function truncateReadModel(db: { query(sql: string): Promise<unknown> }, schema = 'consolidation'): Promise<string[]> {
  await db.query(`TRUNCATE ${READ_MODEL_TABLES.map((t) => `"${schema}".${t}`).join(', ')}`);
  return READ_MODEL_TABLES;
}

/**
 * Moves the consumer group back to the earliest offset of every topic it consumes. Kafka
 * only lets a group with no members be reset: refuses, saying so, while any instance runs.
 */
export async function resetConsumerGroup(
  admin: Pick<Admin, 'describeGroups' | 'resetOffsets'>,
  groupId: string,
  topics = consolidationTopics(),
  prefix?: string,
): Promise<string[]> {
  groupId = physicalGroup(groupId, prefix);
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups.find((g) => g.groupId === groupId);
  if (group && group.members.length > 0) {
    throw new Error(
      `consumer group ${groupId} is not empty (${group.state}, ${group.members.length} member(s)): stop every consolidation instance, then run the rebuild again`,
    );
  }
  const physical = topics.map((t) => physicalTopic(t, prefix));
  for (const topic of physical) await admin.resetOffsets({ groupId, topic, earliest: true });
  return physical;
}
