import type { ActionDefinition } from '../../connectors/connector.definition';
import type { ConnectorRecord } from '../../connectors/connector.handler';

/** The createInvoice action: its input schema, and that input as the Invoice Intuit takes. */
export const CREATE_INVOICE: ActionDefinition = {
  name: 'createInvoice',
  description: 'Creates an invoice for a customer from sales-item lines (POST /v3/company/{realmId}/invoice).',
  inputSchema: {
    type: 'object',
    required: ['customerId', 'lines'],
    properties: {
      customerId: { type: 'string', minLength: 1, description: 'The Customer Id (CustomerRef.value).' },
      lines: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['amount'],
          properties: {
            amount: { type: 'number', minimum: 0 },
            description: { type: 'string', maxLength: 4000 },
            itemId: { type: 'string', description: 'Item Id (ItemRef.value); QuickBooks uses its default item when omitted.' },
            quantity: { type: 'number' },
            unitPrice: { type: 'number' },
          },
          additionalProperties: false,
        },
      },
      docNumber: { type: 'string', maxLength: 21 },
      txnDate: { type: 'string', format: 'date' },
      dueDate: { type: 'string', format: 'date' },
      billEmail: { type: 'string', format: 'email' },
      customerMemo: { type: 'string', maxLength: 1000 },
    },
    additionalProperties: false,
  },
};

interface InvoiceLine {
  amount: number;
  description?: string;
  itemId?: string;
  quantity?: number;
  unitPrice?: number;
}

/** createInvoice's friendly input as an Intuit Invoice (sales-item lines). */
export function invoiceBody(input: Record<string, unknown>): ConnectorRecord {
  const lines = (input.lines as InvoiceLine[]).map((line) => ({
    Amount: line.amount,
    Description: line.description,
    DetailType: 'SalesItemLineDetail',
    SalesItemLineDetail: {
      ItemRef: line.itemId ? { value: line.itemId } : undefined,
      Qty: line.quantity,
      UnitPrice: line.unitPrice,
    },
  }));
  return {
    CustomerRef: { value: input.customerId },
    Line: lines,
    DocNumber: input.docNumber,
    TxnDate: input.txnDate,
    DueDate: input.dueDate,
    BillEmail: input.billEmail ? { Address: input.billEmail } : undefined,
    CustomerMemo: input.customerMemo ? { value: input.customerMemo } : undefined,
  };
}
