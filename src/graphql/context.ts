import type { DataSource } from 'typeorm';
import { UnauthenticatedError } from '../errors';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { PgPubSub } from '../realtime/pg-pubsub';
import type { Services } from '../services';
import type { Loaders } from './loaders';
import type { Principal } from './principal';

/** What every resolver receives: the caller, per-request loaders and the shared services. */
export interface GraphQLContext {
  principal: Principal | null;
  /** Set when credentials were sent but refused; the auth guard reports it on first use. */
  authError: Error | null;
  loaders: Loaders;
  db: DataSource;
  config: Config;
  log: Logger;
  pubsub: PgPubSub;
  services: Services;
}

/**
 * The caller's organization; only reached past the auth guard, so a principal is present. Should
 * a resolver ever miss its guard, the caller still gets the guard's answer, not an internal error.
 */
export function orgOf(ctx: GraphQLContext): string {
  if (!ctx.principal) throw ctx.authError ?? new UnauthenticatedError();
  return ctx.principal.organizationId;
}
