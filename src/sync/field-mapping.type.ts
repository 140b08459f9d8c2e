import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { TransformType } from './sync.enums';

@ObjectType({ simpleResolvers: true })
export class Transform {
  @Field(() => TransformType)
  type!: TransformType;

  @Field(() => JSONScalar, {
    nullable: true,
    description: "Parameters of the transform, e.g. {from:'unix',to:'iso'} for DATE_FORMAT, {map:{...}} for ENUM_MAP, {fields:[..],separator:' '} for CONCAT.",
  })
  params!: unknown;
}

@ObjectType({ simpleResolvers: true })
export class FieldMappingRule {
  @Field(() => String, { description: 'Dot path in the source record, e.g. address.city.' })
  sourceField!: string;

  @Field(() => String, { description: 'Dot path in the target record.' })
  targetField!: string;

  @Field(() => Transform, { nullable: true })
  transform!: Transform | null;

  @Field(() => JSONScalar, { nullable: true })
  defaultValue!: unknown;
}

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: 'A reusable mapping template between an external object and a CRM object.' })
export class FieldMapping {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  sourceObject!: string;

  @Field(() => String)
  targetObject!: string;

  @Field(() => Boolean)
  isTemplate!: boolean;

  @Field(() => [FieldMappingRule])
  rules!: FieldMappingRule[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  /** Not in the schema: the owning tenant, for scoping `_entities`. */
  organizationId!: string;
}

export const { Edge: FieldMappingEdge, Page: FieldMappingConnection } = relayTypes(FieldMapping, 'FieldMapping');
export type FieldMappingConnection = InstanceType<typeof FieldMappingConnection>;

@ObjectType({ simpleResolvers: true })
export class FieldMappingSuggestion {
  @Field(() => String)
  sourceField!: string;

  @Field(() => String)
  targetField!: string;

  @Field(() => Float, {
    description: '0..1; suggestions come sorted by confidence, best first, at most one per target field.',
  })
  confidence!: number;

  @Field(() => Transform, { nullable: true })
  transform!: Transform | null;

  @Field(() => [String], {
    description: 'Why: name similarity, type compatibility, sample-value format, learned from earlier mappings, ...',
  })
  reasons!: string[];
}
