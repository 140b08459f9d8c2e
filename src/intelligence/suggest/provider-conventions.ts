import type { FieldType } from '../../connectors/connector.enums';
import { providerModule } from '../../providers/registry';

/**
 * A connector's conventions (src/providers/<key>/<key>.conventions.ts) turned into sample values
 * and types, so the suggester picks CENTS_TO_DECIMAL and DATE_FORMAT for a connection's fields
 * as it would from real records.
 */
export function conventionalSamples(connectorKey: string, type: FieldType): unknown[] | null {
  return providerModule(connectorKey)?.conventions?.samples?.[type] ?? null;
}

export function conventionalType(connectorKey: string, type: FieldType): FieldType {
  return providerModule(connectorKey)?.conventions?.types?.[type] ?? type;
}
