import type { DataSource, EntityManager } from 'typeorm';
import type { CredentialsVault } from '../connections/credentials-vault';
import { isUuid, Page, PageArgs, paginate } from '../db/paginate';
import { NotFoundError } from '../errors';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';
import { CreateWebhookSubscriptionInput, UpdateWebhookSubscriptionInput } from './webhook.inputs';
import { RetryPolicy, WebhookStatus } from './webhook.enums';
import { generateWebhookSecret, secretHint } from './webhook-signer';
import {
  checkEventTypes,
  checkFilters,
  checkGracePeriod,
  checkMaxRetries,
  checkName,
  checkStatus,
  checkTargetUrl,
  MAX_RETRIES_RANGE,
} from './webhook.validation';

/** A rotated-out secret keeps signing (a second signature) this long unless the caller says otherwise. */
const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 3600;

export interface SubscriptionWithSecret {
  subscription: WebhookSubscriptionEntity;
  /** Shown once: on create and rotate. */
  secret: string;
}

/** Creating, changing, rotating and deleting outbound webhook subscriptions. */
export class WebhookSubscriptionService {
  constructor(
    private readonly db: DataSource,
    private readonly vault: CredentialsVault,
    private readonly settings: { allowPrivateTargets: boolean },
  ) {}

  /** The organization's subscriptions, a page at a time, optionally of one status. */
  async list(organizationId: string, args: PageArgs, status?: WebhookStatus | null): Promise<Page<WebhookSubscriptionEntity>> {
    const qb = this.repo().createQueryBuilder('w').where('w.organization_id = :org', { org: organizationId });
    if (status) qb.andWhere('w.status = :status', { status });
    return paginate(qb, args);
  }

  async create(organizationId: string, input: CreateWebhookSubscriptionInput): Promise<SubscriptionWithSecret> {
    const secret = generateWebhookSecret();
    const row = this.repo().create({
      organizationId,
      name: checkName(input.name),
      eventTypes: checkEventTypes(input.eventTypes),
      targetUrl: await checkTargetUrl(input.targetUrl, this.settings.allowPrivateTargets),
      status: WebhookStatus.ACTIVE,
      retryPolicy: input.retryPolicy ?? RetryPolicy.EXPONENTIAL,
      maxRetries: checkMaxRetries(input.maxRetries ?? MAX_RETRIES_RANGE.default),
      filters: checkFilters(input.filters),
      secretEncrypted: this.vault.seal(secret),
      secretHint: secretHint(secret),
    });
    return { subscription: await this.repo().save(row), secret };
  }

  async update(organizationId: string, id: string, input: UpdateWebhookSubscriptionInput): Promise<WebhookSubscriptionEntity> {
    return this.db.transaction(async (tx) => {
      const row = await this.locked(tx, organizationId, id);
      if (input.name != null) row.name = checkName(input.name);
      if (input.eventTypes != null) row.eventTypes = checkEventTypes(input.eventTypes);
      if (input.targetUrl != null) row.targetUrl = await checkTargetUrl(input.targetUrl, this.settings.allowPrivateTargets);
      if (input.retryPolicy != null) row.retryPolicy = input.retryPolicy;
      if (input.maxRetries != null) row.maxRetries = checkMaxRetries(input.maxRetries);
      if (input.filters !== undefined) row.filters = checkFilters(input.filters);
      if (input.status != null) {
        row.status = checkStatus(input.status);
        // Re-enabling starts the failure clock afresh and drops the reason it was stopped for.
        if (row.status === WebhookStatus.ACTIVE) Object.assign(row, { disabledReason: null, failingSince: null });
      }
      return tx.getRepository(WebhookSubscriptionEntity).save(row);
    });
  }

  /** Deliveries and their attempts go with it (ON DELETE CASCADE); their pending jobs find nothing and end. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    const result = isUuid(id) ? await this.repo().delete({ organizationId, id }) : null;
    if (!result?.affected) throw new NotFoundError('WebhookSubscription', id);
    return true;
  }

  /** A new secret; the old one keeps signing beside it for the grace period (receivers accept either). */
  async rotateSecret(organizationId: string, id: string, gracePeriodSeconds?: number | null): Promise<SubscriptionWithSecret> {
    const grace = checkGracePeriod(gracePeriodSeconds, DEFAULT_ROTATION_GRACE_SECONDS);
    return this.db.transaction(async (tx) => {
      const row = await this.locked(tx, organizationId, id);
      const secret = generateWebhookSecret();
      Object.assign(row, {
        previousSecretEncrypted: grace > 0 ? row.secretEncrypted : null,
        previousSecretExpiresAt: grace > 0 ? new Date(Date.now() + grace * 1000) : null,
        secretEncrypted: this.vault.seal(secret),
        secretHint: secretHint(secret),
      });
      return { subscription: await tx.getRepository(WebhookSubscriptionEntity).save(row), secret };
    });
  }

  async get(organizationId: string, id: string, tx: EntityManager = this.db.manager): Promise<WebhookSubscriptionEntity> {
    const row = isUuid(id) ? await tx.getRepository(WebhookSubscriptionEntity).findOne({ where: { organizationId, id } }) : null;
    if (!row) throw new NotFoundError('WebhookSubscription', id);
    return row;
  }

  private async locked(tx: EntityManager, organizationId: string, id: string): Promise<WebhookSubscriptionEntity> {
    const row = isUuid(id)
      ? await tx.getRepository(WebhookSubscriptionEntity).findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!row) throw new NotFoundError('WebhookSubscription', id);
    return row;
  }

  private repo() {
    return this.db.getRepository(WebhookSubscriptionEntity);
  }
}
