/** Kafka headers the hub sets. `ce_*` follow the CloudEvents Kafka binding for routing without parsing. */
export const Headers = {
  ceType: 'ce_type',
  ceId: 'ce_id',
  dlqError: 'x-dlq-error',
  dlqOriginTopic: 'x-dlq-origin-topic',
  dlqOriginPartition: 'x-dlq-origin-partition',
  dlqOriginOffset: 'x-dlq-origin-offset',
  dlqConsumerGroup: 'x-dlq-consumer-group',
  dlqFailedAt: 'x-dlq-failed-at',
  dlqAttempts: 'x-dlq-attempts',
  replayedFrom: 'x-replayed-from-dlq',
} as const;
