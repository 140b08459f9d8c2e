import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import type { IntegrationEventEntity } from './integration-event.entity';

/** What a receiver gets: the event as a JSON body (DESIGN.md: {id, type, timestamp, data}). */
export interface WebhookBody {
  id: string;
  type: string;
  timestamp: string;
  data: unknown;
}

export function webhookBody(event: Pick<IntegrationEventEntity, 'id' | 'type' | 'occurredAt' | 'data'>): WebhookBody {
  return { id: event.id, type: event.type, timestamp: new Date(event.occurredAt).toISOString(), data: event.data };
}

/**
 * The webhook-id header, fixed per delivery: `msg_` + base58 of 16 random bytes, the shape
 * Standard Webhooks' examples use. Receivers deduplicate on it, so it never changes across attempts.
 */
export function newMessageId(): string {
  return `msg_${bs58.encode(randomBytes(16))}`;
}
