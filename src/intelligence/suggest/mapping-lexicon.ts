/**
 * What a field means, independent of how a provider spells it: concepts with the phrases (in
 * canonical words, see field-tokens.ts) that name them across CRM, billing, contact and
 * e-signature vocabularies. HotCRM's own field names are phrases of their concepts, so any
 * target schema that uses similar names gets the same concepts.
 */
export interface Phrase {
  words: string[];
  /** Only when mapping into one of these objects (a deal's `title` is its name, a person's is not). */
  objects?: string[];
  /** Only inside an address with a role (`Billing_Code` is a postal code, `code` alone is not). */
  needsRole?: boolean;
  /** Only when it is the whole name: `number` is an invoice's number, `po_number` is not. */
  whole?: boolean;
}

const p = (text: string, extra: Omit<Phrase, 'words'> = {}): Phrase => ({ words: text.split(' '), ...extra });
const PEOPLE = ['contact', 'lead', 'person', 'people', 'user'];
const DEALS = ['opportunity', 'deal'];
const INVOICES = ['invoice', 'bill'];
const ORGS = ['account', 'company', 'organization'];

export const CONCEPTS: Record<string, Phrase[]> = {
  first_name: [p('first name'), p('given name'), p('firstname')],
  last_name: [p('last name'), p('family name')],
  full_name: [p('name', { objects: PEOPLE }), p('full name', { objects: PEOPLE }), p('display name', { objects: PEOPLE }), p('real name', { objects: PEOPLE })],
  name: [
    p('name', { objects: [...ORGS, ...DEALS] }),
    p('display name', { objects: ORGS }),
    p('company name', { objects: ORGS }),
    p('organization', { objects: ORGS }),
    p('organization name', { objects: ORGS }),
    p('account name', { objects: ORGS }),
    p('deal name', { objects: DEALS }),
    p('opportunity name', { objects: DEALS }),
    p('title', { objects: DEALS }),
    p('subject', { objects: DEALS }),
  ],
  email: [p('email'), p('email address'), p('from', { objects: PEOPLE, whole: true }), p('sender', { objects: PEOPLE, whole: true })],
  phone: [p('phone'), p('phone number'), p('business phone'), p('work phone'), p('primary phone')],
  mobile_phone: [p('mobile'), p('mobile phone'), p('mobile phone number')],
  fax: [p('fax'), p('fax number')],
  title: [p('title', { objects: PEOPLE }), p('job title'), p('headline'), p('position')],
  department: [p('department')],
  account_id: [
    p('account id'),
    p('account'),
    p('company id'),
    p('organization id'),
    p('account name id'),
    p('customer', { objects: [...INVOICES, ...DEALS] }),
    p('customer id', { objects: [...INVOICES, ...DEALS] }),
    p('contact id', { objects: INVOICES }),
    p('organization', { objects: DEALS }),
  ],
  street: [p('street'), p('address line 1'), p('line 1'), p('address 1'), p('street address'), p('address')],
  city: [p('city'), p('town'), p('locality'), p('address locality')],
  state: [p('state'), p('province'), p('region'), p('country sub division code'), p('state code'), p('province code'), p('address region')],
  postal_code: [p('postal code'), p('code', { needsRole: true })],
  country: [p('country'), p('country code'), p('country or region'), p('address country')],
  currency_code: [p('currency'), p('currency code'), p('default currency')],
  description: [p('description'), p('note'), p('notes')],
  website: [p('website'), p('url'), p('website address url'), p('website address')],
  industry: [p('industry')],
  type: [p('type', { objects: ORGS }), p('account type', { objects: ORGS }), p('company type', { objects: ORGS })],
  annual_revenue: [p('annual revenue'), p('revenue')],
  number_of_employees: [p('number of employee'), p('employee'), p('employee count'), p('headcount')],
  account_number: [p('account number')],
  birthdate: [p('birth date'), p('date of birth')],
  lead_source: [p('lead source'), p('source', { objects: PEOPLE, whole: true }), p('original source'), p('analytics source')],
  invoice_number: [p('invoice number'), p('number', { objects: INVOICES, whole: true }), p('doc number'), p('document number')],
  total_amount: [p('total'), p('total amount'), p('amount', { objects: INVOICES }), p('total amt'), p('grand total')],
  amount_paid: [p('amount paid'), p('paid amount'), p('paid', { whole: true })],
  balance_due: [p('balance due'), p('balance', { objects: INVOICES }), p('amount due'), p('due amount'), p('amount remaining')],
  status: [p('status')],
  invoice_date: [
    p('invoice date'),
    p('date', { objects: INVOICES, whole: true }),
    p('transaction date'),
    p('issue date'),
    p('date string', { objects: INVOICES }),
  ],
  due_date: [p('due date'), p('due date string'), p('payment due date')],
  paid_date: [p('paid date'), p('paid at'), p('date paid'), p('paid on'), p('paid on date'), p('payment date')],
  amount: [p('amount', { objects: DEALS }), p('value', { objects: DEALS }), p('deal value'), p('deal amount'), p('opportunity amount')],
  stage: [p('stage'), p('stage name'), p('deal stage'), p('stage id'), p('pipeline stage')],
  probability: [p('probability'), p('win probability')],
  close_date: [p('close date'), p('expected close date'), p('closing date'), p('closed date')],
};

/** Address roles: which of an object's addresses a field belongs to. */
export const ROLE_WORDS = new Map(
  Object.entries({
    bill: 'billing',
    billing: 'billing',
    ship: 'shipping',
    shipping: 'shipping',
    delivery: 'shipping',
    mailing: 'mailing',
    other: 'other',
    home: 'other',
    secondary: 'other',
  }),
);

/**
 * Words that make a generic field an attribute of something else: `EmailStatus` is the email's
 * status, `po_number` a purchase order's number, `AddressType` the address's type.
 */
export const GENERIC_HEADS = new Set(['status', 'type', 'number', 'date', 'name', 'id', 'code']);
export const OTHER_THINGS = new Set([
  'email',
  'phone',
  'address',
  'print',
  'payment',
  'tax',
  'shipping',
  'delivery',
  'po',
  'purchase',
  'order',
  'line',
  'item',
  'subscription',
  'sms',
  'file',
  'attachment',
]);

/** Contexts in which a country or a region is not an address part (a phone's country code, a locale's country). */
export const NOT_ADDRESS_CONTEXT = new Set(['phone', 'locale', 'language', 'preferred', 'currency', 'timezone', 'tax']);

/** Words too common to show two names mean the same thing when they are all they share. */
export const WEAK_WORDS = new Set(['id', 'date', 'name', 'number', 'code', 'type', 'status', 'value', 'time', 'at']);

/** Concepts that are parts of an address, where the role decides between billing and shipping. */
export const ADDRESS_PARTS = new Set(['street', 'city', 'state', 'postal_code', 'country']);
