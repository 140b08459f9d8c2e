/** The topics that stream to subscriptions; one LISTEN channel carries them all. */
export type ChangeTopic = 'sync_run' | 'webhook_delivery' | 'connection' | 'api_key' | 'integration_alert' | 'automation_run';

/**
 * What a NOTIFY carries: ids only (Postgres caps a payload at 8000 bytes), so the subscription
 * resolver loads the committed row itself and never trusts a payload for data.
 */
export interface ChangeNotice {
  topic: ChangeTopic;
  organizationId: string;
  id: string;
  /** The row's parent (a run's sync config, a delivery's subscription), for subscription filters. */
  parentId?: string | null;
}

export const CHANGES_CHANNEL = 'integration_changes';

export function isChangeNotice(value: unknown): value is ChangeNotice {
  const v = value as Partial<ChangeNotice> | null;
  return !!v && typeof v.topic === 'string' && typeof v.organizationId === 'string' && typeof v.id === 'string';
}
