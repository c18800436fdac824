import { CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';
import { MessagePublisher, OutboundMessage } from '../ports';
import { physicalTopic } from './kafka-config';

/**
 * Idempotent producer, acks=all. kafkajs' idempotent producer must not have two sends in
 * flight, so sends are chained one after another.
 */
const CHUNK_BYTES = 512 * 1024;

export class KafkaPublisher implements MessagePublisher {
  private readonly producer: Producer;
  private connected?: Promise<void>;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  publish(messages: OutboundMessage[]): Promise<void> {
    const send = this.chain.then(() => this.send(messages));
    this.chain = send.catch(() => undefined);
    return send;
  }

  private async send(messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.connected ??= this.producer.connect().catch((e) => {
      this.connected = undefined;
      throw e;
    });
    await this.connected;
    // Stay well under the broker's 1 MB request and batch limits; chunks go in order.
    let chunk: OutboundMessage[] = [];
    let bytes = 0;
    for (const m of messages) {
      const size = m.value.length + m.key.length + 64;
      if (chunk.length > 0 && bytes + size > CHUNK_BYTES) {
        await this.sendChunk(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(m);
      bytes += size;
    }
    await this.sendChunk(chunk);
  }

  private async sendChunk(messages: OutboundMessage[]): Promise<void> {
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, ms]) => ({
        topic: physicalTopic(topic),
        messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
  }

  async close(): Promise<void> {
    await this.chain;
    if (this.connected) await this.producer.disconnect();
  }
}
