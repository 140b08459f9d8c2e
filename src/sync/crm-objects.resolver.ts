import { Authorized, Query, Resolver } from 'type-graphql';
import { READ_SCOPE } from '../graphql/scopes';
import { CRM_OBJECT_LIST } from './crm/crm-objects';
import { CrmObjectType } from './crm-object.type';

/** The catalogue is the same for every organization: the mapping targets, hence the mappings' read scope. */
const CATALOGUE: CrmObjectType[] = CRM_OBJECT_LIST.map(({ name, label, cloud, fields }) => ({
  name,
  label,
  cloud,
  fields: fields.map(({ name: field, type, required }) => ({ name: field, type, required })),
}));

@Resolver(() => CrmObjectType)
export class CrmObjectsResolver {
  @Authorized(READ_SCOPE.mappings)
  @Query(() => [CrmObjectType], { description: 'HotCRM objects a sync config or field mapping can target, in catalogue order (by owning cloud).' })
  crmObjects(): CrmObjectType[] {
    return CATALOGUE;
  }
}
