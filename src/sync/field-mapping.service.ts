import type { DataSource, Repository } from 'typeorm';
import { isUuid, Page, PageArgs, paginate } from '../db/paginate';
import { BadUserInputError, NotFoundError } from '../errors';
import { FieldMappingEntity } from './field-mapping.entity';
import type { CreateFieldMappingInput, UpdateFieldMappingInput } from './field-mapping.inputs';
import { validateRules } from './mapping/validate-rules';

const MAX_NAME_LENGTH = 200;

function requiredText(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new BadUserInputError(`${field} must not be empty`, field);
  if (text.length > MAX_NAME_LENGTH) throw new BadUserInputError(`${field} is at most ${MAX_NAME_LENGTH} characters`, field);
  return text;
}

/**
 * Field mappings' rules: everything a mapping holds is checked when it is saved (paths, the CRM
 * object's fields, transform params), so a run never fails on a mapping that could not work.
 * Every operation is scoped to the caller's organization; another org's id is NOT_FOUND.
 */
export class FieldMappingService {
  private readonly repo: Repository<FieldMappingEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(FieldMappingEntity);
  }

  async get(organizationId: string, id: string): Promise<FieldMappingEntity> {
    const row = isUuid(id) ? await this.repo.findOne({ where: { organizationId, id } }) : null;
    if (!row) throw new NotFoundError('FieldMapping', id);
    return row;
  }

  /** The organization's mappings, a page at a time, optionally of one source or target object. */
  async list(
    organizationId: string,
    args: PageArgs,
    filter: { sourceObject?: string | null; targetObject?: string | null } = {},
  ): Promise<Page<FieldMappingEntity>> {
    const qb = this.repo.createQueryBuilder('m').where('m.organization_id = :org', { org: organizationId });
    if (filter.sourceObject) qb.andWhere('m.source_object = :sourceObject', { sourceObject: filter.sourceObject });
    if (filter.targetObject) qb.andWhere('m.target_object = :targetObject', { targetObject: filter.targetObject });
    return paginate(qb, args);
  }

  async create(organizationId: string, input: CreateFieldMappingInput): Promise<FieldMappingEntity> {
    const name = requiredText(input.name, 'name');
    const sourceObject = requiredText(input.sourceObject, 'sourceObject');
    const targetObject = requiredText(input.targetObject, 'targetObject');
    const rules = validateRules(input.rules, targetObject);
    return this.repo.save(this.repo.create({ organizationId, name, sourceObject, targetObject, isTemplate: input.isTemplate ?? false, rules }));
  }

  async update(organizationId: string, id: string, input: UpdateFieldMappingInput): Promise<FieldMappingEntity> {
    const current = await this.get(organizationId, id);
    const changes: Partial<FieldMappingEntity> = {};
    if (input.name !== undefined && input.name !== null) changes.name = requiredText(input.name, 'name');
    if (input.isTemplate !== undefined && input.isTemplate !== null) changes.isTemplate = input.isTemplate;
    if (input.rules !== undefined && input.rules !== null) changes.rules = validateRules(input.rules, current.targetObject);
    if (Object.keys(changes).length === 0) return current;
    await this.repo.update({ organizationId, id }, changes as never);
    return this.get(organizationId, id);
  }

  /** Sync configs that used the mapping keep running without one (the FK sets field_mapping_id to null). */
  async delete(organizationId: string, id: string): Promise<boolean> {
    const result = isUuid(id) ? await this.repo.delete({ organizationId, id }) : { affected: 0 };
    if (!result.affected) throw new NotFoundError('FieldMapping', id);
    return true;
  }
}
