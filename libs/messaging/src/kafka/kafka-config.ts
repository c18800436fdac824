import { Kafka, logLevel } from 'kafkajs';

export function kafkaBrokers(): string[] | undefined {
  const raw = process.env.KAFKA_BROKERS?.trim();
  return raw ? raw.split(',').map((b) => b.trim()).filter(Boolean) : undefined;
}

/**
 * `KAFKA_TOPIC_PREFIX` puts a whole deployment's topics and consumer groups under a prefix
 * (several hubs or test runs on one cluster). Code uses the registry's logical names; only
 * the Kafka adapters see physical ones.
 */
export function topicPrefix(): string {
  return process.env.KAFKA_TOPIC_PREFIX ?? '';
}

export const physicalTopic = (logical: string, prefix = topicPrefix()) => prefix + logical;
/** Groups too: two hubs on one cluster must not share a `consolidation` group's partitions. */
export const physicalGroup = (logical: string, prefix = topicPrefix()) => prefix + logical;
export const logicalTopic = (physical: string, prefix = topicPrefix()) => (physical.startsWith(prefix) ? physical.slice(prefix.length) : physical);

/** kafkajs' own logs go through our structured logger at warn and above only. */
export function createKafka(clientId: string, brokers: string[]): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator: () => ({ namespace, level, log }) => {
      const { message, ...rest } = log;
      const entry = { level: level === logLevel.ERROR ? 'error' : 'warn', context: `kafkajs:${namespace}`, msg: message, broker: rest.broker, error: rest.error };
      process.stderr.write(JSON.stringify(entry) + '\n');
    },
  });
}
