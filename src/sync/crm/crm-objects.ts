import { FieldType } from '../../connectors/connector.enums';

export interface CrmField {
  name: string;
  type: FieldType;
  required: boolean;
}

export interface CrmObject {
  fields: CrmField[];
}

const f = (name: string, type: FieldType, required = false): CrmField => ({ name, type, required });

/** An address spelled out as ObjectQL does: `<prefix>_street`, `_city`, `_state`, `_postal_code`, `_country`. */
const address = (prefix: string): CrmField[] => ['street', 'city', 'state', 'postal_code', 'country'].map((part) => f(`${prefix}_${part}`, FieldType.STRING));

/** Every record carries its id and the two timestamps HotCRM maintains itself. */
const system = (fields: CrmField[]): CrmObject => ({
  fields: [f('id', FieldType.STRING, true), ...fields, f('created_date', FieldType.DATETIME), f('last_modified_date', FieldType.DATETIME)],
});

/**
 * HotCRM's built-in objects with their snake_case field names (DESIGN.md section 4). Mappings
 * whose target is one of these are checked against this list, and the built-in record store
 * knows exactly these fields.
 */
export const CRM_OBJECTS: Record<string, CrmObject> = {
  account: system([
    f('name', FieldType.STRING, true),
    f('account_number', FieldType.STRING),
    f('type', FieldType.ENUM),
    f('industry', FieldType.ENUM),
    f('annual_revenue', FieldType.CURRENCY),
    f('number_of_employees', FieldType.INTEGER),
    f('phone', FieldType.PHONE),
    f('fax', FieldType.PHONE),
    f('website', FieldType.URL),
    f('email', FieldType.EMAIL),
    f('description', FieldType.STRING),
    ...address('billing'),
    ...address('shipping'),
    f('currency_code', FieldType.STRING),
  ]),
  contact: system([
    f('first_name', FieldType.STRING),
    f('last_name', FieldType.STRING, true),
    f('email', FieldType.EMAIL),
    f('phone', FieldType.PHONE),
    f('mobile_phone', FieldType.PHONE),
    f('title', FieldType.STRING),
    f('department', FieldType.STRING),
    f('account_id', FieldType.STRING),
    ...address('mailing'),
    f('birthdate', FieldType.DATE),
    f('lead_source', FieldType.ENUM),
  ]),
  invoice: system([
    f('invoice_number', FieldType.STRING, true),
    f('account_id', FieldType.STRING),
    f('total_amount', FieldType.CURRENCY),
    f('amount_paid', FieldType.CURRENCY),
    f('balance_due', FieldType.CURRENCY),
    f('currency_code', FieldType.STRING),
    f('status', FieldType.ENUM),
    f('invoice_date', FieldType.DATE),
    f('due_date', FieldType.DATE),
    f('paid_date', FieldType.DATE),
  ]),
  opportunity: system([
    f('name', FieldType.STRING, true),
    f('amount', FieldType.CURRENCY),
    f('currency_code', FieldType.STRING),
    f('stage', FieldType.ENUM),
    f('probability', FieldType.NUMBER),
    f('close_date', FieldType.DATE),
    f('account_id', FieldType.STRING),
  ]),
};

/** The built-in object called `name`, or null when HotCRM has no such object. */
export function crmObject(name: string): CrmObject | null {
  return Object.prototype.hasOwnProperty.call(CRM_OBJECTS, name) ? CRM_OBJECTS[name] : null;
}

/** The object's field names in declaration order; empty for an unknown object. */
export function crmFieldNames(name: string): string[] {
  return crmObject(name)?.fields.map((field) => field.name) ?? [];
}
