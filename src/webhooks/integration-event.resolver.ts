import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { paginate, toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { READ_SCOPE } from '../graphql/scopes';
import { eventTypeLike } from './event-type-pattern';
import { IntegrationEventEntity } from './integration-event.entity';
import { IntegrationEvent, IntegrationEventConnection } from './integration-event.type';
import { toIntegrationEvent } from './webhook.mappers';

@Resolver(() => IntegrationEvent)
export class IntegrationEventResolver {
  @Authorized(READ_SCOPE.webhooks)
  @Query(() => IntegrationEventConnection, { description: 'Newest first. type takes the same patterns as eventTypes.' })
  async integrationEvents(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('type', () => String, { nullable: true }) type?: string,
    @Arg('source', () => String, { nullable: true }) source?: string,
  ) {
    const qb = ctx.db
      .getRepository(IntegrationEventEntity)
      .createQueryBuilder('e')
      .where('e.organization_id = :org', { org: orgOf(ctx) });
    const like = type ? eventTypeLike(type) : null;
    if (like) qb.andWhere(`e.type LIKE :like ESCAPE '\\'`, { like });
    if (source) qb.andWhere('e.source = :source', { source });
    return toRelay(await paginate(qb, { first, after }, { column: 'occurred_at', direction: 'DESC' }), toIntegrationEvent);
  }

  @FieldResolver(() => Int, { description: 'How many webhook deliveries this event fanned out to.' })
  deliveryCount(@Root() event: IntegrationEvent, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.loaders.deliveryCountByEvent.load(event.id);
  }
}
