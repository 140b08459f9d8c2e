import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../../graphql/context';
import { READ_SCOPE } from '../../graphql/scopes';
import { FieldMappingSuggestion } from '../../sync/field-mapping.type';
import { ObjectSchemaInput } from './suggest.inputs';

@Resolver()
export class SuggestResolver {
  @Authorized(READ_SCOPE.mappings)
  @Query(() => [FieldMappingSuggestion])
  suggestFieldMappings(
    @Ctx() ctx: GraphQLContext,
    @Arg('source', () => ObjectSchemaInput) source: ObjectSchemaInput,
    @Arg('target', () => ObjectSchemaInput) target: ObjectSchemaInput,
  ): Promise<FieldMappingSuggestion[]> {
    return ctx.services.suggestions.suggest(orgOf(ctx), source, target);
  }

  @Authorized(READ_SCOPE.mappings)
  @Query(() => [FieldMappingSuggestion], {
    description: "Suggestions from one object of a connection's connector (its declared fields) into a HotCRM object (one of crmObjects).",
  })
  suggestFieldMappingsForConnection(
    @Ctx() ctx: GraphQLContext,
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('object', () => String) object: string,
    @Arg('targetObject', () => String) targetObject: string,
  ): Promise<FieldMappingSuggestion[]> {
    return ctx.services.suggestions.suggestForConnection(orgOf(ctx), connectionId, object, targetObject);
  }
}
