import { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { ExecutionResult, GraphQLError, GraphQLFormattedError, subscribe } from 'graphql';
import type { Logger } from 'pino';
import { BadUserInputError } from '../errors';
import type { GraphQLContext } from './context';

/** The errors of a result as clients see them: the service's one formatter (server.ts). */
export type FormatErrors = (errors: readonly GraphQLError[]) => GraphQLFormattedError[];

export interface SubscriptionCallbackOptions {
  formatErrors: FormatErrors;
  log: Logger;
  /** Attempts per message after the first, on a network error or a 5xx (Apollo's default: 5). */
  retries?: number;
  /** A router that does not answer within this is a failed attempt. */
  requestTimeoutMs?: number;
}

/** What the router sends in `extensions.subscription` (camelCase; snake_case from the preview). */
interface CallbackTarget {
  url: string;
  id: string;
  verifier: string;
  heartbeatMs: number;
}

type Action = 'check' | 'next' | 'complete';

/** The router answered a message with a 4xx: it no longer wants this subscription (404 is its "gone"). */
class RouterRefused extends Error {
  constructor(readonly status: number) {
    super(`the router answered ${status}`);
  }
}

const CALLBACK_PROTOCOL = 'callback/1.0';
const DEFAULT_HEARTBEAT_MS = 5_000;
const MAX_HEARTBEAT_FAILURES = 5;

/**
 * Apollo's HTTP callback protocol for subscriptions (a router in callback mode), as
 * @apollo/server's ApolloServerPluginSubscriptionCallback speaks it
 * (node_modules/@apollo/server/src/plugin/subscriptionCallback/index.ts, 5.5): the router POSTs
 * the subscription with `extensions.subscription {callbackUrl, subscriptionId, verifier,
 * heartbeatIntervalMs}`; the subgraph answers `{data: null}` only after a `check` message to the
 * callback URL got a 2xx, then POSTs `next` per event and `complete` at the end (with errors when
 * the subscription failed), plus a `check` every heartbeat interval; a 4xx on any of them ends the
 * subscription, a 5xx or a network error is retried.
 *
 * Why not Apollo's plugin: it sends graphql-js's errors as they are, skipping formatError (a scope
 * failure without its code, a database message to the client), and it subscribes even when the
 * request was refused before execution (validation, the operation limits), so an operation past the
 * depth limit streamed anyway. Here every message's errors go through the same formatter as HTTP
 * and graphql-ws, and only an operation Apollo resolved and validated is subscribed.
 */
export function subscriptionCallbackPlugin(options: SubscriptionCallbackOptions): ApolloServerPlugin<GraphQLContext> {
  const { formatErrors, log } = options;
  const retries = options.retries ?? 5;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const active = new Set<CallbackSubscription>();

  /** POSTs one message; a 4xx throws RouterRefused at once, a 5xx or network error is retried. */
  async function post(
    target: CallbackTarget,
    action: Action,
    extra: { payload?: ExecutionResult; errors?: GraphQLFormattedError[] } = {},
    attempts = retries,
  ): Promise<void> {
    const body = JSON.stringify({ kind: 'subscription', action, id: target.id, verifier: target.verifier, ...extra });
    for (let attempt = 0; ; attempt++) {
      let failure: Error;
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(action === 'check' ? { 'subscription-protocol': CALLBACK_PROTOCOL } : {}) },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return;
        if (response.status < 500) throw new RouterRefused(response.status);
        failure = new Error(`the router answered ${response.status}`);
      } catch (error) {
        if (error instanceof RouterRefused) throw error;
        failure = error as Error;
      }
      if (attempt >= attempts) throw failure;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1_000)));
    }
  }

  class CallbackSubscription {
    private ended = false;
    private heartbeat: NodeJS.Timeout | null = null;
    private iterator: AsyncIterator<ExecutionResult> | null = null;

    constructor(private readonly target: CallbackTarget) {}

    /** Sends `next` for each result until the stream ends, the router leaves or the server drains. */
    async run(results: AsyncIterable<ExecutionResult>): Promise<void> {
      active.add(this);
      this.iterator = results[Symbol.asyncIterator]();
      this.startHeartbeat();
      try {
        for (;;) {
          let step: IteratorResult<ExecutionResult>;
          try {
            step = await this.iterator.next();
          } catch (error) {
            await this.complete(formatErrors([asGraphQLError(error)]));
            return;
          }
          if (step.done || this.ended) break;
          await post(this.target, 'next', { payload: formatted(step.value, formatErrors) });
        }
        await this.complete();
      } catch (error) {
        // A `next` the router refused (4xx) or never took (retries spent): it is gone.
        this.log(error, 'next');
        await this.end(false);
      } finally {
        this.stopHeartbeat();
        active.delete(this);
      }
    }

    /** Refused at subscribe time (scope, arguments): `complete` carries why, formatted. */
    async refuse(errors: readonly GraphQLError[]): Promise<void> {
      active.add(this);
      try {
        await this.complete(formatErrors(errors));
      } finally {
        active.delete(this);
      }
    }

    /** Ends the stream; `tell` sends the router `complete` (not after it said it is gone). */
    async end(tell: boolean): Promise<void> {
      // One attempt: a server draining does not wait out a router that is down.
      if (tell) await this.complete(undefined, 0);
      this.ended = true;
      this.stopHeartbeat();
      await this.iterator?.return?.().catch(() => undefined);
    }

    private async complete(errors?: GraphQLFormattedError[], attempts = retries): Promise<void> {
      if (this.ended) return;
      this.ended = true;
      await post(this.target, 'complete', errors?.length ? { errors } : {}, attempts).catch((error) => this.log(error, 'complete'));
    }

    /** A `check` per interval, not retried (the next interval is the retry); five failures in a row end it. */
    private startHeartbeat(): void {
      if (this.target.heartbeatMs <= 0) return;
      let failures = 0;
      let inFlight = false;
      this.heartbeat = setInterval(() => {
        if (inFlight) return;
        inFlight = true;
        post(this.target, 'check', {}, 0)
          .then(
            () => (failures = 0),
            (error) => (error instanceof RouterRefused || ++failures >= MAX_HEARTBEAT_FAILURES ? this.end(false) : undefined),
          )
          .finally(() => (inFlight = false));
      }, this.target.heartbeatMs);
      this.heartbeat.unref();
    }

    private stopHeartbeat(): void {
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
    }

    private log(error: unknown, action: Action): void {
      const status = error instanceof RouterRefused ? error.status : undefined;
      log.debug(
        { subscriptionId: this.target.id, action, status, err: status ? undefined : (error as Error)?.message },
        'callback subscription: the router did not take a message; the subscription ends',
      );
    }
  }

  return {
    async requestDidStart({ request }) {
      const extension = request.extensions?.subscription;
      if (!extension) return;
      let target: CallbackTarget | null = null;
      let accepted = false;
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          target = callbackTarget(extension);
          if (!target) {
            throw new GraphQLError('extensions.subscription needs callbackUrl (an http or https URL), subscriptionId and verifier', {
              extensions: { code: 'BAD_USER_INPUT', field: 'extensions.subscription', http: { status: 400 } },
            });
          }
        },
        // Apollo's only hook that skips execution: the subscription runs in willSendResponse, once
        // the router has confirmed. Not reached for a request refused earlier (parse, validation, the
        // operation limits, a didResolveOperation check), which is then answered and never subscribed.
        async responseForOperation() {
          if (!target) return null;
          accepted = true;
          return {
            http: { status: 200, headers: new HeaderMap([['content-type', 'application/json']]) },
            body: { kind: 'single', singleResult: { data: null } },
          };
        },
        async willSendResponse({ schema, document, contextValue, operationName, response }) {
          if (!target || !accepted || !document) return;
          try {
            await post(target, 'check');
          } catch (error) {
            // The router's callback URL did not confirm: the subscription request fails, as bad input.
            const status = error instanceof RouterRefused ? error.status : null;
            const refusal = new BadUserInputError(
              `The callback URL did not confirm the subscription (check ${status ? `answered ${status}` : 'failed'})`,
              'extensions.subscription.callbackUrl',
            );
            response.http.status = 400;
            response.body = { kind: 'single', singleResult: { errors: formatErrors([new GraphQLError(refusal.message, { originalError: refusal })]) } };
            return;
          }
          let results: Awaited<ReturnType<typeof subscribe>>;
          try {
            results = await subscribe({ schema, document, variableValues: request.variables, contextValue, operationName });
          } catch (error) {
            results = { errors: [asGraphQLError(error)] };
          }
          const subscription = new CallbackSubscription(target);
          if (Symbol.asyncIterator in results) void subscription.run(results);
          else void subscription.refuse(results.errors ?? []);
        },
      };
    },
    async serverWillStart() {
      return {
        // Apollo's plugin completes every open subscription when the server drains; so does this.
        async drainServer() {
          await Promise.allSettled([...active].map((subscription) => subscription.end(true)));
        },
      };
    },
  };
}

/** The result with its errors formatted; graphql-js's errors would serialize as they are. */
function formatted(result: ExecutionResult, formatErrors: FormatErrors): ExecutionResult {
  return result.errors?.length ? ({ ...result, errors: formatErrors(result.errors) } as unknown as ExecutionResult) : result;
}

function asGraphQLError(error: unknown): GraphQLError {
  return error instanceof GraphQLError ? error : new GraphQLError((error as Error)?.message ?? String(error), { originalError: error as Error });
}

function callbackTarget(extension: Record<string, unknown>): CallbackTarget | null {
  const url = extension.callbackUrl ?? extension.callback_url;
  const id = extension.subscriptionId ?? extension.subscription_id;
  const verifier = extension.verifier;
  const heartbeat = extension.heartbeatIntervalMs ?? extension.heartbeat_interval_ms ?? DEFAULT_HEARTBEAT_MS;
  if (typeof url !== 'string' || typeof id !== 'string' || !id || typeof verifier !== 'string') return null;
  if (typeof heartbeat !== 'number' || !Number.isFinite(heartbeat) || heartbeat < 0) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return { url, id, verifier, heartbeatMs: heartbeat };
}
