import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { relayTypes } from '../graphql/relay';
import { DateTimeScalar } from '../graphql/scalars';

export enum ActivityKind {
  EMAIL = 'EMAIL',
  MEETING = 'MEETING',
  CALL = 'CALL',
  MESSAGE = 'MESSAGE',
}
registerEnumType(ActivityKind, { name: 'ActivityKind' });

export enum ActivityDirection {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
}
registerEnumType(ActivityDirection, { name: 'ActivityDirection' });

/** An `activity` record of the integration cloud's own store (crm_record), as the contract shows it. */
@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description: 'Communication history from Gmail, Outlook, Slack or Teams, logged on the CRM records whose email addresses take part.',
})
export class Activity {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => ActivityKind)
  kind!: ActivityKind;

  @Field(() => ActivityDirection)
  direction!: ActivityDirection;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field(() => String, { nullable: true })
  snippet!: string | null;

  @Field(() => String, { nullable: true })
  from!: string | null;

  @Field(() => [String])
  to!: string[];

  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'First open of an email sent through this service (tracked), null when not opened or not tracked.',
  })
  openedAt!: Date | null;

  @Field(() => String)
  externalId!: string;
}

export const { Edge: ActivityEdge, Page: ActivityConnection } = relayTypes(Activity, 'Activity');
