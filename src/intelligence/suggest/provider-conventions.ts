import type { FieldType } from '../../connectors/connector.enums';

/**
 * What a connector's declared field types do not say: Stripe's amounts are integers in minor
 * units and its timestamps Unix seconds (https://docs.stripe.com/api), Slack's timestamps are
 * Unix seconds. Turned into sample values so the suggester picks CENTS_TO_DECIMAL and
 * DATE_FORMAT for a connection's fields as it would from real records.
 */
const CONVENTIONS: Record<string, Partial<Record<FieldType, unknown[]>>> = {
  stripe: { CURRENCY: [1999, 250000], DATETIME: [1700000000, 1710000000] },
  slack: { DATETIME: [1700000000] },
};

export function conventionalSamples(connectorKey: string, type: FieldType): unknown[] | null {
  return Object.prototype.hasOwnProperty.call(CONVENTIONS, connectorKey) ? CONVENTIONS[connectorKey][type] ?? null : null;
}

/** Stripe declares its amounts CURRENCY; with integer samples they read as minor units only when INTEGER. */
export function conventionalType(connectorKey: string, type: FieldType): FieldType {
  return connectorKey === 'stripe' && type === 'CURRENCY' ? ('INTEGER' as FieldType) : type;
}
