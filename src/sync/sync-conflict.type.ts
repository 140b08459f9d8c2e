import { Directive, Field, ID, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { SyncConflictStatus } from './sync.enums';

// syncConfig is added by @FieldResolver from syncConfigId.

@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description: 'A field that changed on both sides since the last sync, held for a person under MANUAL resolution.',
})
export class SyncConflict {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  externalId!: string;

  @Field(() => ID, { nullable: true })
  internalId!: string | null;

  @Field(() => String)
  field!: string;

  @Field(() => JSONScalar, { nullable: true })
  baseValue!: unknown;

  @Field(() => JSONScalar, { nullable: true })
  sourceValue!: unknown;

  @Field(() => JSONScalar, { nullable: true })
  targetValue!: unknown;

  @Field(() => SyncConflictStatus)
  status!: SyncConflictStatus;

  @Field(() => JSONScalar, { nullable: true })
  resolvedValue!: unknown;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  resolvedAt!: Date | null;

  /** Not in the schema: resolves `syncConfig`. */
  syncConfigId!: string;

  /** Not in the schema: the owning tenant, for scoping `_entities`. */
  organizationId!: string;
}

export const { Edge: SyncConflictEdge, Page: SyncConflictConnection } = relayTypes(SyncConflict, 'SyncConflict');
export type SyncConflictConnection = InstanceType<typeof SyncConflictConnection>;
