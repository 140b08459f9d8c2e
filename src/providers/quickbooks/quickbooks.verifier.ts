import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../webhooks/inbound/constant-time-equal';
import {
  dateOf,
  header,
  InboundVerifier,
  isObject,
  malformed,
  parseJson,
  ProviderEvent,
  rejected,
  stringOrNull,
  webhookSecret,
} from '../../webhooks/inbound/inbound-verifier';

/** The entities QuickBooks Online sends webhooks for, as its API (and the legacy payload) spells them. */
const ENTITIES = [
  'Account',
  'Bill',
  'BillPayment',
  'Budget',
  'Class',
  'CreditMemo',
  'Currency',
  'Customer',
  'Department',
  'Deposit',
  'Employee',
  'Estimate',
  'Invoice',
  'Item',
  'JournalCode',
  'JournalEntry',
  'Payment',
  'PaymentMethod',
  'Preferences',
  'Purchase',
  'PurchaseOrder',
  'RefundReceipt',
  'SalesReceipt',
  'TaxAgency',
  'Term',
  'TimeActivity',
  'Transfer',
  'Vendor',
  'VendorCredit',
];
const ENTITY_BY_LOWER = new Map(ENTITIES.map((name) => [name.toLowerCase(), name]));
/** CloudEvents verbs (qbo.invoice.created.v1) as the legacy operations (Create). */
const OPERATION_BY_VERB: Record<string, string> = {
  created: 'Create',
  updated: 'Update',
  deleted: 'Delete',
  merged: 'Merge',
  voided: 'Void',
  emailed: 'Emailed',
};

/**
 * QuickBooks Online (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks):
 * `intuit-signature` = base64 HMAC-SHA256 of the body with the app's verifier token. Both
 * payloads Intuit documents are read: the legacy {eventNotifications: [{realmId,
 * dataChangeEvent: {entities: [{name, id, operation, lastUpdated}]}}]} and the CloudEvents array
 * ([{id, type: "qbo.invoice.created.v1", time, intuitentityid, intuitaccountid}]) that replaces it.
 *
 * One event per entity change, typed `<Entity>.<Operation>` in either format (CloudEvents types
 * are mapped back: qbo.invoice.created.v1 is Invoice.Create), so subscriptions survive Intuit's
 * migration. Ids: the CloudEvent id; for the legacy format, which has none,
 * `<realmId>:<Entity>:<id>:<Operation>:<lastUpdated>`.
 *
 * An app's webhooks for every company it is connected to go to one URL, so with config.realmId
 * set only that company's changes are recorded; the others are acknowledged and dropped.
 */
export const quickbooksVerifier: InboundVerifier = {
  async verify(request, context) {
    const secret = webhookSecret(context);
    if (!secret) return rejected('the connection has no credentials.webhookSecret (the webhooks verifier token)');
    const signature = header(request, 'intuit-signature');
    if (!signature) return rejected('no intuit-signature header');
    const expected = createHmac('sha256', secret).update(request.body).digest('base64');
    if (!constantTimeEqual(signature, expected)) return rejected('intuit-signature does not match the body');

    const payload = parseJson(request.body);
    const events = Array.isArray(payload)
      ? cloudEvents(payload)
      : isObject(payload) && Array.isArray(payload.eventNotifications)
        ? legacyEvents(payload.eventNotifications)
        : null;
    if (!events) return malformed('neither eventNotifications nor a CloudEvents array');
    const realmId = stringOrNull(context.connection.config?.realmId);
    const ours = realmId ? events.filter((tagged) => tagged.realmId === realmId) : events;
    return { kind: 'events', events: ours.map(({ event }) => event), reply: { status: 200 } };
  },
};

/** An event with the company it belongs to. */
type Tagged = { event: ProviderEvent; realmId: string | null };

function legacyEvents(notifications: unknown[]): Tagged[] {
  const out: Tagged[] = [];
  for (const notification of notifications) {
    if (!isObject(notification)) continue;
    const realmId = stringOrNull(notification.realmId);
    const entities =
      isObject(notification.dataChangeEvent) && Array.isArray(notification.dataChangeEvent.entities) ? notification.dataChangeEvent.entities : [];
    for (const entity of entities) {
      if (!isObject(entity) || typeof entity.name !== 'string' || typeof entity.operation !== 'string') continue;
      const recordId = stringOrNull(entity.id);
      const lastUpdated = stringOrNull(entity.lastUpdated) ?? '';
      out.push({
        realmId,
        event: {
          id: [realmId ?? '', entity.name, recordId ?? '', entity.operation, lastUpdated].join(':'),
          type: `${entity.name}.${entity.operation}`,
          data: { realmId, ...entity },
          occurredAt: dateOf(entity.lastUpdated),
          objectType: entity.name,
          recordId,
        },
      });
    }
  }
  return out;
}

function cloudEvents(items: unknown[]): Tagged[] {
  const out: Tagged[] = [];
  for (const item of items) {
    if (!isObject(item) || typeof item.id !== 'string' || typeof item.type !== 'string') continue;
    // qbo.<entity>.<verb>.v<N>; anything else keeps its own type after the prefix.
    const parts = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(item.type);
    const entity = parts ? (ENTITY_BY_LOWER.get(parts[1].toLowerCase()) ?? parts[1]) : null;
    const operation = parts ? (OPERATION_BY_VERB[parts[2].toLowerCase()] ?? parts[2]) : null;
    const realmId = stringOrNull(item.intuitaccountid);
    out.push({
      realmId,
      event: {
        id: item.id,
        type: entity && operation ? `${entity}.${operation}` : item.type.replace(/^qbo\./, ''),
        data: item,
        occurredAt: dateOf(item.time),
        objectType: entity,
        recordId: stringOrNull(item.intuitentityid),
      },
    });
  }
  return out;
}
