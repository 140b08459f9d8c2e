import type { Queryable } from '../../db/sql/queryable';
import type { OAuthStateEntity } from '../oauth-state.entity';

/** A pending authorization, as the state row holds it. */
export type ConsumedOAuthState = Pick<
  OAuthStateEntity,
  'id' | 'organizationId' | 'connectorKey' | 'name' | 'redirectUri' | 'scopes' | 'config' | 'codeVerifierEncrypted' | 'connectionId'
>;

/**
 * Marks an authorization's state used and returns it, in one statement, so a state is consumed
 * once: only while unused and unexpired, and only for `organizationId` when one is given (the
 * browser callback has none). Empty when the state is unknown, expired, used or another org's.
 */
export async function consumeOAuthState(db: Queryable, stateHash: string, organizationId: string | null): Promise<ConsumedOAuthState[]> {
  return db
    .query(
      `UPDATE oauth_state SET used_at = now()
        WHERE state_hash = $1 AND used_at IS NULL AND expires_at > now() AND ($2::text IS NULL OR organization_id = $2)
        RETURNING id, organization_id AS "organizationId", connector_key AS "connectorKey", name, redirect_uri AS "redirectUri",
                  scopes, config, code_verifier_encrypted AS "codeVerifierEncrypted", connection_id AS "connectionId"`,
      [stateHash, organizationId],
    )
    .then((result: [ConsumedOAuthState[], number] | ConsumedOAuthState[]) =>
      // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
      Array.isArray(result[0]) ? (result[0] as ConsumedOAuthState[]) : (result as ConsumedOAuthState[]),
    );
}
