import type { DataSource } from 'typeorm';

/** One finished run of a seeded history, in the engine's shape (what SyncRunExecutor.finish writes). */
export interface HistoryRun {
  status?: 'COMPLETED' | 'FAILED';
  mode?: 'FULL' | 'INCREMENTAL';
  processed?: number;
  created?: number;
  updated?: number;
  failed?: number;
  durationMs?: number;
  errorDetails?: string | null;
}

/**
 * Inserts finished runs for a config, oldest first, `spacingMinutes` apart and ending `endsAgoMinutes`
 * before now, in one statement. Long histories are cheaper seeded than run; the detectors read only
 * these columns.
 */
export async function seedRunHistory(
  db: DataSource,
  org: string,
  configId: string,
  runs: HistoryRun[],
  spacingMinutes = 60,
  endsAgoMinutes = 5,
): Promise<string[]> {
  const now = Date.now();
  const rows = runs.map((r, i) => {
    const completed = new Date(now - (endsAgoMinutes + (runs.length - 1 - i) * spacingMinutes) * 60_000);
    const duration = r.durationMs ?? 1000;
    return {
      status: r.status ?? 'COMPLETED',
      mode: r.mode ?? 'FULL',
      started_at: new Date(completed.getTime() - duration).toISOString(),
      completed_at: completed.toISOString(),
      duration_ms: duration,
      records_processed: r.processed ?? 100,
      records_created: r.created ?? 0,
      records_updated: r.updated ?? 0,
      records_failed: r.failed ?? 0,
      error_details: r.errorDetails ?? (r.status === 'FAILED' ? 'Request failed with status 503' : null),
    };
  });
  const inserted: { id: string }[] = await db.query(
    `INSERT INTO sync_run (organization_id, sync_config_id, status, trigger, mode, started_at, completed_at, duration_ms, records_processed,
                           records_created, records_updated, records_failed, error_details, created_at)
     SELECT $1, $2, r.status, 'SCHEDULE', r.mode, r.started_at, r.completed_at, r.duration_ms, r.records_processed,
            r.records_created, r.records_updated, r.records_failed, r.error_details, r.started_at
       FROM jsonb_to_recordset($3::jsonb) AS r(status text, mode text, started_at timestamptz, completed_at timestamptz, duration_ms int,
            records_processed int, records_created int, records_updated int, records_failed int, error_details text)
     RETURNING id`,
    [org, configId, JSON.stringify(rows)],
  );
  return inserted.map((r) => r.id);
}

/** A deterministic wobble around `center` (±spread), so "stable" histories are not flat lines. */
export function wobble(center: number, spread: number, i: number): number {
  return Math.round(center + spread * Math.sin(i * 1.7));
}
