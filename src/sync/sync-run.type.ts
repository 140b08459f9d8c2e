import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar } from '../graphql/scalars';
import { SyncMode, SyncRunStatus, SyncTrigger } from './sync.enums';

// syncConfig and logs(first) are added by @FieldResolver; syncConfigId below resolves the former.

@ObjectType({ simpleResolvers: true })
export class SyncLogEntry {
  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => String)
  level!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true })
  code!: string | null;

  @Field(() => String, { nullable: true })
  externalId!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: "One execution of a sync config (HotCRM's sync_log)." })
export class SyncRun {
  @Field(() => ID)
  id!: string;

  @Field(() => SyncRunStatus)
  status!: SyncRunStatus;

  @Field(() => SyncTrigger)
  trigger!: SyncTrigger;

  @Field(() => SyncMode)
  mode!: SyncMode;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  completedAt!: Date | null;

  @Field(() => Int, { nullable: true })
  durationMs!: number | null;

  @Field(() => Int)
  recordsProcessed!: number;

  @Field(() => Int)
  recordsCreated!: number;

  @Field(() => Int)
  recordsUpdated!: number;

  @Field(() => Int)
  recordsDeleted!: number;

  @Field(() => Int)
  recordsFailed!: number;

  @Field(() => Int, { description: 'Records linked to an existing HotCRM record found through matchOn rather than created.' })
  recordsMatched!: number;

  @Field(() => Int)
  conflicts!: number;

  @Field(() => String, { nullable: true })
  errorDetails!: string | null;

  /** Not in the schema: resolves `syncConfig`. */
  syncConfigId!: string;

  /** Not in the schema: the owning tenant, for scoping `_entities` and subscriptions. */
  organizationId!: string;
}

export const { Edge: SyncRunEdge, Page: SyncRunConnection } = relayTypes(SyncRun, 'SyncRun');
export type SyncRunConnection = InstanceType<typeof SyncRunConnection>;
