import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

import { JSONScalar } from '../graphql/scalars';
import { AuthType, ConnectorCategory, ConnectorStatus, ConnectorType, FieldType } from './connector.enums';

@ObjectType({ simpleResolvers: true })
export class SchemaField {
  @Field(() => String)
  name!: string;

  @Field(() => FieldType)
  type!: FieldType;

  @Field(() => Boolean)
  required!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ConnectorObject {
  @Field(() => String)
  name!: string;

  @Field(() => [SchemaField])
  fields!: SchemaField[];

  @Field(() => Boolean)
  supportsIncremental!: boolean;

  @Field(() => Boolean)
  supportsWrite!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ConnectorAction {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => JSONScalar, { description: "JSON Schema of the action's input." })
  inputSchema!: unknown;
}

@ObjectType({ simpleResolvers: true })
export class RateLimitPolicy {
  @Field(() => String)
  strategy!: string;

  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  windowSeconds!: number;
}

@Directive('@key(fields: "id")')
@Directive('@key(fields: "key")')
@ObjectType({
  simpleResolvers: true,
  description:
    'An external service integration: built in (stripe, paypal, quickbooks, docusign, adobe_sign, slack, teams, gmail, outlook, linkedin) or custom.',
})
export class Connector {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    description: 'Stable machine name: stripe, paypal, quickbooks, docusign, adobe_sign, slack, teams, gmail, outlook, linkedin, or a custom key.',
  })
  key!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String)
  provider!: string;

  @Field(() => ConnectorCategory)
  category!: ConnectorCategory;

  @Field(() => ConnectorType)
  connectorType!: ConnectorType;

  @Field(() => [AuthType])
  authTypes!: AuthType[];

  @Field(() => String, { nullable: true })
  baseUrl!: string | null;

  @Field(() => String, { nullable: true })
  version!: string | null;

  @Field(() => String, { nullable: true })
  icon!: string | null;

  @Field(() => Boolean)
  builtIn!: boolean;

  @Field(() => ConnectorStatus)
  status!: ConnectorStatus;

  @Field(() => [ConnectorObject], {
    description: 'Objects this connector can read (and, where supportsWrite, write), with their fields.',
  })
  objects!: ConnectorObject[];

  @Field(() => [ConnectorAction], {
    description: 'Operations beyond sync, named as executeConnectorAction takes them: postMessage (slack), sendEnvelope (docusign), createRefund (stripe), ...',
  })
  actions!: ConnectorAction[];

  @Field(() => RateLimitPolicy, {
    nullable: true,
    description: "The provider's documented request budget that the connector stays inside.",
  })
  rateLimit!: RateLimitPolicy | null;

  /** Not in the schema: the owning organization of a custom connector (null for built-ins). */
  organizationId!: string | null;
}
