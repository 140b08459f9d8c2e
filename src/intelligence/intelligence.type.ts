import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

import { DateTimeScalar } from '../graphql/scalars';
import { Severity } from './intelligence.enums';

@ObjectType({ simpleResolvers: true })
export class Finding {
  @Field(() => Severity)
  severity!: Severity;

  @Field(() => String, {
    description: 'Stable machine code, e.g. OAUTH_TOKEN_EXPIRED, RATE_LIMITED, MAPPING_TYPE_MISMATCH.',
  })
  code!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  explanation!: string;

  @Field(() => String, { nullable: true })
  suggestedFix!: string | null;

  @Field(() => Int)
  occurrences!: number;

  @Field(() => String, { nullable: true })
  sample!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class TroubleshootingReport {
  @Field(() => String)
  summary!: string;

  @Field(() => [Finding])
  findings!: Finding[];
}

@ObjectType({ simpleResolvers: true })
export class ErrorExplanation {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  explanation!: string;

  @Field(() => String, { nullable: true })
  suggestedFix!: string | null;

  @Field(() => Boolean)
  retryable!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class SyncAnomaly {
  @Field(() => String)
  metric!: string;

  @Field(() => Float)
  observed!: number;

  @Field(() => Float)
  expected!: number;

  @Field(() => DateTimeScalar)
  detectedAt!: Date;

  @Field(() => String)
  explanation!: string;
}

@ObjectType({ simpleResolvers: true })
export class SyncInsights {
  @Field(() => [Finding])
  dataQualityIssues!: Finding[];

  @Field(() => [SyncAnomaly])
  anomalies!: SyncAnomaly[];

  @Field(() => String, { nullable: true })
  recommendedFrequency!: string | null;

  @Field(() => String, { nullable: true })
  recommendationReason!: string | null;
}

// Not an entity: alerts are transient subscription payloads, so the related ids are plain fields.
@ObjectType({ simpleResolvers: true })
export class IntegrationAlert {
  @Field(() => ID)
  id!: string;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => ID, { nullable: true })
  syncConfigId!: string | null;

  @Field(() => ID, { nullable: true })
  connectionId!: string | null;

  @Field(() => ID, { nullable: true })
  webhookSubscriptionId!: string | null;

  @Field(() => DateTimeScalar)
  at!: Date;

  /** Not in the schema: which tenant's subscribers receive the alert. */
  organizationId!: string;
}

@ObjectType({ simpleResolvers: true })
export class IntegrationHealth {
  @Field(() => Int)
  connections!: number;

  @Field(() => Int)
  connectionsInError!: number;

  @Field(() => Int)
  activeSyncConfigs!: number;

  @Field(() => Int)
  runningSyncs!: number;

  @Field(() => Int)
  failedSyncRuns24h!: number;

  @Field(() => Int)
  webhookDeliveries24h!: number;

  @Field(() => Int)
  webhookFailures24h!: number;

  @Field(() => Int)
  openConflicts!: number;
}
