import type { ConnectorRecord } from '../../connectors/connector.handler';
import { readPath } from '../mapping/dot-path';

/**
 * Inbound syncs whose external records are not HotCRM records of their own but facts about one:
 *
 * - payment (Stripe charges and payment_intents, PayPal transactions and captures, QuickBooks Payment → invoice):
 *   a payment is linked to the CRM invoice it pays, found through that invoice's own link (the
 *   provider's invoice synced into HotCRM by another config of the same connection). No invoice
 *   is created or changed: the invoice's amount_paid/balance_due stay with the invoice sync,
 *   which reads them from the provider's invoice, so two configs never write one field.
 *   Invoice.payments reads these links.
 * - profile (LinkedIn profile, Gmail and Outlook messages → contact): the person a record
 *   describes (the member, a sender) is linked with the mapped values, which must carry `email`.
 *   LinkedIn's is only ever the signed-in member (userinfo): its API gives third parties no
 *   other member's profile, so it enriches one contact, the one with the member's own email;
 *   no contact is created (one per email message would flood the CRM). Contact.enrichment
 *   matches them by email when it is read, so a contact created later is enriched without a
 *   re-sync; the link's internalId is the usual id derived from the external record and names no
 *   CRM record.
 *
 * Everything else about the run is as for any inbound sync: pages, content-hash skips, resume,
 * deletion detection (a payment deleted at the provider drops out of Invoice.payments).
 */
export type LinkPlanKind = 'payment' | 'profile';

export interface LinkApplication {
  /** The link's external id: the record's own, or `<payment id>#<invoice id>` for QuickBooks payments. */
  externalId: string;
  /** payment: the provider's id of the invoice paid. */
  parentExternalId: string | null;
  /** Values that differ per application (the part of a payment applied to this invoice). */
  overrides?: Record<string, unknown>;
}

export interface LinkPlan {
  kind: LinkPlanKind;
  /** payment: the external object whose links lead to the CRM invoice. */
  parentObject: string | null;
  /** The link's lastSyncedData when the config has no field mapping. */
  defaultView(record: ConnectorRecord): Record<string, unknown>;
  /** What the record links to; none (a charge outside any invoice, a payment not applied yet) links nothing. */
  applications(record: ConnectorRecord, externalId: string): LinkApplication[];
}

/** Stripe amounts are in the currency's smallest unit, except for these (docs.stripe.com/currencies). */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const PAYPAL_STATUS: Record<string, string> = { S: 'COMPLETED', P: 'PENDING', D: 'DENIED', V: 'REVERSED' };

const text = (value: unknown): string | null => (value === undefined || value === null || value === '' ? null : String(value));
/** A reference that may be an id or an expanded object (Stripe's `invoice` with expand[]). */
const refId = (value: unknown): string | null => text(value && typeof value === 'object' ? (value as { id?: unknown }).id : value);
const compact = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));

function stripeView(amountField: 'amount' | 'amount_received') {
  return (r: ConnectorRecord) => {
    const currency = String(r.currency ?? '').toLowerCase();
    const minor = Number(r[amountField] ?? r.amount);
    return compact({
      amount_paid: Number.isFinite(minor) ? (ZERO_DECIMAL.has(currency) ? minor : minor / 100) : null,
      currency_code: currency ? currency.toUpperCase() : null,
      status: text(r.status),
      paid_date: typeof r.created === 'number' ? new Date(r.created * 1000).toISOString() : null,
    });
  };
}

/** A payment of at most one invoice, named by the field at `path`. */
const single =
  (path: string) =>
  (r: ConnectorRecord, externalId: string): LinkApplication[] => {
    const parent = refId(readPath(r, path));
    return parent ? [{ externalId, parentExternalId: parent }] : [];
  };

const payment = (parentObject: string, defaultView: LinkPlan['defaultView'], applications: LinkPlan['applications']): LinkPlan => ({
  kind: 'payment',
  parentObject,
  defaultView,
  applications,
});
const profile = (defaultView: LinkPlan['defaultView']): LinkPlan => ({
  kind: 'profile',
  parentObject: null,
  defaultView,
  applications: (_r, externalId) => [{ externalId, parentExternalId: null }],
});

