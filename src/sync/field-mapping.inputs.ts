import { Field, InputType } from 'type-graphql';
import { JSONScalar } from '../graphql/scalars';
import { TransformType } from './sync.enums';

@InputType()
export class TransformInput {
  @Field(() => TransformType) type!: TransformType;
  @Field(() => JSONScalar, { nullable: true }) params?: unknown;
}

@InputType()
export class FieldMappingRuleInput {
  @Field(() => String) sourceField!: string;
  @Field(() => String) targetField!: string;
  @Field(() => TransformInput, { nullable: true }) transform?: TransformInput | null;
  @Field(() => JSONScalar, { nullable: true }) defaultValue?: unknown;
}

@InputType()
export class CreateFieldMappingInput {
  @Field(() => String) name!: string;
  @Field(() => String) sourceObject!: string;
  @Field(() => String) targetObject!: string;
  @Field(() => Boolean, { nullable: true }) isTemplate?: boolean | null;
  @Field(() => [FieldMappingRuleInput]) rules!: FieldMappingRuleInput[];
}

@InputType()
export class UpdateFieldMappingInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Boolean, { nullable: true }) isTemplate?: boolean | null;
  @Field(() => [FieldMappingRuleInput], { nullable: true }) rules?: FieldMappingRuleInput[] | null;
}
