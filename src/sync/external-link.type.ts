import { Directive, Field, ID, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { ExternalLinkStatus } from './sync.enums';

// connection and syncConfig are added by @FieldResolver from the ids below.

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: "One CRM record linked to one external record: the sync's record cache." })
export class ExternalLink {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String)
  internalObject!: string;

  @Field(() => ID)
  internalId!: string;

  @Field(() => String)
  externalObject!: string;

  @Field(() => String)
  externalId!: string;

  @Field(() => ExternalLinkStatus)
  status!: ExternalLinkStatus;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'The mapped field values as of the last successful sync of this record.',
  })
  lastSyncedData!: unknown;

  @Field(() => DateTimeScalar, { nullable: true })
  lastSyncedAt!: Date | null;

  /** Not in the schema: resolves `connection`. */
  connectionId!: string;

  /** Not in the schema: resolves `syncConfig` (null for links made outside a sync config). */
  syncConfigId!: string | null;

  /** Not in the schema: the owning tenant, for scoping `_entities`. */
  organizationId!: string;
}

export const { Edge: ExternalLinkEdge, Page: ExternalLinkConnection } = relayTypes(ExternalLink, 'ExternalLink');
export type ExternalLinkConnection = InstanceType<typeof ExternalLinkConnection>;
