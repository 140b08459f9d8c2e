import type { Queryable } from '../../db/sql/queryable';

export interface QueueDepth {
  queue: string;
  ready: number;
  deferred: number;
}

/** Jobs waiting per pg-boss queue, ready now or deferred (retries, schedules): the queue gauge. */
export function queueDepths(db: Queryable): Promise<QueueDepth[]> {
  return db.query(`
  SELECT q.name AS queue,
         count(j.name) FILTER (WHERE j.start_after <= now())::int AS ready,
         count(j.name) FILTER (WHERE j.start_after > now())::int AS deferred
    FROM pgboss.queue q
    LEFT JOIN pgboss.job j ON j.name = q.name AND j.state < 'active'
   GROUP BY q.name`);
}
