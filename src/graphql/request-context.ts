import type { Logger } from 'pino';
import type { Config } from '../config';
import { isClientError } from '../errors';
import type { PgPubSub } from '../realtime/pg-pubsub';
import type { Authenticator } from './authenticate';
import type { GraphQLContext, Loaders, Services } from './context';
import type { Principal } from './principal';

export interface ContextDeps {
  /** A request's DataLoaders for the caller's organization (the assembly composes them). */
  loadersFor: (organizationId: string | null) => Loaders;
  config: Config;
  log: Logger;
  pubsub: PgPubSub;
  authenticator: Authenticator;
  services: Services;
}

/**
 * Authenticates once and gives the request its own loaders. A refused credential does not fail
 * the whole request here: the auth guard reports it (UNAUTHENTICATED) on the first protected
 * field, so `_service` and introspection keep working for the router.
 */
export async function createRequestContext(deps: ContextDeps, authorization: string | undefined | null): Promise<GraphQLContext> {
  let principal: Principal | null = null;
  let authError: Error | null = null;
  try {
    principal = await deps.authenticator.authenticate(authorization);
  } catch (error) {
    if (!isClientError(error)) throw error;
    authError = error;
  }
  return contextFor(deps, principal, authError);
}

export function contextFor(deps: ContextDeps, principal: Principal | null, authError: Error | null = null): GraphQLContext {
  return {
    principal,
    authError,
    loaders: deps.loadersFor(principal?.organizationId ?? null),
    config: deps.config,
    log: deps.log,
    pubsub: deps.pubsub,
    services: deps.services,
  };
}
