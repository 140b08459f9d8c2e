import { Field, InputType } from 'type-graphql';
import { FieldType } from '../../connectors/connector.enums';
import { JSONScalar } from '../../graphql/scalars';

@InputType()
export class SchemaFieldInput {
  @Field(() => String) name!: string;
  @Field(() => FieldType, { nullable: true }) type?: FieldType | null;
  @Field(() => [JSONScalar], { nullable: true }) sampleValues?: unknown[] | null;
}

@InputType()
export class ObjectSchemaInput {
  @Field(() => String) object!: string;
  @Field(() => [SchemaFieldInput]) fields!: SchemaFieldInput[];
}
