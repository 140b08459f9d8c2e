import { Field, ObjectType } from 'type-graphql';
import { SchemaField } from '../connectors/connector.type';

@ObjectType('CrmObject', { simpleResolvers: true, description: "A HotCRM object a sync can target, with its fields (DESIGN.md, 'CRM objects')." })
export class CrmObjectType {
  @Field(() => String, { description: 'snake_case, as SyncConfig.targetObject and FieldMapping.targetObject name it.' })
  name!: string;

  @Field(() => String)
  label!: string;

  @Field(() => String, {
    description: 'The cloud that owns it: sales, revenue, service, marketing, hr; integration for the objects this subgraph keeps itself (contract, activity).',
  })
  cloud!: string;

  @Field(() => [SchemaField], { description: 'Every field, id, created_date and last_modified_date included (kept by HotCRM, never mapped to).' })
  fields!: SchemaField[];
}
