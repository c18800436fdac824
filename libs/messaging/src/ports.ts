/**
 * The two ports every transport implements. Kafka (kafkajs) in real deployments; the
 * in-process bus for the single-process default run and unit tests.
 */
export interface OutboundMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface MessagePublisher {
  /** Resolves once every message is durably accepted (acks=all on Kafka). */
  publish(messages: OutboundMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface BatchContext {
  /** keeps the consumer's group membership alive during long work */
  heartbeat(): Promise<void>;
  /** false once the consumer is stopping or its assignment was revoked */
  isActive(): boolean;
}

/**
 * Called with a batch of one partition's messages in offset order. The subscriber
 * commits the batch's offsets only after this resolves, so a batch whose handler
 * threw (or whose process died) is delivered again.
 */
export type BatchHandler = (messages: InboundMessage[], ctx: BatchContext) => Promise<void>;

export interface MessageSubscriber {
  subscribe(options: { groupId: string; topics: string[]; fromBeginning?: boolean }, handler: BatchHandler): Promise<void>;
  close(): Promise<void>;
}

export interface Transport {
  readonly kind: 'kafka' | 'in-process';
  publisher(): MessagePublisher;
  subscriber(): MessageSubscriber;
  /** Creates topics made at run time (an analyst's feed topic); the registry's are created at deploy. */
  ensureTopics(topics: { name: string; partitions: number }[]): Promise<void>;
}
