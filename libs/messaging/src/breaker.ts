import CircuitBreaker from 'opossum';
import { HubLogger } from '../../platform/src/logger';
import { breakerOpen } from '../../platform/src/metrics';

/**
 * An opossum breaker around an async action. While it is open, callers wait for it to
 * half-open instead of hammering a dependency that is down (Kafka for the relay,
 * PostgreSQL for consumers).
 */
export function createBreaker<A extends unknown[], R>(
  name: string,
  action: (...args: A) => Promise<R>,
  options: { resetTimeoutMs?: number; timeoutMs?: number; errorFilter?: (error: unknown) => boolean } = {},
): CircuitBreaker<A, R> {
  return new CircuitBreaker(action, {
    name,
    timeout: options.timeoutMs ?? 30_000,
    resetTimeout: options.resetTimeoutMs ?? 2_000,
    errorThresholdPercentage: 50,
    volumeThreshold: 2,
    rollingCountTimeout: 10_000,
    errorFilter: options.errorFilter,
  });
}

/** Logs and exports (`hub_breaker_open`) a breaker's opening and closing. */
export function reportBreaker(breaker: CircuitBreaker, labels: { service: string; dependency: string }, log: HubLogger, paused: string): void {
  breaker.on('open', () => {
    breakerOpen.labels(labels.service, labels.dependency).set(1);
    log.warn(`${labels.dependency} unreachable: ${paused} paused (breaker open)`);
  });
  breaker.on('close', () => {
    breakerOpen.labels(labels.service, labels.dependency).set(0);
    log.log(`${labels.dependency} reachable again: ${paused} resumed (breaker closed)`);
  });
}

/** Resolves when the breaker is no longer open (half-open lets one trial call through). */
export function untilNotOpen(breaker: CircuitBreaker, stopped: () => boolean): Promise<void> {
  if (!breaker.opened) return Promise.resolve();
  return new Promise((resolve) => {
    const check = setInterval(() => {
      if (!breaker.opened || stopped()) {
        clearInterval(check);
        resolve();
      }
    }, 100);
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
