import { Directive, Field, ID, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { ConflictResolution, SyncDirection } from './sync.enums';

// connection, fieldMapping, lastRun and runs(first, after) are added by @FieldResolver; the
// plain properties below carry the foreign keys those resolvers load by.

@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description: 'Rules for moving data between one external object (source) and one CRM object (target).',
})
export class SyncConfig {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'External object, e.g. customers (Stripe).' })
  sourceObject!: string;

  @Field(() => String, { description: 'CRM object, e.g. account.' })
  targetObject!: string;

  @Field(() => SyncDirection)
  direction!: SyncDirection;

  @Field(() => String, {
    description: "manual, realtime, hourly, daily, weekly, 'every 15m', or a 5-field cron expression.",
  })
  frequency!: string;

  @Field(() => ConflictResolution)
  conflictResolution!: ConflictResolution;

  @Field(() => Boolean)
  isActive!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  lastSyncAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  nextSyncAt!: Date | null;

  @Field(() => JSONScalar, { nullable: true, description: 'The incremental checkpoint as last committed.' })
  cursor!: unknown;

  @Field(() => [String], {
    description: `CRM fields that find an existing HotCRM record before a new one is created (inbound and
bidirectional), tried in order, compared normalised: trimmed and case-folded; emails
lowercased; websites by host without scheme and www; phones as E.164. Defaults: contact and
lead [email], account [email, website], invoice [invoice_number], others none. An external
record that matches more than one record creates nothing and is logged AMBIGUOUS_MATCH.`,
  })
  matchOn!: string[];

  /** Not in the schema: resolves `connection`. */
  connectionId!: string;

  /** Not in the schema: resolves `fieldMapping` (null when the config has none). */
  fieldMappingId!: string | null;

  /** Not in the schema: the owning tenant, for scoping `_entities`. */
  organizationId!: string;
}

export const { Edge: SyncConfigEdge, Page: SyncConfigConnection } = relayTypes(SyncConfig, 'SyncConfig');
export type SyncConfigConnection = InstanceType<typeof SyncConfigConnection>;
