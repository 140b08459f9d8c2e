import type { ConnectorCall, ConnectorRecord, ListPage } from '../../connectors/connector.handler';
import { BadUserInputError } from '../../errors';

/**
 * PayPal Transaction Search (GET /v1/reporting/transactions, reporting_transactions_v1.json):
 * start_date/end_date windows of at most 31 days, paged inside each (`page`, `page_size` <= 500,
 * `total_pages`). Data shows up to three hours late, so the checkpoint trails the end of the read
 * by that much (re-reads are idempotent). Objects PayPal cannot list otherwise (refunds,
 * captures) are read from it by event code.
 */
const REPORTING_PAGE_MAX = 500;
const DAY_MS = 86_400_000;
/** Transaction Search's widest window. */
const WINDOW_MS = 31 * DAY_MS;
/** How far back Transaction Search reaches (three years) when neither a checkpoint nor config.startDate says. */
const HISTORY_MS = 3 * 365 * DAY_MS;
/** "It takes a maximum of three hours for executed transactions to appear." */
const REPORTING_LAG_MS = 3 * 3_600_000;
/** Empty windows are skipped within one list call, but no more than this many, to bound its latency. */
const MAX_WINDOWS_PER_CALL = 6;
const REFUND_STATUS: Record<string, string> = { S: 'COMPLETED', P: 'PENDING', D: 'FAILED', V: 'CANCELLED' };
/** A capture's status (https://developer.paypal.com/docs/api/payments/v2/#captures_get) by the row's transaction_status. */
const CAPTURE_STATUS: Record<string, string> = { S: 'COMPLETED', P: 'PENDING', D: 'DECLINED', V: 'REFUNDED' };

interface Money {
  currency_code: string;
  value: string;
}
interface TransactionDetail {
  transaction_info: Record<string, unknown> & { transaction_id: string; transaction_amount?: Money };
  [part: string]: unknown;
}
interface SearchResponse {
  transaction_details?: TransactionDetail[];
  page?: number;
  total_pages?: number;
}
/** Where a reporting read stands: window [s, e), page p, and the fixed end u of this run. */
interface WindowCursor {
  s: number;
  e: number;
  p: number;
  u: number;
}
const encode = (cursor: WindowCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decode(cursor: string): WindowCursor {
  let parsed: WindowCursor | null;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as WindowCursor | null;
  } catch {
    parsed = null;
  }
  if (!parsed || ![parsed.s, parsed.e, parsed.p, parsed.u].every(Number.isFinite)) throw new BadUserInputError('Not a PayPal reporting cursor', 'cursor');
  return parsed;
}

function firstWindow(call: ConnectorCall, since: unknown): WindowCursor {
  const now = Date.now();
  const configured = typeof call.config.startDate === 'string' ? Date.parse(call.config.startDate) : NaN;
  const checkpoint = typeof since === 'string' ? Date.parse(since) : NaN;
  const from = Math.min(now, Math.max(now - HISTORY_MS, Number.isFinite(checkpoint) ? checkpoint : Number.isFinite(configured) ? configured : 0));
  return { s: from, e: Math.min(from + WINDOW_MS, now), p: 1, u: now };
}

function nextWindow(at: WindowCursor): WindowCursor | null {
  return at.e >= at.u ? null : { s: at.e, e: Math.min(at.e + WINDOW_MS, at.u), p: 1, u: at.u };
}

/** A reporting row as a refund, in the Payments API's field names (amounts there are positive). */
function asRefund(row: TransactionDetail): ConnectorRecord {
  const info = row.transaction_info;
  const amount = info.transaction_amount;
  return {
    id: info.transaction_id,
    status: REFUND_STATUS[String(info.transaction_status)] ?? info.transaction_status,
    amount: amount ? { currency_code: amount.currency_code, value: amount.value.replace(/^-/, '') } : undefined,
    capture_id: info.paypal_reference_id,
    invoice_id: info.invoice_id,
    note_to_payer: info.transaction_note,
    create_time: info.transaction_initiation_date,
    update_time: info.transaction_updated_date,
  };
}

/** A reporting row as a capture, in the Payments API's field names (GET /v2/payments/captures/{id}). */
function asCapture(row: TransactionDetail): ConnectorRecord {
  const info = row.transaction_info;
  return {
    id: info.transaction_id,
    status: CAPTURE_STATUS[String(info.transaction_status)] ?? info.transaction_status,
    amount: info.transaction_amount,
    invoice_id: info.invoice_id,
    custom_id: info.custom_field,
    create_time: info.transaction_initiation_date,
    update_time: info.transaction_updated_date,
  };
}

/**
 * The objects read from Transaction Search: all balance-affecting transactions, or those of one
 * event code (https://developer.paypal.com/docs/transaction-search/transaction-event-codes/):
 * T1107 payment refunds, T0006 "PayPal Checkout APIs" payments (Orders v2 captures), each
 * transaction id being the refund's or capture's id.
 */
const REPORTED: Record<ReportedObject, { eventCode?: string; view(row: TransactionDetail): ConnectorRecord }> = {
  transactions: { view: (row) => ({ id: row.transaction_info.transaction_id, ...row }) },
  refunds: { eventCode: 'T1107', view: asRefund },
  captures: { eventCode: 'T0006', view: asCapture },
};
export type ReportedObject = 'transactions' | 'refunds' | 'captures';
export const isReported = (object: string): object is ReportedObject => object in REPORTED;

export async function listReporting(
  call: ConnectorCall,
  object: ReportedObject,
  cursor: string | null | undefined,
  pageSize: number | undefined,
  since: unknown,
): Promise<ListPage> {
  let at = cursor ? decode(cursor) : firstWindow(call, since);
  const settled = at.u - REPORTING_LAG_MS;
  for (let hop = 0; ; hop++) {
    const { body } = await call.request<SearchResponse>({
      method: 'GET',
      path: '/v1/reporting/transactions',
      query: {
        start_date: new Date(at.s).toISOString(),
        end_date: new Date(at.e).toISOString(),
        page: at.p,
        page_size: Math.min(pageSize ?? 100, REPORTING_PAGE_MAX),
        fields: 'transaction_info,payer_info',
        balance_affecting_records_only: 'Y',
        transaction_type: REPORTED[object].eventCode,
      },
    });
    const rows = body.transaction_details ?? [];
    const next = (body.page ?? at.p) < (body.total_pages ?? 0) ? { ...at, p: at.p + 1 } : nextWindow(at);
    // Everything before the window still being read is done; the last hours may still fill in.
    const checkpoint = new Date(Math.min(next ? next.s : at.u, settled)).toISOString();
    if (rows.length || !next || hop + 1 >= MAX_WINDOWS_PER_CALL) {
      return { records: rows.map(REPORTED[object].view), nextCursor: next ? encode(next) : null, checkpoint };
    }
    at = next;
  }
}
