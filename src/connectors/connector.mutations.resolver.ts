import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { JSONScalar } from '../graphql/scalars';
import { WRITE_SCOPE } from '../graphql/scopes';
import { AuthType, ConnectorCategory } from './connector.enums';
import { Connector } from './connector.type';

@InputType({ description: 'A custom connector, declared rather than coded: auth, base URL, objects with list/get/create/update endpoints and pagination.' })
export class CreateConnectorInput {
  @Field(() => String) key!: string;
  @Field(() => String) name!: string;
  @Field(() => ConnectorCategory) category!: ConnectorCategory;
  @Field(() => [AuthType]) authTypes!: AuthType[];
  @Field(() => String) baseUrl!: string;
  @Field(() => JSONScalar) definition!: unknown;
}

@InputType({ description: 'Changes to a custom connector; absent fields keep their value, and the key never changes (connections name it).' })
export class UpdateConnectorInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => ConnectorCategory, { nullable: true }) category?: ConnectorCategory | null;
  @Field(() => [AuthType], { nullable: true }) authTypes?: AuthType[] | null;
  @Field(() => String, { nullable: true }) baseUrl?: string | null;
  @Field(() => JSONScalar, { nullable: true }) definition?: unknown;
}

const given = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

@Resolver()
export class ConnectorMutationsResolver {
  /** Declares an organization's own REST connector, run by the generic engine (rest-engine/). */
  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Connector)
  createConnector(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateConnectorInput) input: CreateConnectorInput): Promise<Connector> {
    return ctx.services.customConnectors.create(orgOf(ctx), input);
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Connector, {
    description:
      'Changes a custom connector, validated like createConnector; CONFLICT when it drops an auth type or object its connections or sync configs use.',
  })
  updateConnector(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateConnectorInput) input: UpdateConnectorInput,
  ): Promise<Connector> {
    return ctx.services.customConnectors.update(orgOf(ctx), id, {
      name: given(input.name),
      category: given(input.category),
      authTypes: given(input.authTypes),
      baseUrl: given(input.baseUrl),
      definition: given(input.definition),
    });
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Boolean, { description: 'Deletes a custom connector; CONFLICT while any connection uses it.' })
  deleteConnector(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.customConnectors.delete(orgOf(ctx), id);
  }
}
