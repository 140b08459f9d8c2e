import type { Logger } from 'pino';
import { UnauthenticatedError } from '../errors';
import type { Config } from '../config';
import type { PgPubSub } from '../realtime/pg-pubsub';
import type { Principal } from './principal';

/* eslint-disable @typescript-eslint/no-empty-object-type -- both are filled in by declaration merging */
/**
 * The long-lived services resolvers reach, one property each. Declared empty here and filled in
 * by each capability's `<capability>.module.ts` (TypeScript declaration merging), so this kit
 * names no capability; the assembly (src/assembly/services.ts) builds exactly this shape.
 */
export interface Services {}

/** The per-request DataLoaders, declared by the capability modules the same way. */
export interface Loaders {}
/* eslint-enable @typescript-eslint/no-empty-object-type */

/** What every resolver receives: the caller, per-request loaders and the shared services. */
export interface GraphQLContext {
  principal: Principal | null;
  /** Set when credentials were sent but refused; the auth guard reports it on first use. */
  authError: Error | null;
  loaders: Loaders;
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
