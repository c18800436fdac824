import { ageBand, AgeBand, isoWeekOf, monthOf, pseudonym } from './depersonalise';

/** How a subscription places and dates what it receives. */
export const FEED_AREAS = ['ward', 'outward-postcode'] as const;
export type FeedArea = (typeof FEED_AREAS)[number];
export const FEED_PERIODS = ['month', 'week'] as const;
export type FeedPeriod = (typeof FEED_PERIODS)[number];
export const FEED_DELIVERIES = ['kafka', 'sse', 'webhook'] as const;
export type FeedDelivery = (typeof FEED_DELIVERIES)[number];

export { FEED_ITEM_EVENT_TYPE, feedTopic } from '../../contracts/src';

/** A fact as consolidation stores it (consolidation.analytics_facts). */
export interface FactRow {
  event_id: string;
  event_type: string;
  agency: string;
  kind: string;
  occurred_at: Date | string;
  ward: string | null;
  outward_postcode: string | null;
  category: string | null;
  fields: Record<string, unknown>;
}

/** A person in the record, from consolidation's chronology and persons: read in the hub, never sent. */
export interface FactPerson {
  subjectId: string;
  role: string;
  dateOfBirth?: string;
}

/**
 * One depersonalised feed item. `id` is the item's place in its subscription's feed (the
 * server-sent event id, the webhook's order); `record` is the fact's id, stable across
 * redelivery, for the receiver to deduplicate by.
 */
export interface FeedItem {
  id: string;
  record: string;
  subscription: string;
  eventType: string;
  agency: string;
  kind: string;
  category: string | null;
  /** `YYYY-MM` or `YYYY-Www` (UK calendar) */
  period: string;
  area: { ward: string | null } | { outwardPostcode: string | null };
  /** the record's analyst fields, cut again by the agreement in force; times only as period */
  fields: Record<string, unknown>;
  people: { pseudonym: string; role: string; ageBand: AgeBand }[];
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Place is carried once, in `area`, at the subscription's level. */
const PLACE_FIELDS = new Set(['ward', 'outwardPostcode', 'location']);

/** Every date or time in the fields becomes its month or week; nothing finer leaves the hub. */
function coarsen(value: unknown, period: FeedPeriod): unknown {
  if (typeof value === 'string' && DATE_TIME.test(value)) return period === 'month' ? monthOf(value) : isoWeekOf(value);
  if (Array.isArray(value)) return value.map((v) => coarsen(v, period));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coarsen(v, period)]));
  return value;
}

export function feedItem(
  sub: { id: string; key: string; area: FeedArea; period: FeedPeriod },
  fact: FactRow,
  releasedFields: Record<string, unknown>,
  people: FactPerson[],
  id = '',
): FeedItem {
  const fields = Object.fromEntries(Object.entries(releasedFields).filter(([k]) => !PLACE_FIELDS.has(k)).map(([k, v]) => [k, coarsen(v, sub.period)]));
  return {
    id,
    record: fact.event_id,
    subscription: sub.id,
    eventType: fact.event_type,
    agency: fact.agency,
    kind: fact.kind,
    category: fact.category,
    period: sub.period === 'month' ? monthOf(fact.occurred_at) : isoWeekOf(fact.occurred_at),
    area: sub.area === 'ward' ? { ward: fact.ward } : { outwardPostcode: fact.outward_postcode },
    fields,
    people: people.map((p) => ({ pseudonym: pseudonym(p.subjectId, sub.key), role: p.role, ageBand: ageBand(p.dateOfBirth, fact.occurred_at) })),
  };
}
