import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; every series carries the `service` label. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const eventsConsumed = new Counter({
  name: 'hub_events_consumed_total',
  help: 'Events taken from a topic, by outcome (processed, duplicate, ignored, dead-lettered)',
  labelNames: ['service', 'topic', 'outcome'] as const,
  registers: [registry],
});

export const outboxPublished = new Counter({
  name: 'hub_outbox_published_total',
  help: 'Events the outbox relay published',
  labelNames: ['service'] as const,
  registers: [registry],
});

export const breakerOpen = new Gauge({
  name: 'hub_breaker_open',
  help: '1 while a circuit breaker is open',
  labelNames: ['service', 'breaker'] as const,
  registers: [registry],
});

export const httpRequests = new Counter({
  name: 'hub_http_requests_total',
  help: 'HTTP requests by route and status',
  labelNames: ['service', 'method', 'route', 'status'] as const,
  registers: [registry],
});

export const identityDecisions = new Counter({
  name: 'hub_identity_decisions_total',
  help: 'Identity resolution outcomes for newly seen agency persons: the auto-link rule, new-subject, or review (possible matches queued)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
