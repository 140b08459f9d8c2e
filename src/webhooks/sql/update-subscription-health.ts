import type { Queryable } from '../../db/sql/queryable';

/** A subscription stops after this long with every attempt failing (DESIGN.md). */
const DISABLE_AFTER_FAILING = '5 days';

/*
 * A subscription's health after a batch of attempts: one of three statements, by how its last
 * attempt went. Each also moves last_triggered_at (see recordAttempts for why here).
 */

/** The target asked to stop (a 410): DISABLED with the reason, unless it already is. */
export async function disableSubscription(db: Queryable, subscriptionId: string, reason: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE webhook_subscription SET status = 'DISABLED', disabled_reason = $2, last_triggered_at = GREATEST(last_triggered_at, $3), updated_at = now()
        WHERE id = $1 AND status <> 'DISABLED'`,
    [subscriptionId, reason, at],
  );
}

/** A success: the failure clock stops and a FAILED subscription is ACTIVE again. */
export async function markSubscriptionHealthy(db: Queryable, subscriptionId: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE webhook_subscription SET failing_since = NULL, status = CASE WHEN status = 'FAILED' THEN 'ACTIVE' ELSE status END,
              last_triggered_at = GREATEST(last_triggered_at, $2), updated_at = now()
        WHERE id = $1`,
    [subscriptionId, at],
  );
}

/** A failure: FAILED while failing, DISABLED once every attempt failed for DISABLE_AFTER_FAILING. */
export async function markSubscriptionFailing(db: Queryable, subscriptionId: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE webhook_subscription
          SET failing_since = COALESCE(failing_since, $2), last_triggered_at = GREATEST(last_triggered_at, $2),
              status = CASE WHEN COALESCE(failing_since, $2) <= $2 - $3::interval THEN 'DISABLED'
                            WHEN status = 'ACTIVE' THEN 'FAILED' ELSE status END,
              disabled_reason = CASE WHEN COALESCE(failing_since, $2) <= $2 - $3::interval
                                     THEN 'Every delivery attempt failed for ${DISABLE_AFTER_FAILING}' ELSE disabled_reason END,
              updated_at = now()
        WHERE id = $1 AND status IN ('ACTIVE', 'FAILED')`,
    [subscriptionId, at, DISABLE_AFTER_FAILING],
  );
}
