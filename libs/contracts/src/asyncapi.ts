import { ModelPropertiesAccessor } from '@nestjs/swagger/dist/services/model-properties-accessor';
import { SchemaObjectFactory } from '@nestjs/swagger/dist/services/schema-object-factory';
import { SwaggerTypesMapper } from '@nestjs/swagger/dist/services/swagger-types-mapper';
import { stringify } from 'yaml';
import { AnalyticsFeedItemDto, FEED_ITEM_EVENT_TYPE, feedTopic } from './analytics/feed-item.dto';
import { dlqTopic, TOPICS } from './topics';

/**
 * Builds the AsyncAPI 3.0 document of every event from the topic registry and the payload
 * classes' @ApiProperty metadata (the same metadata that feeds OpenAPI). The committed
 * `libs/contracts/asyncapi.yaml` must equal this output; a test checks it.
 */
export function buildAsyncApi(): Record<string, unknown> {
  const factory = new SchemaObjectFactory(new ModelPropertiesAccessor(), new SwaggerTypesMapper());
  const schemas: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  schemas.CloudEventEnvelope = {
    type: 'object',
    description: 'CloudEvents 1.0, structured JSON mode; the Kafka value. `id` is the dedupe key.',
    required: ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'partitionkey', 'correlationid', 'data'],
    properties: {
      specversion: { type: 'string', const: '1.0' },
      id: { type: 'string', format: 'uuid' },
      source: { type: 'string', examples: ['/safer-hub/police'] },
      type: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      subject: { type: 'string' },
      datacontenttype: { type: 'string', const: 'application/json' },
      dataschema: { type: 'string', format: 'uri' },
      partitionkey: { type: 'string', description: 'extension: the Kafka key' },
      correlationid: { type: 'string', description: 'extension: first event of the chain' },
      causationid: { type: 'string', description: 'extension: the event that caused this one' },
      data: { type: 'object' },
    },
  };

  for (const topic of TOPICS) {
    const channelId = topic.name.replace(/[^A-Za-z0-9]/g, '_');
    const messageRefs: Record<string, unknown> = {};
    for (const event of topic.events) {
      const payloadName = factory.exploreModelSchema(event.payload, schemas as never);
      const messageId = event.type.replace(/[^A-Za-z0-9]/g, '_');
      messages[messageId] = {
        name: event.type,
        title: event.type,
        summary: event.summary,
        contentType: 'application/cloudevents+json',
        headers: { type: 'object', properties: { 'ce-type': { type: 'string', const: event.type } } },
        payload: {
          allOf: [
            { $ref: '#/components/schemas/CloudEventEnvelope' },
            { type: 'object', properties: { type: { const: event.type }, data: { $ref: `#/components/schemas/${payloadName}` } } },
          ],
        },
      };
      messageRefs[messageId] = { $ref: `#/components/messages/${messageId}` };
    }
    channels[channelId] = {
      address: topic.name,
      description: `${topic.description} Key: ${topic.key}. Partitions: ${topic.partitions}. Owner: ${topic.owner}.`,
      messages: messageRefs,
    };
    channels[`${channelId}_dlq`] = {
      address: dlqTopic(topic.name),
      description:
        `Dead letters of ${topic.name}: the original key and value, with headers x-dlq-error, x-dlq-origin-topic, ` +
        'x-dlq-origin-partition, x-dlq-origin-offset, x-dlq-consumer-group, x-dlq-failed-at. `npm run dlq:replay` re-offers them.',
      messages: messageRefs,
    };
    operations[`publish_${channelId}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channelId}` },
      summary: `${topic.owner} publishes through its transactional outbox`,
    };
    for (const consumer of topic.consumers) {
      operations[`${consumer}_receives_${channelId}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${channelId}` },
        summary: `${consumer} consumes in group "${consumer}": batched, deduped by event id, offsets committed after the database commit`,
      };
    }
  }

  // An analyst's subscription with Kafka delivery gets a topic of its own (issue 7).
  const feedPayload = factory.exploreModelSchema(AnalyticsFeedItemDto, schemas as never);
  messages.analytics_feed_item = {
    name: FEED_ITEM_EVENT_TYPE,
    title: FEED_ITEM_EVENT_TYPE,
    summary: 'one depersonalised record on an analyst’s feed, as the agreement gives analysts; key: the subscription id',
    contentType: 'application/cloudevents+json',
    headers: { type: 'object', properties: { 'ce-type': { type: 'string', const: FEED_ITEM_EVENT_TYPE } } },
    payload: {
      allOf: [
        { $ref: '#/components/schemas/CloudEventEnvelope' },
        { type: 'object', properties: { type: { const: FEED_ITEM_EVENT_TYPE }, data: { $ref: `#/components/schemas/${feedPayload}` } } },
      ],
    },
  };
  channels.analytics_feed = {
    address: feedTopic('{subscriptionId}'),
    description: 'The feed of one analyst subscription with Kafka delivery, created when it is registered (POST /api/analytics/subscriptions); one partition, in feed order. Owner: hub-api.',
    parameters: { subscriptionId: { description: 'the subscription id' } },
    messages: { analytics_feed_item: { $ref: '#/components/messages/analytics_feed_item' } },
  };
  operations.publish_analytics_feed = { action: 'send', channel: { $ref: '#/channels/analytics_feed' }, summary: 'hub-api publishes through its transactional outbox' };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'safer-hub events',
      version: '1.0.0',
      description:
        'Events of the Safer Hartlepool Partnership information-sharing hub. Generated from libs/contracts by `npm run asyncapi`; do not edit by hand.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'deploy/kafka single node' } },
    channels,
    operations,
    components: { schemas, messages },
  };
}

export function asyncApiYaml(): string {
  return stringify(buildAsyncApi(), { lineWidth: 0, aliasDuplicateObjects: false });
}
