import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { paginate, toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { FieldMappingEntity } from './field-mapping.entity';
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
    const qb = ctx.db
      .getRepository(FieldMappingEntity)
      .createQueryBuilder('m')
      .where('m.organization_id = :org', { org: orgOf(ctx) });
    if (sourceObject) qb.andWhere('m.source_object = :sourceObject', { sourceObject });
    if (targetObject) qb.andWhere('m.target_object = :targetObject', { targetObject });
    return toRelay(await paginate(qb, { first, after }), toFieldMapping);
  }

  @Authorized(READ_SCOPE.mappings)
  @Query(() => FieldMapping, { nullable: true })
  async fieldMapping(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<FieldMapping> {
    return toFieldMapping(found(await ctx.loaders.fieldMapping.load(id), 'FieldMapping', id));
  }
}
