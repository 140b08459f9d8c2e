import { BadUserInputError } from '../errors';
import type { EventOutbox, RecordedEvent } from './event-outbox';
import { checkPublishedType } from './webhook.validation';
import type { PublishEventInput } from './webhook.inputs';

/** integration.* events are this service's own (sync, connection, key lifecycle): callers cannot forge them. */
const RESERVED_PREFIX = 'integration.';
const MAX_IDEMPOTENCY_KEY = 255;

/** publishEvent: a caller's CRM event (opportunity.won) into the outbox, source hotcrm. */
export class EventPublisher {
  constructor(private readonly outbox: EventOutbox) {}

  publish(organizationId: string, input: PublishEventInput): Promise<RecordedEvent> {
    const type = checkPublishedType(input.type);
    if (type.startsWith(RESERVED_PREFIX))
      throw new BadUserInputError(`type ${type}: the integration.* types are reserved for this service's own events`, 'type');
    if (input.idempotencyKey !== undefined && input.idempotencyKey !== null && (!input.idempotencyKey || input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
      throw new BadUserInputError(`idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`, 'idempotencyKey');
    }
    if (input.data === null || typeof input.data !== 'object') throw new BadUserInputError('data must be a JSON object or array', 'data');
    return this.outbox.record(organizationId, {
      type,
      source: 'hotcrm',
      objectType: input.objectType ?? null,
      recordId: input.recordId ?? null,
      data: input.data,
      occurredAt: input.occurredAt ?? undefined,
      idempotencyKey: input.idempotencyKey ?? null,
    });
  }
}
