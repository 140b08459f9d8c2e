import type { Queryable } from '../../db/sql/queryable';

export interface RequeuedDelivery {
  id: string;
  subscription_id: string;
  attempt_count: number;
}

/** Back to PENDING, due now, for the organization's deliveries among `ids`; returns those moved. */
export async function requeueDeliveries(db: Queryable, organizationId: string, ids: string[]): Promise<RequeuedDelivery[]> {
  // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
  const [rows]: [RequeuedDelivery[], number] = await db.query(
    `UPDATE webhook_delivery SET status = 'PENDING', next_attempt_at = now(), updated_at = now()
        WHERE organization_id = $1 AND id = ANY($2::uuid[]) RETURNING id, subscription_id, attempt_count`,
    [organizationId, ids],
  );
  return rows;
}
