import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import { BuiltInCrmStore } from './built-in-crm-store';
import { ByOwnerCrmStore } from './by-owner-crm-store';
import type { CrmStore } from './crm-store.port';
import { GatewayCrmStore } from './gateway-crm-store';

/**
 * The built-in record store unless CRM_GATEWAY_URL names a gateway, in which case the owning
 * clouds hold HotCRM's records and the sync writes to them there, except for the objects the
 * integration cloud keeps itself (contract, activity: no cloud owns them yet), which stay in
 * the built-in store.
 */
export function createCrmStore(db: DataSource, config: Pick<Config, 'crmGatewayUrl' | 'crmGatewayToken'>): CrmStore {
  const builtIn = new BuiltInCrmStore(db);
  if (!config.crmGatewayUrl) return builtIn;
  return new ByOwnerCrmStore(new GatewayCrmStore({ url: config.crmGatewayUrl, token: config.crmGatewayToken }), builtIn);
}
