import { ApiProperty } from '@nestjs/swagger';

/** The CloudEvents type of one item on an analyst subscription's own Kafka topic. */
export const FEED_ITEM_EVENT_TYPE = 'uk.shp.analytics.feed-item.v1';
/** A subscription's own Kafka topic (created when it is registered). */
export const feedTopic = (subscriptionId: string): string => `analytics.feed.${subscriptionId}.v1`;

/** One depersonalised record on an analyst's feed (issue 7): the same item the stream and the webhook deliver. */
export class AnalyticsFeedItemDto {
  @ApiProperty({ example: '1042', description: 'the item’s place in its subscription’s feed (the stream’s event id)' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'the record’s id, the same on every redelivery: deduplicate by it' })
  record: string;

  @ApiProperty({ format: 'uuid' })
  subscription: string;

  @ApiProperty({ example: 'uk.shp.fire.deliberate-fire.recorded.v1' })
  eventType: string;

  @ApiProperty({ example: 'fire' })
  agency: string;

  @ApiProperty({ example: 'deliberate-fire' })
  kind: string;

  @ApiProperty({ nullable: true, example: 'secondary', description: 'the category the record is counted by' })
  category: string | null;

  @ApiProperty({ example: '2017-03', description: 'UK calendar month `YYYY-MM` or ISO week `YYYY-Www`, as the subscription chose' })
  period: string;

  @ApiProperty({ example: { ward: 'Victoria' }, description: '`{ward}` or `{outwardPostcode}`, as the subscription chose; never a full postcode' })
  area: Record<string, string | null>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the fields the agreement gives analysts for this kind of record; every time in them is a month or week' })
  fields: Record<string, unknown>;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', properties: { pseudonym: { type: 'string', description: 'HMAC-SHA-256 of the hub subject id under this subscription’s key' }, role: { type: 'string' }, ageBand: { type: 'string' } } },
    description: 'the people in the record: pseudonyms per subscription and age bands, never names, dates of birth or addresses',
  })
  people: { pseudonym: string; role: string; ageBand: string }[];
}
