import type { Logger } from 'pino';
import { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../config';
import { isUuid, Page, PageArgs, paginate } from '../db/paginate';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors';
import { PgPubSub } from '../realtime/pg-pubsub';
import type { EventRecorder } from '../events/event-recorder';
import { ApiKeyUsageRecorder } from './api-key-usage.recorder';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyStatus, UsageGranularity } from './api-key.enums';
import { generateApiKey } from './api-key.format';
import type { CreateApiKeyInput } from './api-key.inputs';
import { effectiveStatus } from './api-key.mapper';
import { ApiKeyRateLimiter } from './api-key.rate-limiter';
import { ApiKeyRepository } from './api-key.repository';
import { assertCanGrant } from './api-key.scopes';
import { ApiKeyUsageBucket } from './api-key.type';
import { validateCreateApiKey, validateGracePeriod } from './api-key.validation';
import { ApiKeyVerifier } from './api-key.verifier';
import { usageBuckets } from './sql/usage-buckets';

/** At most a year of hours: larger ranges are a mistake, not a report. */
const MAX_BUCKETS = 24 * 366;

/** ACTIVE and EXPIRED are partly derived from expiresAt, so the filter says it in SQL. */
const STATUS_FILTER: Record<ApiKeyStatus, string> = {
  [ApiKeyStatus.ACTIVE]: "k.status = 'ACTIVE' AND (k.expires_at IS NULL OR k.expires_at > now())",
  [ApiKeyStatus.EXPIRED]: "(k.status = 'EXPIRED' OR (k.status = 'ACTIVE' AND k.expires_at <= now()))",
  [ApiKeyStatus.REVOKED]: "k.status = 'REVOKED'",
};

/** A key row and, only at creation or rotation, the whole key (shown once, never stored). */
export interface IssuedApiKey {
  row: ApiKeyEntity;
  key: string;
}

/**
 * API keys' lifecycle: create, rotate (the old key keeps working for a grace period, then
 * expires), revoke; and the verifier every request goes through. Each change commits with its
 * integration.api_key.* event and a NOTIFY that evicts the key from every replica's cache.
 */