/** "Ada Lovelace <ada@example.com>" (an RFC 5322 From header) as name and address. */
function mailbox(header: unknown): { email: string | null; full_name: string | null } {
  const value = text(header);
  if (!value) return { email: null, full_name: null };
  const angle = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  if (angle) return { email: angle[2].trim(), full_name: text(angle[1].trim()) };
  return { email: value.trim(), full_name: null };
}

/** By provider, then `<external object>:<CRM object>`. */
const PLANS: Record<string, Record<string, LinkPlan>> = {
  stripe: {
    'charges:invoice': payment('invoices', stripeView('amount'), single('invoice')),
    'payment_intents:invoice': payment('invoices', stripeView('amount_received'), single('invoice')),
  },
  paypal: {
    // transaction_info.invoice_id: the invoice id PayPal Invoicing sends with the payment.
    'transactions:invoice': payment(
      'invoices',
      (r) =>
        compact({
          amount_paid: Number(readPath(r, 'transaction_info.transaction_amount.value')),
          currency_code: text(readPath(r, 'transaction_info.transaction_amount.currency_code')),
          status: PAYPAL_STATUS[String(readPath(r, 'transaction_info.transaction_status'))] ?? text(readPath(r, 'transaction_info.transaction_status')),
          paid_date: text(readPath(r, 'transaction_info.transaction_initiation_date')),
        }),
      single('transaction_info.invoice_id'),
    ),
    // An Orders v2 capture carries its purchase unit's invoice_id: an order made to pay a PayPal
    // invoice (createOrder with that invoice's id) shows as a payment of it.
    'captures:invoice': payment(
      'invoices',
      (r) =>
        compact({
          amount_paid: Number(readPath(r, 'amount.value')),
          currency_code: text(readPath(r, 'amount.currency_code')),
          status: text(r.status),
          paid_date: text(r.create_time),
        }),
      single('invoice_id'),
    ),
  },
  quickbooks: {
    // A Payment may pay several invoices: one link per invoice it is applied to (Line[].LinkedTxn),
    // each with the part applied there.
    'Payment:invoice': payment(
      'Invoice',
      (r) => compact({ amount_paid: r.TotalAmt, currency_code: text(readPath(r, 'CurrencyRef.value')), status: 'PAID', paid_date: text(r.TxnDate) }),
      (r, externalId) => {
        const lines = Array.isArray(r.Line) ? (r.Line as Record<string, unknown>[]) : [];
        return lines.flatMap((line) =>
          (Array.isArray(line.LinkedTxn) ? (line.LinkedTxn as Record<string, unknown>[]) : [])
            .filter((txn) => txn.TxnType === 'Invoice' && text(txn.TxnId))
            .map((txn) => ({
              externalId: `${externalId}#${txn.TxnId}`,
              parentExternalId: String(txn.TxnId),
              overrides: compact({ amount_paid: line.Amount }),
            })),
        );
      },
    ),
  },
  linkedin: {
    'profile:contact': profile((r) =>
      compact({ email: text(r.email), full_name: text(r.name), first_name: text(r.given_name), last_name: text(r.family_name) }),
    ),
  },
  gmail: {
    'messages:contact': profile((r) => compact(mailbox(r.from))),
  },
  outlook: {
    'messages:contact': profile((r) =>
      compact({ email: text(readPath(r, 'from.emailAddress.address')), full_name: text(readPath(r, 'from.emailAddress.name')) }),
    ),
  },
};

/** The plan of an inbound config, or null for an ordinary one (external records become CRM records). */
export function linkPlanFor(provider: string, externalObject: string, crmObject: string): LinkPlan | null {
  return PLANS[provider]?.[`${externalObject}:${crmObject}`] ?? null;
}

/** A link recorded by a payment plan (what Invoice.payments lists). */
export function isPaymentLink(link: { provider: string; externalObject: string; internalObject: string }): boolean {
  return linkPlanFor(link.provider, link.externalObject, link.internalObject)?.kind === 'payment';
}

/** The provider's payment id of a payment link (QuickBooks links carry `#<invoice id>`). */
export function paymentIdOf(externalId: string): string {
  const at = externalId.indexOf('#');
  return at < 0 ? externalId : externalId.slice(0, at);
}
