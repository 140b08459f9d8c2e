import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { FieldMapping, FieldMappingConnection } from './field-mapping.type';
import { toFieldMapping } from './sync.mappers';

@Resolver(() => FieldMapping)
export class FieldMappingResolver {
  @Authorized(READ_SCOPE.mappings)
  @Query(() => FieldMappingConnection)
  async fieldMappings(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('sourceObject', () => String, { nullable: true }) sourceObject?: string,
    @Arg('targetObject', () => String, { nullable: true }) targetObject?: string,
  ) {
    return toRelay(await ctx.services.fieldMappings.list(orgOf(ctx), { first, after }, { sourceObject, targetObject }), toFieldMapping);
  }

  @Authorized(READ_SCOPE.mappings)
  @Query(() => FieldMapping, { nullable: true })
  async fieldMapping(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<FieldMapping> {
    return toFieldMapping(found(await ctx.loaders.fieldMapping.load(id), 'FieldMapping', id));
  }
}
