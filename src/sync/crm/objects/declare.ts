import { FieldType } from '../../../connectors/connector.enums';

/**
 * The shape of a CRM object's declaration (DESIGN.md, "CRM objects"). Everything that knows an
 * object (sync-config and mapping validation, REFERENCE targets, matchOn, both CRM stores, the
 * gateway documents, `crmObjects`, the mapping suggester) reads it from its one declaration in
 * this folder, so adding an object is adding one declaration to its cloud's list.
 */

/** The cloud that owns an object; `integration` is this subgraph's own store (contract, activity). */
export type CrmCloud = 'sales' | 'revenue' | 'service' | 'marketing' | 'hr' | 'integration';

export interface CrmField {
  name: string;
  type: FieldType;
  required: boolean;
  /** A foreign key: the object whose HotCRM id it holds (REFERENCE transforms translate provider ids through the links). */
  references?: string;
}

/** How the owning cloud names the object in its GraphQL schema: `Lead`, `leadsByIds`, `createLeads`... */
export interface CloudNames {
  /** The GraphQL type, e.g. `CampaignMember`. */
  type: string;
  /** The plural used in operation names, e.g. `CampaignMembers`. */
  plural: string;
}

export interface CrmObject {
  /** snake_case, as sync configs and mappings name it. */
  name: string;
  label: string;
  cloud: CrmCloud;
  /** id, the object's own fields in declaration order, created_date, last_modified_date. */
  fields: CrmField[];
  /**
   * The owning cloud's names, used by the gateway store (src/sync/crm/operations/). Absent: the
   * object is kept by the integration cloud's own store (the crm_record table) in gateway mode too.
   */
  gateway?: CloudNames;
  /**
   * The fields an inbound sync finds an existing record by before creating one when its config
   * sets no matchOn (SyncConfig.matchOn; src/sync/crm/match-on.ts). Absent: no matching by default.
   */
  defaultMatchOn?: string[];
}

interface FieldOptions {
  required?: boolean;
  references?: string;
}

export const f = (name: string, type: FieldType, options: FieldOptions = {}): CrmField => ({
  name,
  type,
  required: options.required ?? false,
  ...(options.references ? { references: options.references } : {}),
});

/** A required field. */
export const required = (name: string, type: FieldType): CrmField => f(name, type, { required: true });

/** A foreign key holding the HotCRM id of a record of `object`. */
export const ref = (name: string, object: string): CrmField => f(name, FieldType.STRING, { references: object });

/** An address spelled out as ObjectQL does: `<prefix>_street`, `_city`, `_state`, `_postal_code`, `_country`. */
export const address = (prefix: string): CrmField[] =>
  ['street', 'city', 'state', 'postal_code', 'country'].map((part) => f(`${prefix}_${part}`, FieldType.STRING));

/** An object with the system fields every record carries: its id and the two timestamps HotCRM maintains itself. */
export function declare(object: Omit<CrmObject, 'fields'> & { fields: CrmField[] }): CrmObject {
  return {
    ...object,
    fields: [required('id', FieldType.STRING), ...object.fields, f('created_date', FieldType.DATETIME), f('last_modified_date', FieldType.DATETIME)],
  };
}
