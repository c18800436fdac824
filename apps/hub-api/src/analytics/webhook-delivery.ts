import { Injectable } from '@nestjs/common';

/** Placeholder: delivers feed items to webhook subscriptions, signed, retried with backoff. */
@Injectable()
export class WebhookDelivery {
  start(): void {}
  async stop(): Promise<void> {}
}
