import type { DataSource } from 'typeorm';
import type { ConnectorBinding } from '../../connections/connector-runtime';
import type { CrmStore } from '../crm/crm-store.port';
import type { StoredMappingRule } from '../field-mapping.entity';
import type { LinkScope } from '../link-scope';
import type { SyncConfigEntity } from '../sync-config.entity';
import type { SyncRunEntity } from '../sync-run.entity';
import type { SyncRunRecorder } from './sync-run.recorder';

/** Everything one direction's page loop needs for one run. */
export interface RunContext {
  db: DataSource;
  store: CrmStore;
  recorder: SyncRunRecorder;
  binding: ConnectorBinding;
  config: SyncConfigEntity;
  /** The provider account's links the run reads and writes. */
  scope: LinkScope;
  run: SyncRunEntity;
  /** The config's mapping rules, or null to copy same-named fields. */
  rules: StoredMappingRule[] | null;
  /** The pg-boss job running this run; a run reassigned to another job stops. */
  jobId: string;
  /** The run applies one provider event (event-apply.ts): its one page is the change, so no deletion sweep and no checkpoint. */
  single?: boolean;
}

export interface RunResult {
  cancelled: boolean;
  nextCheckpoint: unknown;
}

/** One sync direction (inbound, outbound, bidirectional): pages until done or stopped. */
export type RunDirection = (context: RunContext) => Promise<RunResult>;
