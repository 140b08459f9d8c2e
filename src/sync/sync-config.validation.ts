import type { ObjectDefinition } from '../connectors/connector.definition';
import { BadUserInputError } from '../errors';
import { CRM_OBJECTS, crmFieldNames, crmObject } from './crm/crm-objects';
import type { StoredMappingRule } from './field-mapping.entity';
import { SyncDirection } from './sync.enums';

/**
 * The rules a SyncConfig must satisfy against the connector's declared objects and HotCRM's
 * objects, checked when it is saved so a misfit is BAD_USER_INPUT now rather than a failed run
 * at 3 a.m. Each check names the input field a client should highlight.
 */

export function checkName(name: string | null | undefined): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed) throw new BadUserInputError('name must not be empty', 'name');
  return trimmed;
}

/** The connector object a config reads from (and, for write directions, writes to). */
export function findSourceObject(objects: readonly ObjectDefinition[], sourceObject: string, connectorKey: string): ObjectDefinition {
  const object = objects.find((o) => o.name === sourceObject);
  if (!object) {
    const known = objects.map((o) => o.name).join(', ') || 'none';
    throw new BadUserInputError(`sourceObject '${sourceObject}' is not an object of ${connectorKey} (objects: ${known})`, 'sourceObject');
  }
  return object;
}

/** The CRM object's field names; an object HotCRM does not have is refused. */
export function crmFieldsOf(targetObject: string): readonly string[] {
  if (!crmObject(targetObject)) {
    throw new BadUserInputError(`targetObject '${targetObject}' is not a HotCRM object (${Object.keys(CRM_OBJECTS).join(', ')})`, 'targetObject');
  }
  return crmFieldNames(targetObject);
}

/** OUTBOUND and BIDIRECTIONAL write to the provider, which only some objects accept. */
export function checkDirection(direction: SyncDirection, object: ObjectDefinition): void {
  if (direction !== SyncDirection.INBOUND && !object.supportsWrite) {
    throw new BadUserInputError(`${direction} needs writes, and ${object.name} is read-only; use INBOUND`, 'direction');
  }
}

export interface MappingShape {
  id: string;
  sourceObject: string;
  targetObject: string;
  rules: StoredMappingRule[];
}

/** A mapping fits when it maps the same pair of objects and every rule names fields both sides have. */
export function checkMappingFits(mapping: MappingShape, source: ObjectDefinition, targetObject: string): void {
  const field = 'fieldMappingId';
  if (mapping.sourceObject !== source.name || mapping.targetObject !== targetObject) {
    throw new BadUserInputError(
      `field mapping ${mapping.id} maps ${mapping.sourceObject} → ${mapping.targetObject}, not ${source.name} → ${targetObject}`,
      field,
    );
  }
  const sourceFields = new Set(source.fields.map((f) => f.name));
  const targetFields = new Set(crmFieldsOf(targetObject));
  for (const rule of mapping.rules ?? []) {
    for (const path of sourcePathsOf(rule)) {
      if (!pathKnown(path, sourceFields)) {
        throw new BadUserInputError(`field mapping ${mapping.id}: source field '${path}' is not a field of ${source.name}`, field);
      }
    }
    if (!targetFields.has(rule.targetField)) {
      throw new BadUserInputError(`field mapping ${mapping.id}: target field '${rule.targetField}' is not a field of ${targetObject}`, field);
    }
  }
}

/** The rule's own source path, plus the extra fields a CONCAT reads. */
function sourcePathsOf(rule: StoredMappingRule): string[] {
  const paths = [rule.sourceField];
  const params = rule.transform?.params as { fields?: unknown } | null | undefined;
  if (rule.transform?.type === 'CONCAT' && Array.isArray(params?.fields)) {
    paths.push(...params.fields.filter((f): f is string => typeof f === 'string'));
  }
  return paths;
}

/**
 * Connectors list nested values either by their root (metadata, an OBJECT) or by their dotted
 * path (address.city), so a path is known when any of its dot-prefixes is a listed field.
 */
function pathKnown(path: string, fields: ReadonlySet<string>): boolean {
  const segments = path.split('.');
  for (let i = 1; i <= segments.length; i++) {
    if (fields.has(segments.slice(0, i).join('.'))) return true;
  }
  return false;
}
