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
const PEOPLE = ['contact', 'lead', 'person', 'people', 'user', 'employee'];
const DEALS = ['opportunity', 'deal'];
const INVOICES = ['invoice', 'bill'];
const ORGS = ['account', 'company', 'organization'];
// The objects beyond the first four, by the word objectWord gives their names (campaign_member → member).
const LEADS = ['lead'];
const SUBSCRIPTIONS = ['subscription'];
const CASES = ['case', 'ticket'];
const CAMPAIGNS = ['campaign'];
const MEMBERS = ['member'];
const EMPLOYEES = ['employee'];
const CONTRACTS = ['contract', 'agreement', 'envelope'];
const ACTIVITIES = ['activity', 'message', 'email'];

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
    p('title', { objects: [...DEALS, ...CAMPAIGNS] }),
    p('subject', { objects: DEALS }),
    p('name', { objects: CAMPAIGNS }),
    p('campaign name', { objects: CAMPAIGNS }),
    p('subject', { objects: CAMPAIGNS }),
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
    p('customer', { objects: [...INVOICES, ...DEALS, ...SUBSCRIPTIONS, ...CONTRACTS] }),
    p('customer id', { objects: [...INVOICES, ...DEALS, ...SUBSCRIPTIONS, ...CONTRACTS] }),
    p('contact id', { objects: INVOICES }),
    p('organization', { objects: [...DEALS, ...CASES] }),
    p('organization id', { objects: CASES }),
    p('company', { objects: CASES }),
  ],
  street: [p('street'), p('address line 1'), p('line 1'), p('address 1'), p('street address'), p('address')],
  city: [p('city'), p('town'), p('locality'), p('address locality')],
  state: [p('state'), p('province'), p('region'), p('country sub division code'), p('state code'), p('province code'), p('address region')],
  postal_code: [p('postal code'), p('code', { needsRole: true })],
  country: [p('country'), p('country code'), p('country or region'), p('address country')],
  currency_code: [p('currency'), p('currency code'), p('default currency')],
  description: [p('description'), p('note'), p('notes'), p('body', { objects: CASES }), p('comment', { objects: CASES, whole: true })],
  website: [p('website'), p('url'), p('website address url'), p('website address')],
  industry: [p('industry')],
  type: [
    p('type', { objects: ORGS }),
    p('account type', { objects: ORGS }),
    p('company type', { objects: ORGS }),
    p('type', { objects: CASES }),
    p('category', { objects: CASES }),
  ],
  annual_revenue: [p('annual revenue'), p('revenue')],
  number_of_employees: [p('number of employee'), p('employee'), p('employee count'), p('headcount')],
  account_number: [p('account number')],
  birthdate: [p('birth date'), p('date of birth')],
  lead_source: [p('lead source'), p('source', { objects: PEOPLE, whole: true }), p('original source'), p('analytics source')],
  invoice_number: [p('invoice number'), p('number', { objects: INVOICES, whole: true }), p('doc number'), p('document number')],
  total_amount: [p('total'), p('total amount'), p('amount', { objects: INVOICES }), p('total amt'), p('grand total')],
  amount_paid: [p('amount paid'), p('paid amount'), p('paid', { whole: true })],
  balance_due: [p('balance due'), p('balance', { objects: INVOICES }), p('amount due'), p('due amount'), p('amount remaining')],
  status: [p('status'), p('state', { objects: [...CASES, ...SUBSCRIPTIONS, ...CONTRACTS], whole: true })],
  invoice_date: [
    p('invoice date'),
    p('date', { objects: INVOICES, whole: true }),
    p('transaction date'),
    p('issue date'),
    p('date string', { objects: INVOICES }),
    p('created', { objects: INVOICES, whole: true }),
    p('date created', { objects: INVOICES }),
    p('created at', { objects: INVOICES }),
  ],
  due_date: [p('due date'), p('due date string'), p('payment due date')],
  paid_date: [p('paid date'), p('paid at'), p('date paid'), p('paid on'), p('paid on date'), p('payment date')],
  amount: [
    p('amount', { objects: [...DEALS, ...SUBSCRIPTIONS] }),
    p('unit amount', { objects: SUBSCRIPTIONS }),
    p('value', { objects: DEALS }),
    p('deal value'),
    p('deal amount'),
    p('opportunity amount'),
  ],
  stage: [p('stage'), p('stage name'), p('deal stage'), p('stage id'), p('pipeline stage')],
  probability: [p('probability'), p('win probability')],
  close_date: [p('close date'), p('expected close date'), p('closing date'), p('closed date', { objects: DEALS })],

  // lead
  company: [p('company', { objects: LEADS }), p('company name', { objects: LEADS }), p('organization', { objects: LEADS })],
  rating: [p('rating'), p('lead rating')],
  converted_contact_id: [p('converted contact id'), p('converted contact')],
  // subscription
  plan_name: [
    p('plan name'),
    p('plan'),
    p('price nickname'),
    p('plan nickname'),
    p('product name', { objects: SUBSCRIPTIONS }),
    p('price name', { objects: SUBSCRIPTIONS }),
  ],
  quantity: [p('quantity'), p('seat'), p('seat count')],
  interval: [p('interval'), p('recurring interval'), p('billing period'), p('billing cycle'), p('billing frequency')],
  current_period_start: [p('current period start'), p('period start'), p('start time', { objects: SUBSCRIPTIONS })],
  current_period_end: [p('current period end'), p('period end'), p('next billing', { objects: SUBSCRIPTIONS })],
  canceled_at: [p('canceled at'), p('canceled date'), p('cancellation date'), p('ended at', { objects: SUBSCRIPTIONS })],
  // case
  case_number: [p('case number'), p('ticket number'), p('number', { objects: CASES, whole: true })],
  subject: [
    p('subject', { objects: [...CASES, ...ACTIVITIES] }),
    p('title', { objects: CASES }),
    p('summary', { objects: CASES }),
    p('subject line'),
    p('short description', { objects: CASES }),
  ],
  priority: [p('priority'), p('urgency'), p('severity', { objects: CASES })],
  origin: [
    p('origin'),
    p('channel', { objects: CASES }),
    p('via channel'),
    p('source', { objects: CASES, whole: true }),
    p('source type', { objects: CASES }),
    p('contact type', { objects: CASES }),
  ],
  contact_id: [
    p('contact id', { objects: [...CASES, ...MEMBERS] }),
    p('requester id'),
    p('requester', { objects: CASES }),
    p('caller id'),
    p('caller', { objects: CASES }),
    p('customer', { objects: CASES }),
    p('customer id', { objects: CASES }),
    p('primary customer id', { objects: CASES }),
  ],
  closed_date: [p('closed date', { objects: CASES }), p('closed at'), p('solved at'), p('resolved at'), p('date closed')],
  // campaign and campaign_member
  start_date: [
    p('start date'),
    p('hire date'),
    p('date hired'),
    p('hired on'),
    p('send time', { objects: CAMPAIGNS }),
    p('start', { objects: CAMPAIGNS, whole: true }),
  ],
  end_date: [
    p('end date'),
    p('end', { objects: CAMPAIGNS, whole: true }),
    p('expire date', { objects: CONTRACTS }),
    p('expire date time', { objects: CONTRACTS }),
  ],
  campaign_id: [p('campaign id'), p('campaign', { objects: MEMBERS }), p('webinar id'), p('webinar', { objects: MEMBERS })],
  lead_id: [p('lead id')],
  responded: [p('responded'), p('has responded')],
  first_responded_date: [p('first responded date'), p('first response date'), p('first responded')],
  // employee
  employment_type: [p('employment type'), p('employee type'), p('worker type'), p('employment history status'), p('employment status')],
  termination_date: [p('termination date'), p('terminated on'), p('terminated at'), p('separation date'), p('end date', { objects: EMPLOYEES })],
  manager_email: [p('manager email'), p('supervisor email'), p('report to email'), p('manager')],
  work_location: [p('work location'), p('location', { objects: EMPLOYEES }), p('office', { objects: EMPLOYEES }), p('site', { objects: EMPLOYEES })],
  // contract and activity
  contract_number: [p('contract number'), p('agreement number')],
  signed_date: [p('signed date'), p('signed at'), p('signed on'), p('date signed'), p('completed', { objects: CONTRACTS })],
  envelope_id: [p('envelope id'), p('agreement id')],
  kind: [p('kind'), p('sub type', { objects: ACTIVITIES }), p('task sub type'), p('type', { objects: ACTIVITIES, whole: true })],
  direction: [p('direction'), p('call type', { objects: ACTIVITIES })],
  snippet: [p('snippet'), p('preview'), p('body preview'), p('description', { objects: ACTIVITIES })],
  from: [p('from', { objects: ACTIVITIES }), p('sender', { objects: ACTIVITIES }), p('from address'), p('organizer', { objects: ACTIVITIES })],
  to: [p('to', { objects: ACTIVITIES, whole: true }), p('to recipient'), p('recipient', { objects: ACTIVITIES })],
  occurred_at: [
    p('occurred at'),
    p('sent at'),
    p('received at'),
    p('internal date'),
    p('sent date time'),
    p('received date time'),
    p('completed date time', { objects: ACTIVITIES }),
    p('start date time', { objects: ACTIVITIES }),
    p('activity date'),
  ],
  opened_at: [p('opened at'), p('first opened at'), p('opened date')],
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
