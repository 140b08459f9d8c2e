import { Directive, Field, ID, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';

// deliveryCount is added by @FieldResolver (counted, batched, from webhook deliveries).

@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description:
    'A CRM or integration event: opportunity.won published by the Sales cloud, integration.sync.completed from here, ' +
    'or stripe.invoice.paid received from a provider.',
})
export class IntegrationEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    description: "Provider events are typed <connector key>.<the provider's event type>, e.g. stripe.invoice.paid.",
  })
  type!: string;

  @Field(() => String, {
    description: 'hotcrm for published and internal events; the connector key for events received from a provider.',
  })
  source!: string;

  @Field(() => String, { nullable: true })
  objectType!: string | null;

  @Field(() => ID, { nullable: true })
  recordId!: string | null;

  @Field(() => JSONScalar)
  data!: unknown;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  /** Not in the schema: the owning tenant, for scoping `_entities`. */
  organizationId!: string;
}

export const { Edge: IntegrationEventEdge, Page: IntegrationEventConnection } = relayTypes(IntegrationEvent, 'IntegrationEvent');
export type IntegrationEventConnection = InstanceType<typeof IntegrationEventConnection>;
