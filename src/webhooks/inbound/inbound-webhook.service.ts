import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ConnectionEntity } from '../../connections/connection.entity';
import type { ConnectorRuntime } from '../../connections/connector-runtime';
import type { CredentialsVault } from '../../connections/credentials-vault';
import type { OAuthClientStore } from '../../connections/oauth-client.store';
import { builtInConnector, inboundVerifier } from '../../providers/registry';
import type { EventOutbox, RecordedEvent } from '../event-outbox';
import type { InboundContext, InboundReply, InboundRequest, ProviderEvent } from './inbound-verifier';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Answers that say no more than the status: the URL is a capability, and probing it must teach nothing. */
const NOT_FOUND: InboundReply = { status: 404, body: { error: 'not_found' } };
const UNVERIFIED: InboundReply = { status: 401, body: { error: 'signature_verification_failed' } };
const METHOD_NOT_ALLOWED: InboundReply = { status: 405, headers: { allow: 'POST' }, body: { error: 'method_not_allowed' } };

export interface InboundOutcome {
  reply: InboundReply;
  /** Events stored by this request; `repeated` were already stored (a provider retry). */
  recorded: number;
  repeated: number;
}

/**
 * POST /webhooks/inbound/:connectionId. The connection id is the capability: no API key, the
 * organization comes from the row. The provider's scheme is checked before anything is stored;
 * then each provider event is recorded through the outbox once per provider event id, in one
 * transaction, so a failure mid-batch stores none of it and the provider's retry stores it all.
 */
export class InboundWebhookService {
  constructor(
    private readonly db: DataSource,
    private readonly vault: CredentialsVault,
    private readonly runtime: ConnectorRuntime,
    private readonly oauthClients: OAuthClientStore,
    private readonly events: Pick<EventOutbox, 'record' | 'announce'>,
    private readonly log: Logger,
  ) {}

  async handle(connectionId: string, request: InboundRequest): Promise<InboundOutcome> {
    const none = (reply: InboundReply): InboundOutcome => ({ reply, recorded: 0, repeated: 0 });
    const connection = UUID.test(connectionId) ? await this.db.getRepository(ConnectionEntity).findOne({ where: { id: connectionId } }) : null;
    // Custom connectors may reuse no built-in key's scheme: they have none of their own.
    const verifier = connection && !connection.customConnectorId ? inboundVerifier(connection.connectorKey) : undefined;
    if (!connection || !verifier) return none(NOT_FOUND);
    if (request.method === 'GET' && !verifier.acceptsGet) return none(METHOD_NOT_ALLOWED);

    const verification = await verifier.verify(request, this.context(connection));
    const where = { connectionId, connectorKey: connection.connectorKey };
    switch (verification.kind) {
      case 'rejected':
        // The reason names what failed, never the secret or the signature.
        this.log.info({ ...where, reason: verification.reason }, 'inbound webhook refused');
        return none(UNVERIFIED);
      case 'malformed':
        this.log.info({ ...where, reason: verification.reason }, 'inbound webhook verified but unreadable');
        return none({ status: 400, body: { error: 'malformed', message: verification.reason } });
      case 'handshake':
        this.log.info(where, 'inbound webhook handshake answered');
        return none(verification.reply);
    }

    const results = await this.record(connection, verification.events);
    for (const result of results) if (result.created) this.events.announce(connection.organizationId, result.event);
    const recorded = results.filter((r) => r.created).length;
    this.log.debug({ ...where, recorded, repeated: results.length - recorded }, 'inbound webhook recorded');
    return { reply: verification.reply, recorded, repeated: results.length - recorded };
  }

  private record(connection: ConnectionEntity, events: ProviderEvent[]): Promise<RecordedEvent[]> {
    if (!events.length) return Promise.resolve([]);
    const source = connection.connectorKey;
    return this.db.transaction(async (tx) => {
      const results: RecordedEvent[] = [];
      for (const event of events) {
        results.push(
          await this.events.record(
            connection.organizationId,
            {
              type: `${source}.${event.type}`,
              source,
              data: event.data,
              idempotencyKey: event.id,
              connectionId: connection.id,
              occurredAt: event.occurredAt,
              objectType: event.objectType ?? null,
              recordId: event.recordId ?? null,
            },
            tx,
          ),
        );
      }
      return results;
    });
  }

  private context(connection: ConnectionEntity): InboundContext {
    return {
      connection,
      credentials: connection.credentialsEncrypted ? this.vault.open<Record<string, unknown>>(connection.credentialsEncrypted) : {},
      bind: async () => (await this.runtime.bind(connection)).call,
      oauthClientId: async () => {
        const definition = builtInConnector(connection.connectorKey);
        return definition ? ((await this.oauthClients.find(connection.organizationId, definition))?.clientId ?? null) : null;
      },
    };
  }
}
