import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { createGuardedDispatcher } from '../../net/target-guard';
import type { ConnectorHandler } from '../connector.handler';
import { ProviderHttp } from './provider-http';
import { RateBudget } from './rate-budget';

export interface RateLimitPolicy {
  limit: number;
  windowSeconds: number;
}

function oauthError(body: unknown): { code?: string; message?: string } {
  const error = body as { error?: unknown; error_description?: unknown } | null;
  const code = typeof error?.error === 'string' ? error.error : undefined;
  const description = typeof error?.error_description === 'string' ? error.error_description : undefined;
  return { code, message: description ? `${code}: ${description}` : code };
}

/** The default budget for providers without a documented one (DESIGN.md: 30 requests/s). */
export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { limit: 30, windowSeconds: 1 };

/**
 * One ProviderHttp per provider, all sharing the process's guarded dispatcher and the Postgres-
 * backed rate budget (so the budget holds across replicas).
 */
export class ProviderHttpPool {
  private readonly clients = new Map<string, ProviderHttp>();
  private readonly dispatcher: Dispatcher;

  constructor(
    private readonly budget: RateBudget,
    config: Config,
    private readonly log: Logger,
    private readonly tuning: { baseDelayMs?: number } = {},
  ) {
    this.dispatcher = createGuardedDispatcher(config.allowPrivateTargets);
  }

  for(provider: string, rateLimit: RateLimitPolicy | null | undefined, handler?: ConnectorHandler, poolKey = provider): ProviderHttp {
    let client = this.clients.get(poolKey);
    if (!client) {
      client = new ProviderHttp({
        provider,
        // A revision (`@<n>`, a custom connector's last update) gets its own client, so a changed
        // error parser or budget policy applies at once, but not its own budget.
        budgetKey: `provider:${poolKey.replace(/:oauth$/, '').replace(/@[^@:]*$/, '')}`,
        rateLimit: rateLimit ?? DEFAULT_RATE_LIMIT,
        budget: this.budget,
        dispatcher: this.dispatcher,
        parseError: handler?.parseError?.bind(handler),
        baseDelayMs: this.tuning.baseDelayMs,
        log: this.log,
      });
      this.clients.set(poolKey, client);
    }
    return client;
  }

  /**
   * The client for a provider's OAuth token endpoint: same budget and guard, but errors read as
   * RFC 6749 5.2 ({error, error_description}) rather than the API's own shape.
   */
  forTokens(provider: string, rateLimit: RateLimitPolicy | null | undefined, poolKey = provider): ProviderHttp {
    return this.for(provider, rateLimit, { parseError: oauthError } as unknown as ConnectorHandler, `${poolKey}:oauth`);
  }

  async close(): Promise<void> {
    await this.dispatcher.close?.();
  }
}