export class ApiKeyService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ApiKeyRepository,
    private readonly events: EventRecorder,
    private readonly environment: string,
    readonly verifier: ApiKeyVerifier,
    private readonly closeResources: () => Promise<void>,
  ) {}

  /**
   * Builds the service with its own small pool for the per-request statements (rate limit,
   * usage flush), so a burst of requests never waits behind resolvers for a connection.
   */
  static create(db: DataSource, databaseUrl: string, config: Config, log: Logger, events: EventRecorder): ApiKeyService {
    const pool = new Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 5000, keepAlive: true, application_name: 'integration-apikeys' });
    pool.on('error', (error) => log.warn({ err: error.message }, 'API key pool connection lost'));
    const keys = new ApiKeyRepository(db);
    const limiter = new ApiKeyRateLimiter(pool);
    const usage = new ApiKeyUsageRecorder(pool, log);
    usage.start();
    const verifier = new ApiKeyVerifier((hash) => keys.findSnapshotByHash(hash), limiter, usage);
    return new ApiKeyService(db, keys, events, config.apiKeyEnvironment, verifier, async () => {
      verifier.stopFollowing();
      await limiter.close();
      await usage.close();
      await pool.end();
    });
  }

  /** The organization's keys, a page at a time, optionally of one (effective) status. */
  async list(organizationId: string, args: PageArgs, status?: ApiKeyStatus | null): Promise<Page<ApiKeyEntity>> {
    const qb = this.db.getRepository(ApiKeyEntity).createQueryBuilder('k').where('k.organization_id = :org', { org: organizationId });
    if (status) qb.andWhere(STATUS_FILTER[status]);
    return paginate(qb, args);
  }

  /**
   * Usage per hour or day in [from, to), every bucket present (zeros included) so a chart needs no
   * gap filling. Day buckets are sums of the stored hour buckets, in UTC.
   */
  async usage(organizationId: string, apiKeyId: string, from: Date, to: Date, granularity: UsageGranularity): Promise<ApiKeyUsageBucket[]> {
    const unit = granularity === UsageGranularity.DAY ? 'day' : 'hour';
    const span = (to.getTime() - from.getTime()) / (unit === 'day' ? 86_400_000 : 3_600_000);
    if (span > MAX_BUCKETS) throw new BadUserInputError(`at most ${MAX_BUCKETS} buckets per request`, 'from');
    const rows = await usageBuckets(this.db, organizationId, apiKeyId, from, to, unit);
    return rows.map((row) => Object.assign(new ApiKeyUsageBucket(), { start: row.start, requests: Number(row.requests), rejected: Number(row.rejected) }));
  }

  async create(organizationId: string, callerScopes: readonly string[], input: CreateApiKeyInput): Promise<IssuedApiKey> {
    const valid = validateCreateApiKey(input);
    assertCanGrant(callerScopes, valid.scopes);
    const generated = generateApiKey(this.environment);
    const row = await this.db.transaction(async (tx) => {
      const saved = await this.keys.insert(tx, { organizationId, ...valid, prefix: generated.prefix, keyHash: generated.hash });
      await this.record(tx, saved, 'integration.api_key.created', describe(saved));
      return saved;
    });
    return { row, key: generated.key };
  }

  /** A new key with the old one's name, scopes, limit and expiry; the old one expires after the grace. */
  async rotate(organizationId: string, callerScopes: readonly string[], id: string, gracePeriodSeconds?: number | null): Promise<IssuedApiKey> {
    const grace = validateGracePeriod(gracePeriodSeconds);
    const generated = generateApiKey(this.environment);
    const row = await this.db.transaction(async (tx) => {
      const old = await this.lock(tx, organizationId, id);
      const status = effectiveStatus(old);
      if (status !== ApiKeyStatus.ACTIVE) throw new ConflictError(`API key ${id} is ${status}; only an active key can be rotated`);
      if (await this.keys.hasSuccessor(tx, organizationId, id)) throw new ConflictError(`API key ${id} was already rotated; rotate its successor`);
      // The new key is shown to the caller: rotating must not reveal a key with more rights than the caller has.
      assertCanGrant(callerScopes, old.scopes);
      const graceEnds = new Date(Date.now() + grace * 1000);
      const oldExpiresAt = old.expiresAt && old.expiresAt < graceEnds ? old.expiresAt : graceEnds;
      await this.keys.update(tx, organizationId, id, { expiresAt: oldExpiresAt });
      const saved = await this.keys.insert(tx, {
        organizationId,
        name: old.name,
        scopes: old.scopes,
        rateLimit: old.rateLimit,
        rateWindowSeconds: old.rateWindowSeconds,
        expiresAt: old.expiresAt,
        prefix: generated.prefix,
        keyHash: generated.hash,
        rotatedFromId: old.id,
      });
      await this.record(tx, saved, 'integration.api_key.rotated', {
        ...describe(saved),
        rotatedFromId: old.id,
        previousKeyExpiresAt: oldExpiresAt.toISOString(),
      });
      await PgPubSub.notify(tx, { topic: 'api_key', organizationId, id: old.id });
      return saved;
    });
    this.verifier.forget(id);
    return { row, key: generated.key };
  }

  /** Revoking a revoked key changes nothing and records nothing. */
  async revoke(organizationId: string, id: string): Promise<ApiKeyEntity> {
    const row = await this.db.transaction(async (tx) => {
      const current = await this.lock(tx, organizationId, id);
      if (current.status === ApiKeyStatus.REVOKED) return current;
      await this.keys.update(tx, organizationId, id, { status: ApiKeyStatus.REVOKED, revokedAt: new Date() });
      const revoked = (await this.keys.findOne(organizationId, id, tx))!;
      await this.record(tx, revoked, 'integration.api_key.revoked', describe(revoked));
      await PgPubSub.notify(tx, { topic: 'api_key', organizationId, id });
      return revoked;
    });
    this.verifier.forget(id);
    return row;
  }

  /** Flushes usage and releases the pool (the service's stop sequence). */
  close(): Promise<void> {
    return this.closeResources();
  }

  private async lock(tx: EntityManager, organizationId: string, id: string): Promise<ApiKeyEntity> {
    const row = isUuid(id) ? await this.keys.lockForUpdate(tx, organizationId, id) : null;
    if (!row) throw new NotFoundError('ApiKey', id);
    return row;
  }

  private async record(tx: EntityManager, row: ApiKeyEntity, type: string, data: Record<string, unknown>): Promise<void> {
    await this.events.record(row.organizationId, { type, source: 'hotcrm', objectType: 'api_key', recordId: row.id, data }, tx);
  }
}

/** What an event says about a key: never the key or its hash. */
function describe(row: ApiKeyEntity): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    rateLimit: { limit: row.rateLimit, windowSeconds: row.rateWindowSeconds },
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
  };
}
