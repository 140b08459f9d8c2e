import { Field, ID, InputType } from 'type-graphql';
import { ConflictResolution, SyncDirection } from './sync.enums';

@InputType()
export class CreateSyncConfigInput {
  @Field(() => String) name!: string;
  @Field(() => ID) connectionId!: string;
  @Field(() => String) sourceObject!: string;
  @Field(() => String) targetObject!: string;
  @Field(() => SyncDirection) direction!: SyncDirection;
  @Field(() => String) frequency!: string;
  @Field(() => ConflictResolution, { nullable: true }) conflictResolution?: ConflictResolution | null;
  @Field(() => ID, { nullable: true }) fieldMappingId?: string | null;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean | null;
  @Field(() => [String], { nullable: true }) matchOn?: string[] | null;
}

/** Absent fields keep their value; an explicit null fieldMappingId detaches the mapping, an explicit null matchOn restores the default. */
@InputType()
export class UpdateSyncConfigInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Move the config to another connection; its links carry over when both reach the same provider account.',
  })
  connectionId?: string | null;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => SyncDirection, { nullable: true }) direction?: SyncDirection | null;
  @Field(() => String, { nullable: true }) frequency?: string | null;
  @Field(() => ConflictResolution, { nullable: true }) conflictResolution?: ConflictResolution | null;
  @Field(() => ID, { nullable: true }) fieldMappingId?: string | null;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean | null;
  @Field(() => [String], { nullable: true }) matchOn?: string[] | null;
}
