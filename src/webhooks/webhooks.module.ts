// Resolvers first, in this order: type-graphql lists types and fields in the order their classes load, so
// the printed schema keeps its order (schema/integration.graphql).
import { IntegrationEventResolver } from './integration-event.resolver';
import { IntegrationEventMutationsResolver } from './integration-event.mutations.resolver';
import { WebhookDeliveryMutationsResolver } from './webhook-delivery.mutations.resolver';
import { WebhookSubscriptionMutationsResolver } from './webhook-subscription.mutations.resolver';
import { WebhookDeliveryResolver } from './webhook-delivery.resolver';
import { WebhookSubscriptionResolver } from './webhook-subscription.resolver';
import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import type { CapabilityModule } from '../graphql/capability-module';
import { byId } from '../graphql/loader-kit';
import { mapped, ownedReference } from '../graphql/owned-reference';
import { READ_SCOPE } from '../graphql/scopes';
import type { EventOutbox } from './event-outbox';
import type { EventPublisher } from './event-publisher';
import type { InboundWebhookService } from './inbound/inbound-webhook.service';
import { IntegrationEventEntity } from './integration-event.entity';
import type { IntegrationEventQueries } from './integration-event.queries';
import { deliveryCountsByEvent } from './sql/delivery-counts-by-event';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { webhookDeliveryQueue } from './webhook-delivery.job';
import type { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';
import type { WebhookSubscriptionService } from './webhook-subscription.service';
import { toIntegrationEvent, toWebhookDelivery, toWebhookSubscription } from './webhook.mappers';

function attemptsByDelivery(db: DataSource, organizationId: string) {
  return new DataLoader<string, WebhookAttemptEntity[]>(async (deliveryIds) => {
    const rows = await db.getRepository(WebhookAttemptEntity).find({
      where: { organizationId, deliveryId: In([...new Set(deliveryIds)]) },
      order: { attemptNumber: 'ASC' },
    });
    return deliveryIds.map((id) => rows.filter((row) => row.deliveryId === id));
  });
}

/** Events, signed outbound webhooks with their deliveries and attempts, and inbound provider webhooks. */
export const webhookLoaders = (db: DataSource, organizationId: string) => ({
  webhookSubscription: byId(db, WebhookSubscriptionEntity, organizationId),
  webhookDelivery: byId(db, WebhookDeliveryEntity, organizationId),
  integrationEvent: byId(db, IntegrationEventEntity, organizationId),
  attemptsByDelivery: attemptsByDelivery(db, organizationId),
  deliveryCountByEvent: new DataLoader<string, number>(async (eventIds) => {
    const counts = await deliveryCountsByEvent(db, organizationId, eventIds);
    return eventIds.map((id) => counts.get(id) ?? 0);
  }),
});

export const webhooksModule = {
  resolvers: [
    WebhookSubscriptionResolver,
    WebhookSubscriptionMutationsResolver,
    WebhookDeliveryResolver,
    WebhookDeliveryMutationsResolver,
    IntegrationEventResolver,
    IntegrationEventMutationsResolver,
  ],
  entities: [WebhookSubscriptionEntity, IntegrationEventEntity, WebhookDeliveryEntity, WebhookAttemptEntity],
  loaders: webhookLoaders,
  references: {
    WebhookSubscription: ownedReference(READ_SCOPE.webhooks, async (ctx, id) => mapped(await ctx.loaders.webhookSubscription.load(id), toWebhookSubscription)),
    WebhookDelivery: ownedReference(READ_SCOPE.webhooks, async (ctx, id) => mapped(await ctx.loaders.webhookDelivery.load(id), toWebhookDelivery)),
    IntegrationEvent: ownedReference(READ_SCOPE.webhooks, async (ctx, id) => mapped(await ctx.loaders.integrationEvent.load(id), toIntegrationEvent)),
  },
  queues: { webhookDelivery: webhookDeliveryQueue },
} satisfies CapabilityModule;

declare module '../graphql/context' {
  interface Services {
    events: EventOutbox;
    eventPublisher: EventPublisher;
    webhookSubscriptions: WebhookSubscriptionService;
    webhookDeliveries: WebhookDeliveryService;
    integrationEvents: IntegrationEventQueries;
    inboundWebhooks: InboundWebhookService;
  }
  interface Loaders extends ReturnType<typeof webhookLoaders> {}
}
