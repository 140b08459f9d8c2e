import { trackedOpens } from '../sql/tracked-opens';
import type { Queryable } from '../../db/sql/queryable';
import type { CrmStore } from '../crm/crm-store.port';
import { contactsByEmail } from '../sql/contacts-by-email';
import { linkActivitiesToContacts } from '../sql/link-activities-to-contacts';
import type { RunContext } from './run-context';

/**
 * Communication history: what an inbound sync into `activity` adds to each mapped record before it
 * is hashed and written, a page at a time.
 *
 * - Addresses: from, to and cc reduced to lowercased addresses (header text such as
 *   `"Lovelace, Ada" <ADA@x.com>, bob@y.com` or arrays); `participants` is all of them, distinct,
 *   which Contact.activities looks up (so a contact created later finds its history by email).
 * - Direction: outbound when the sender (a meeting's organizer) is the connected mailbox's own
 *   address (ConnectorHandler.mailboxAddress, asked once per run; Gmail's is its provider account),
 *   else inbound; without a known address, Gmail's SENT label decides.
 * - Links: contact_ids are every HotCRM contact whose email takes part, account_ids their accounts,
 *   looked up once per page for all of the page's addresses (never per message).
 * - opened_at is open tracking's, never the sync's: the key is removed from what is written, and
 *   the built-in upsert merges (jsonb ||), so an open recorded earlier survives every re-sync.
 */

/** Values stored lowercase; the GraphQL enums upper-case them. */
const KINDS = new Set(['email', 'meeting', 'call', 'message']);
const ADDRESS = /[^\s<>,;:"'()[\]]+@[^\s<>,;:"'()[\]]+\.[^\s<>,;:"'()[\]]+/g;

export interface ActivityRecord {
  externalId: string;
  data: Record<string, unknown>;
}

interface ContactRef {
  id: string;
  accountId: string | null;
}

/** Lowercased addresses in `value`: a header's text, an address, or an array of either. */
export function addressesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(addressesIn);
  if (typeof value !== 'string') return [];
  return [...value.matchAll(ADDRESS)].map((m) => m[0].toLowerCase());
}

const distinct = <T>(values: T[]): T[] => [...new Set(values)];

function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const at = typeof value === 'number' ? value : Date.parse(String(value));
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

/** The contacts of many addresses in one request: SQL in this database, else the store's batched lookup (the gateway). */
async function contactsOf(db: Queryable, store: CrmStore, organizationId: string, emails: string[]): Promise<Map<string, ContactRef[]>> {
  const byEmail = new Map<string, ContactRef[]>();
  const add = (email: string, ref: ContactRef) => byEmail.set(email, [...(byEmail.get(email) ?? []), ref]);
  if (!emails.length) return byEmail;
  if (store.sameDatabaseFor?.('contact')) {
    for (const row of await contactsByEmail(db, organizationId, emails)) add(row.email, { id: row.id, accountId: row.account_id });
    return byEmail;
  }
  if (!store.findByFields) return byEmail;
  // Gateway mode: one lookup by email for the page, then one read of those contacts for their accounts.
  const matches = await store.findByFields(organizationId, 'contact', [{ field: 'email', kind: 'email', keys: emails }]);
  const records = matches.length ? await store.get(organizationId, 'contact', distinct(matches.map((m) => m.id))) : new Map();
  for (const m of matches) {
    const account = records.get(m.id)?.data.account_id;
    add(m.key, { id: m.id, accountId: typeof account === 'string' && account ? account : null });
  }
  return byEmail;
}

export class ActivityParticipants {
  private constructor(
    private readonly context: Pick<RunContext, 'db' | 'store' | 'config' | 'binding'>,
    private readonly mailbox: string | null,
  ) {}

  /** For a config into `activity`, else null; the mailbox's address is asked once here. */
  static async forRun(context: RunContext): Promise<ActivityParticipants | null> {
    if (context.config.targetObject !== 'activity') return null;
    const { handler, call } = context.binding;
    const known = context.scope.accountKey.includes('@') ? context.scope.accountKey.toLowerCase() : null;
    const asked = known ?? (handler.mailboxAddress ? await handler.mailboxAddress(call).catch(() => null) : null);
    if (!asked)
      await context.recorder.log(context.run, 'warn', 'The mailbox address is unknown: activities are inbound unless labelled sent', {
        code: 'MAILBOX_UNKNOWN',
      });
    return new ActivityParticipants(context, asked);
  }

  /** The page's mapped records as activities, with direction and contact links; one contact lookup for the page. */
  async link(records: ActivityRecord[]): Promise<void> {
    const { db, store, config, binding } = this.context;
    const shaped = records.map((r) => this.shape(r.data));
    const contacts = await contactsOf(db, store, config.organizationId, distinct(shaped.flatMap((d) => d.participants as string[])));
    // A tracked message opened before this run wrote its activity: the open is carried over (only
    // outbound mail is ever tracked, so inbound pages ask nothing).
    const sent = records.filter((_, i) => shaped[i].direction === 'outbound').map((r) => r.externalId);
    const opens = await trackedOpens(db, config.organizationId, config.connectionId, sent);
    records.forEach((record, i) => {
      const data = shaped[i];
      const refs = (data.participants as string[]).flatMap((email) => contacts.get(email) ?? []);
      data.contact_ids = distinct(refs.map((c) => c.id)).sort();
      data.account_ids = distinct(refs.map((c) => c.accountId).filter((a): a is string => a !== null)).sort();
      data.provider = binding.definition.key;
      data.external_id = record.externalId;
      const opened = opens.get(record.externalId);
      if (opened) data.opened_at = opened;
      record.data = data;
    });
  }

  private shape(mapped: Record<string, unknown>): Record<string, unknown> {
    const { opened_at: _never, sent, ...data } = mapped;
    const from = addressesIn(data.from)[0] ?? null;
    const to = distinct(addressesIn(data.to));
    const cc = distinct(addressesIn(data.cc));
    const kind = String(data.kind ?? 'email').toLowerCase();
    const outbound = this.mailbox ? from === this.mailbox : sent === true;
    const occurred = isoOrNull(data.occurred_at);
    const shaped: Record<string, unknown> = {
      ...data,
      kind: KINDS.has(kind) ? kind : 'email',
      direction: outbound ? 'outbound' : 'inbound',
      from,
      to,
      cc,
      participants: distinct([...(from ? [from] : []), ...to, ...cc]),
    };
    if (occurred) shaped.occurred_at = occurred;
    else delete shaped.occurred_at;
    return shaped;
  }
}

/**
 * Contacts written into this database by a sync page get the activities they take part in
 * (contact_ids, account_ids); Contact.activities needs no such step (it matches by email).
 */
export async function linkLateContacts(db: Queryable, organizationId: string, contactIds: string[]): Promise<number> {
  return linkActivitiesToContacts(db, organizationId, contactIds);
}
