import { Arg, Authorized, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
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

@Resolver()
export class ConnectorMutationsResolver {
  /** Declares an organization's own REST connector, run by the generic engine (rest-engine/). */
  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Connector)
  createConnector(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateConnectorInput) input: CreateConnectorInput): Promise<Connector> {
    return ctx.services.customConnectors.create(orgOf(ctx), input);
  }
}
