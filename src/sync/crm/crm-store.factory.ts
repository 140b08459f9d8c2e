import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import { BuiltInCrmStore } from './built-in-crm-store';
import type { CrmStore } from './crm-store.port';
import { GatewayCrmStore } from './gateway-crm-store';

/**
 * The built-in record store unless CRM_GATEWAY_URL names a gateway, in which case the owning
 * clouds hold HotCRM's records and the sync writes to them there.
 */
export function createCrmStore(db: DataSource, config: Pick<Config, 'crmGatewayUrl' | 'crmGatewayToken'>): CrmStore {
  if (config.crmGatewayUrl) return new GatewayCrmStore({ url: config.crmGatewayUrl, token: config.crmGatewayToken });
  return new BuiltInCrmStore(db);
}
