import { createKafka, kafkaBrokers } from './kafka/kafka-config';
import { KafkaPublisher } from './kafka/kafka-publisher';
import { KafkaSubscriber } from './kafka/kafka-subscriber';
import { ensureTopics } from './kafka/kafka-topics';
import { InProcessTransport } from './in-process/in-process-transport';
import { MessagePublisher, MessageSubscriber, Transport } from './ports';

export class KafkaTransport implements Transport {
  readonly kind = 'kafka' as const;
  constructor(
    private readonly clientId: string,
    private readonly brokers: string[],
  ) {}
  publisher(): MessagePublisher {
    return new KafkaPublisher(createKafka(`${this.clientId}-producer`, this.brokers));
  }
  subscriber(): MessageSubscriber {
    return new KafkaSubscriber(createKafka(`${this.clientId}-consumer`, this.brokers));
  }
  async ensureTopics(topics: { name: string; partitions: number }[]): Promise<void> {
    await ensureTopics(createKafka(`${this.clientId}-admin`, this.brokers), topics);
  }
}

let inProcess: InProcessTransport | undefined;

/** The one in-process bus of this process, shared by every service running in it. */
export function inProcessTransport(): InProcessTransport {
  inProcess ??= new InProcessTransport();
  return inProcess;
}

/** `KAFKA_BROKERS` selects real Kafka; otherwise the in-process bus (default run only). */
export function transportFromEnv(clientId: string): Transport {
  const brokers = kafkaBrokers();
  return brokers ? new KafkaTransport(clientId, brokers) : inProcessTransport();
}
