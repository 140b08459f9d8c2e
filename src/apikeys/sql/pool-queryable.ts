import type { Pool } from 'pg';

/**
 * What the per-request API key statements run on: the service's own pg pool (see
 * ApiKeyService.create), not the data source, so a burst of requests never waits behind resolvers.
 */
export type PoolQueryable = Pick<Pool, 'query'>;
