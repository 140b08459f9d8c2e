import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { RetryPolicy } from '../webhooks/webhook.enums';
import { AutomationRunStatus } from './automation.enums';

// connection and runs (Automation), automation and event (AutomationRun) are added by @FieldResolver.

@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description:
    'When an event whose type matches eventTypes and whose data passes filters (the webhook filter\nlanguage) is recorded, run one connector action with an input rendered from the event: a Slack\nmessage or a Teams adaptive card for a high-priority case, a DocuSign envelope for a won deal.',
})
export class Automation {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [String])
  eventTypes!: string[];

  @Field(() => JSONScalar, { nullable: true })
  filters!: unknown;

  @Field(() => String, { description: "One of the connection's Connector.actions." })
  action!: string;

  @Field(() => JSONScalar, {
    description: "The action's input; every string in it is a Mustache template over {event: {id, type, source, objectType, recordId, data, occurredAt}}.",
  })
  inputTemplate!: unknown;

  @Field(() => Boolean)
  isActive!: boolean;

  @Field(() => RetryPolicy)
  retryPolicy!: RetryPolicy;

  @Field(() => Int)
  maxRetries!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  lastTriggeredAt!: Date | null;

  /** Not in the schema: resolves `connection`. */
  connectionId!: string;

  /** Not in the schema: the owning tenant, for scoping `_entities`. */
  organizationId!: string;
}

export const { Edge: AutomationEdge, Page: AutomationConnection } = relayTypes(Automation, 'Automation');
export type AutomationConnection = InstanceType<typeof AutomationConnection>;

@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description: 'One event handled by one automation: at most one per (automation, event), however often the event arrives.',
})
export class AutomationRun {
  @Field(() => ID)
  id!: string;

  @Field(() => AutomationRunStatus)
  status!: AutomationRunStatus;

  @Field(() => Int)
  attemptCount!: number;

  @Field(() => JSONScalar, { nullable: true, description: 'The rendered input, as sent.' })
  input!: unknown;

  @Field(() => JSONScalar, { nullable: true, description: "What the action returned (Slack's ts, DocuSign's envelopeId, ...)." })
  result!: unknown;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  completedAt!: Date | null;

  /** Not in the schema: resolve `automation` and `event`. */
  automationId!: string;
  eventId!: string;
  organizationId!: string;
}

export const { Edge: AutomationRunEdge, Page: AutomationRunConnection } = relayTypes(AutomationRun, 'AutomationRun');
export type AutomationRunConnection = InstanceType<typeof AutomationRunConnection>;
