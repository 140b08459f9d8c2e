import type { Queryable } from '../../db/sql/queryable';

export interface FinishedRunRow {
  organization_id: string;
  sync_config_id: string;
  connection_id: string;
  config_name: string;
}

/**
 * A run that has ended (COMPLETED or FAILED) with its config's connection and name; by run id alone,
 * since the executor hands the monitor only the id, and the row says whose it is. Reads sync_run,
 * never writes it.
 */
const RUN = `
  SELECT r.organization_id, r.sync_config_id, c.connection_id, c.name AS config_name
    FROM sync_run r JOIN sync_config c ON c.id = r.sync_config_id
   WHERE r.id = $1 AND r.status IN ('COMPLETED', 'FAILED')`;

export async function finishedRun(db: Queryable, runId: string): Promise<FinishedRunRow | undefined> {
  const [run]: FinishedRunRow[] = await db.query(RUN, [runId]);
  return run;
}
