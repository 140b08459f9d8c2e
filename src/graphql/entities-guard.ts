import { GraphQLSchema, isUnionType } from 'graphql';
import { BadUserInputError } from '../errors';

/**
 * `_entities` takes `[_Any!]!`, which admits any JSON. @apollo/subgraph throws a plain Error for
 * a representation that is not an object or names no entity type (an INTERNAL_SERVER_ERROR);
 * the router never sends one, so such a call is bad input and is answered as BAD_USER_INPUT.
 */
export function guardEntityRepresentations(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const union = schema.getType('_Entity');
  if (!field?.resolve || !union || !isUnionType(union)) return;
  const entityTypes = new Set(union.getTypes().map((type) => type.name));
  const resolve = field.resolve;
  field.resolve = (source, args, context, info) => {
    const representations = args.representations as unknown[];
    const bad = representations.findIndex(
      (r) => !r || typeof r !== 'object' || Array.isArray(r) || !entityTypes.has((r as { __typename?: unknown }).__typename as string),
    );
    if (bad >= 0) {
      throw new BadUserInputError(
        `representations[${bad}] is not an entity representation: an object whose __typename is an entity of this subgraph`,
        `representations.${bad}`,
      );
    }
    return resolve(source, args, context, info);
  };
}
