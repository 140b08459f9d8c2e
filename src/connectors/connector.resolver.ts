import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { BadUserInputError, NotFoundError } from '../errors';
import { GraphQLContext, orgOf } from '../graphql/context';
import { READ_SCOPE } from '../graphql/scopes';
import { ConnectorCategory } from './connector.enums';
import { Connector } from './connector.type';

@Resolver(() => Connector)
export class ConnectorResolver {
  @Authorized(READ_SCOPE.connections)
  @Query(() => [Connector])
  connectors(
    @Ctx() ctx: GraphQLContext,
    @Arg('category', () => ConnectorCategory, { nullable: true }) category?: ConnectorCategory,
    @Arg('search', () => String, { nullable: true }) search?: string,
  ): Promise<Connector[]> {
    return ctx.services.catalog.list(orgOf(ctx), { category, search });
  }

  @Authorized(READ_SCOPE.connections)
  @Query(() => Connector, { nullable: true })
  async connector(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('key', () => String, { nullable: true }) key?: string,
  ): Promise<Connector> {
    if (!id && !key) throw new BadUserInputError('Give id or key', 'id');
    const catalog = ctx.services.catalog;
    const found = id ? await catalog.byId(orgOf(ctx), id) : await catalog.byKey(orgOf(ctx), key as string);
    if (!found || (id && key && found.key !== key)) throw new NotFoundError('Connector', id ?? key);
    return found;
  }
}
