import { ProviderError } from '../../connectors/http/provider-error';
import { retryAfterSeconds } from '../../net/retry-after';

/** The organization a gateway request acts for; the token is the service's, the same for every org. */
export const ORGANIZATION_HEADER = 'x-hotcrm-organization';

export const GATEWAY_TIMEOUT_IN_MS = 15_000;

export interface CrmGatewayOptions {
  url: string;
  /** Sent as `Authorization: Bearer <token>` (CRM_GATEWAY_TOKEN). */
  token?: string;
  timeoutMs?: number;
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

/**
 * POSTs one GraphQL operation to the gateway. Any failure (transport, non-2xx, GraphQL errors)
 * is a ProviderError named `crm-gateway` carrying the gateway's first message: the sync records
 * it on the run. Only the gateway's BAD_USER_INPUT passes through as such; an UNAUTHENTICATED
 * from it (or any other 4xx but 429) means this service's token or documents are wrong, which
 * is not the caller's doing. No retries here: the sync job retries a failed page from its last
 * checkpoint.
 *
 * Requests do not go through the SSRF guard: the URL is the operator's configuration, and the
 * gateway is usually on a private network.
 */
export class CrmGatewayClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: CrmGatewayOptions) {
    this.timeoutMs = options.timeoutMs ?? GATEWAY_TIMEOUT_IN_MS;
  }

  async request<T>(organizationId: string, document: string, variables: Record<string, unknown>): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', [ORGANIZATION_HEADER]: organizationId };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: document, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ProviderError({ provider: 'crm-gateway', status: null, providerMessage: (error as Error).message, cause: error });
    }
    const body = (await response.json().catch(() => null)) as GraphQLBody | null;
    const firstError = body?.errors?.[0];
    if (!response.ok || !body?.data || firstError) {
      const detail = firstError ? { code: firstError.extensions?.code, message: firstError.message } : ProviderError.parseCommonBody(body);
      throw new ProviderError({
        provider: 'crm-gateway',
        status: response.status,
        providerCode: detail.code,
        providerMessage: detail.message,
        code: detail.code === 'BAD_USER_INPUT' ? 'BAD_USER_INPUT' : response.status === 429 ? 'RATE_LIMITED' : 'INTERNAL_SERVER_ERROR',
        retryAfterSeconds: response.status === 429 ? retryAfterSeconds(response.headers.get('retry-after')) : undefined,
      });
    }
    return body.data as T;
  }
}
