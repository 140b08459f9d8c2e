import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

import { DateTimeScalar } from '../graphql/scalars';

// Account and Contact belong to the Sales cloud, Invoice to the Revenue cloud. This subgraph only
// contributes fields to them (externalLinks, enrichment, payments), all added by @FieldResolver;
// it never stores their own columns, so each class holds just the key (and Contact's external email).

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true })
export class Account {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true })
export class Contact {
  @Field(() => ID)
  id!: string;

  // Owned by the Sales cloud; the router fetches it there because the `enrichment` field
  // resolver carries @Directive('@requires(fields: "email")').
  @Directive('@external')
  @Field(() => String, { nullable: true })
  email!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true })
export class Invoice {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ simpleResolvers: true })
export class ContactEnrichment {
  @Field(() => String)
  provider!: string;

  @Field(() => String, { nullable: true })
  fullName!: string | null;

  @Field(() => String, { nullable: true })
  headline!: string | null;

  @Field(() => String, { nullable: true })
  company!: string | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  location!: string | null;

  @Field(() => String, { nullable: true })
  profileUrl!: string | null;

  @Field(() => DateTimeScalar)
  enrichedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ExternalPayment {
  @Field(() => String)
  provider!: string;

  @Field(() => String)
  externalId!: string;

  @Field(() => Float)
  amount!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => String)
  status!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  paidAt!: Date | null;
}
