import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { BadUserInputError } from '../errors';
import { GraphQLContext, orgOf } from '../graphql/context';
import { JSONScalar } from '../graphql/scalars';
import { READ_SCOPE } from '../graphql/scopes';

@ObjectType({ simpleResolvers: true, description: "One page of a connection's records, read live from the provider." })
export class ConnectorRecordPage {
  @Field(() => [JSONScalar], { description: 'Records as the provider returns them.' })
  records!: unknown[];

  @Field(() => String, { nullable: true, description: 'Pass as cursor for the next page; null on the last page.' })
  nextCursor!: string | null;
}

const MAX_PAGE_SIZE = 100;

@Resolver()
export class ConnectorRecordsResolver {
  /** Browse an external object through the connector (the same reads a sync makes). */
  @Authorized(READ_SCOPE.connections)
  @Query(() => ConnectorRecordPage, { description: "Reads one page of an object's records from the provider through the connection." })
  async connectionRecords(
    @Ctx() ctx: GraphQLContext,
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('object', () => String) object: string,
    @Arg('cursor', () => String, { nullable: true }) cursor?: string,
    @Arg('pageSize', () => Int, { nullable: true }) pageSize?: number,
  ): Promise<ConnectorRecordPage> {
    if (pageSize !== undefined && pageSize !== null && (pageSize < 1 || pageSize > MAX_PAGE_SIZE)) {
      throw new BadUserInputError(`pageSize must be between 1 and ${MAX_PAGE_SIZE}`, 'pageSize');
    }
    const connection = await ctx.services.connections.get(orgOf(ctx), connectionId);
    const definition = await ctx.services.runtime.definitionOf(connection);
    if (!definition?.objects.some((o) => o.name === object)) {
      const known = definition?.objects.map((o) => o.name).join(', ') || 'none';
      throw new BadUserInputError(`Unknown object "${object}" for ${connection.connectorKey} (objects: ${known})`, 'object');
    }
    const { handler, call } = await ctx.services.runtime.bind(connection);
    const page = await handler.list(call, object, { cursor: cursor ?? null, pageSize: pageSize ?? undefined });
    return Object.assign(new ConnectorRecordPage(), { records: page.records, nextCursor: page.nextCursor });
  }
}
