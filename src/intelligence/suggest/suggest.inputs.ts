import { Field, InputType } from 'type-graphql';
import { FieldType } from '../../connectors/connector.enums';
import { JSONScalar } from '../../graphql/scalars';

@InputType()
export class SchemaFieldInput {
  @Field(() => String) name!: string;
  @Field(() => FieldType, { nullable: true }) type?: FieldType | null;
  @Field(() => [JSONScalar], { nullable: true }) sampleValues?: unknown[] | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The source object whose ids this field holds (a Stripe invoice's customer: customers); such a field into a HotCRM reference field is suggested with REFERENCE. An addition to the contract.",
  })
  references?: string | null;
}

@InputType()
export class ObjectSchemaInput {
  @Field(() => String) object!: string;
  @Field(() => [SchemaFieldInput]) fields!: SchemaFieldInput[];
}
