import type PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { isUuid, Page, PageArgs, paginate } from '../db/paginate';
import { ConflictError, NotFoundError } from '../errors';
import { bossExecutor } from '../jobs/boss-executor';
import { RetryPolicy } from '../webhooks/webhook.enums';
import { checkEventTypes, checkFilters, checkMaxRetries, checkName, MAX_RETRIES_RANGE } from '../webhooks/webhook.validation';
import type { AutomationActionCheck } from './automation-action';
import { AutomationRunEntity } from './automation-run.entity';
import { automationRunJobs } from './automation-run.job';
import { AutomationEntity } from './automation.entity';
import { AutomationRunStatus } from './automation.enums';
import type { CreateAutomationInput, UpdateAutomationInput } from './automation.inputs';
import { requeueFailedRun } from './sql/requeue-failed-run';

/** Creating, changing and deleting automations; their runs, and retrying a failed one. */
export class AutomationService {
  constructor(
    private readonly db: DataSource,
    private readonly boss: PgBoss,
    private readonly actions: AutomationActionCheck,
  ) {}

  async list(organizationId: string, args: PageArgs, connectionId?: string | null): Promise<Page<AutomationEntity>> {
    const qb = this.db.getRepository(AutomationEntity).createQueryBuilder('a').where('a.organization_id = :org', { org: organizationId });
    if (connectionId) {
      if (!isUuid(connectionId)) qb.andWhere('false');
      else qb.andWhere('a.connection_id = :connectionId', { connectionId });
    }
    return paginate(qb, args);
  }

  async create(organizationId: string, input: CreateAutomationInput): Promise<AutomationEntity> {
    const name = checkName(input.name);
    const eventTypes = checkEventTypes(input.eventTypes);
    const filters = checkFilters(input.filters);
    const maxRetries = checkMaxRetries(input.maxRetries ?? MAX_RETRIES_RANGE.default);
    const connection = await this.actions.connection(organizationId, input.connectionId);
    await this.actions.check(connection, input.action, input.inputTemplate);
    const repo = this.db.getRepository(AutomationEntity);
    return repo.save(
      repo.create({
        organizationId,
        name,
        eventTypes,
        filters,
        connectionId: connection.id,
        action: input.action,
        inputTemplate: input.inputTemplate,
        isActive: input.isActive ?? true,
        retryPolicy: input.retryPolicy ?? RetryPolicy.EXPONENTIAL,
        maxRetries,
      }),
    );
  }

  async update(organizationId: string, id: string, input: UpdateAutomationInput): Promise<AutomationEntity> {
    return this.db.transaction(async (tx) => {
      const row = await this.locked(tx, organizationId, id);
      if (input.name != null) row.name = checkName(input.name);
      if (input.eventTypes != null) row.eventTypes = checkEventTypes(input.eventTypes);
      if (input.filters !== undefined) row.filters = checkFilters(input.filters);
      if (input.maxRetries != null) row.maxRetries = checkMaxRetries(input.maxRetries);
      if (input.retryPolicy != null) row.retryPolicy = input.retryPolicy;
      if (input.isActive != null) row.isActive = input.isActive;
      if (input.action != null || input.inputTemplate != null) {
        // The action and its template are checked together: a new action must fit the stored template and vice versa.
        const action = input.action ?? row.action;
        const template = input.inputTemplate ?? row.inputTemplate;
        await this.actions.check(await this.actions.connection(organizationId, row.connectionId), action, template);
        Object.assign(row, { action, inputTemplate: template });
      }
      return tx.getRepository(AutomationEntity).save(row);
    });
  }

  /** Its runs go with it (ON DELETE CASCADE); their pending jobs find nothing and end. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    const result = isUuid(id) ? await this.db.getRepository(AutomationEntity).delete({ organizationId, id }) : null;
    if (!result?.affected) throw new NotFoundError('Automation', id);
    return true;
  }

  /** An automation's runs, newest first, optionally of one status. */
  listRuns(organizationId: string, automationId: string, args: PageArgs, status?: AutomationRunStatus | null): Promise<Page<AutomationRunEntity>> {
    const qb = this.db
      .getRepository(AutomationRunEntity)
      .createQueryBuilder('r')
      .where('r.organization_id = :org AND r.automation_id = :automationId', { org: organizationId, automationId });
    if (status) qb.andWhere('r.status = :status', { status });
    return paginate(qb, args, { column: 'created_at', direction: 'DESC' });
  }

  /** The run, or null when absent or another organization's (a change notice's row). */
  findRun(organizationId: string, id: string): Promise<AutomationRunEntity | null> {
    return isUuid(id) ? this.db.getRepository(AutomationRunEntity).findOne({ where: { id, organizationId } }) : Promise.resolve(null);
  }

  /** A FAILED run back to PENDING with a job now; its attempts continue their count. CONFLICT for any other status. */
  async retryRun(organizationId: string, id: string): Promise<AutomationRunEntity> {
    return this.db.transaction(async (tx) => {
      const run = isUuid(id)
        ? await tx.getRepository(AutomationRunEntity).findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!run) throw new NotFoundError('AutomationRun', id);
      if (run.status !== AutomationRunStatus.FAILED) throw new ConflictError(`AutomationRun ${id} is ${run.status}: only a FAILED run can be retried`);
      const automation = await tx.getRepository(AutomationEntity).findOne({ where: { organizationId, id: run.automationId } });
      if (!automation?.isActive) throw new ConflictError(`Automation ${run.automationId} is paused: set isActive to true first`);
      await requeueFailedRun(tx, organizationId, run.id, run.automationId);
      await this.boss.insert(automationRunJobs([{ runId: run.id }]), { db: bossExecutor(tx) });
      return tx.getRepository(AutomationRunEntity).findOneOrFail({ where: { organizationId, id } });
    });
  }

  private async locked(tx: EntityManager, organizationId: string, id: string): Promise<AutomationEntity> {
    const row = isUuid(id) ? await tx.getRepository(AutomationEntity).findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!row) throw new NotFoundError('Automation', id);
    return row;
  }
}
