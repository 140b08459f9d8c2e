/**
 * Every pg-boss queue the service uses. Each queue is one file under its capability (name,
 * payload schema, idempotent handler) and is listed here so both roles create it on start.
 * The foundation ships none yet: syncs, deliveries, token refreshes and schedules add theirs.
 */
export interface QueueDefinition {
  name: string;
  /** Registered only in processes that run workers (ROLE=all|worker). */
  work?: (jobs: { id: string; data: unknown }[]) => Promise<void>;
}

export const QUEUES: QueueDefinition[] = [];
