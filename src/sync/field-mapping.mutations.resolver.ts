import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { WRITE_SCOPE } from '../graphql/scopes';
import { CreateFieldMappingInput, UpdateFieldMappingInput } from './field-mapping.inputs';
import { FieldMapping } from './field-mapping.type';
import { toFieldMapping } from './sync.mappers';

@Resolver()
export class FieldMappingMutationsResolver {
  @Authorized(WRITE_SCOPE.mappings)
  @Mutation(() => FieldMapping)
  async createFieldMapping(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateFieldMappingInput) input: CreateFieldMappingInput): Promise<FieldMapping> {
    return toFieldMapping(await ctx.services.fieldMappings.create(orgOf(ctx), input));
  }

  @Authorized(WRITE_SCOPE.mappings)
  @Mutation(() => FieldMapping)
  async updateFieldMapping(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateFieldMappingInput) input: UpdateFieldMappingInput,
  ): Promise<FieldMapping> {
    return toFieldMapping(await ctx.services.fieldMappings.update(orgOf(ctx), id, input));
  }

  @Authorized(WRITE_SCOPE.mappings)
  @Mutation(() => Boolean)
  deleteFieldMapping(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.fieldMappings.delete(orgOf(ctx), id);
  }
}
