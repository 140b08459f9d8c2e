import type { DataSource } from 'typeorm';
import type { ConnectionService } from '../../connections/connection.service';
import type { ConnectorCatalog } from '../../connectors/connector.catalog';
import { BadUserInputError, NotFoundError } from '../../errors';
import { isValidDotPath } from '../../sync/mapping/dot-path';
import { CRM_OBJECTS, crmObject } from '../../sync/crm/crm-objects';
import { crmTargetSchema, STORE_KEPT_FIELDS } from './crm-target-schema';
import { loadLearning, rememberSuggestions } from './learning-store';
import { conventionalSamples, conventionalType } from './provider-conventions';
import { MIN_CONFIDENCE, suggestMappings, type ObjectSchemaLike, type Suggestion } from './suggest-mappings';

/** Wider schemas than any provider object we know; bounds the pair scoring (n × m). */
export const MAX_SCHEMA_FIELDS = 2000;
const MAX_OBJECT_NAME_LENGTH = 200;
const MAX_SAMPLES_PER_FIELD = 100;

function checkSchema(schema: ObjectSchemaLike | null | undefined, at: 'source' | 'target'): void {
  if (!schema || typeof schema.object !== 'string' || !schema.object.trim() || schema.object.length > MAX_OBJECT_NAME_LENGTH) {
    throw new BadUserInputError(`${at}.object must be a name of 1 to ${MAX_OBJECT_NAME_LENGTH} characters`, `${at}.object`);
  }
  // An empty schema is a caller's mistake (a failed schema fetch), not a question with no answer.
  if (!Array.isArray(schema.fields) || schema.fields.length === 0) throw new BadUserInputError(`${at} needs at least one field`, `${at}.fields`);
  if (schema.fields.length > MAX_SCHEMA_FIELDS) throw new BadUserInputError(`${at} has at most ${MAX_SCHEMA_FIELDS} fields`, `${at}.fields`);
  const seen = new Set<string>();
  schema.fields.forEach((field, i) => {
    if (!isValidDotPath(field?.name))
      throw new BadUserInputError('must be a dot path of letters, digits, _, $ or - segments, such as address.city', `${at}.fields.${i}.name`);
    if (seen.has(field.name)) throw new BadUserInputError(`${field.name} appears twice`, `${at}.fields.${i}.name`);
    seen.add(field.name);
    // A REFERENCE's params.object holds at most 100 characters (transform-params.ts): a longer one could not be saved.
    if (field.references !== undefined && field.references !== null && (!field.references.trim() || field.references.length > 100))
      throw new BadUserInputError('references must be an object name of 1 to 100 characters', `${at}.fields.${i}.references`);
    if ((field.sampleValues?.length ?? 0) > MAX_SAMPLES_PER_FIELD)
      throw new BadUserInputError(`at most ${MAX_SAMPLES_PER_FIELD} sample values`, `${at}.fields.${i}.sampleValues`);
  });
}

/**
 * Field-mapping suggestions: the offline suggester (suggest-mappings.ts) plus what the
 * organization taught it: its saved mappings into the same object, replayed by name (they outrank
 * every guess) and generalised by words and types (learned-evidence.ts), and the suggestions
 * those mappings left out. Each answer is remembered so the next save can reject it.
 */
export class SuggestService {
  constructor(
    private readonly db: DataSource,
    private readonly connections: ConnectionService,
    private readonly catalog: ConnectorCatalog,
  ) {}

  async suggest(organizationId: string, source: ObjectSchemaLike, target: ObjectSchemaLike): Promise<Suggestion[]> {
    checkSchema(source, 'source');
    checkSchema(target, 'target');
    // Into a built-in object the store keeps id and the timestamps itself: never suggest them.
    const into = crmObject(target.object) ? { ...target, fields: target.fields.filter((f) => !STORE_KEPT_FIELDS.has(f.name)) } : target;
    if (!into.fields.length) return [];
    const learning = await loadLearning(this.db, organizationId, source.object, target.object);
    const suggestions = suggestMappings(source, into, learning.pairs, MIN_CONFIDENCE, learning.evidence);
    await rememberSuggestions(this.db, organizationId, source, target.object, suggestions);
    return suggestions;
  }

  /** From one object of a connection's connector (its declared fields) into a built-in CRM object. */
  async suggestForConnection(organizationId: string, connectionId: string, object: string, targetObject: string): Promise<Suggestion[]> {
    const connection = await this.connections.get(organizationId, connectionId);
    const definition = await this.catalog.definitionFor(organizationId, connection.connectorKey);
    if (!definition) throw new NotFoundError('Connector', connection.connectorKey);
    const found = definition.objects.find((o) => o.name === object);
    if (!found)
      throw new BadUserInputError(`${definition.key} has no object ${object}; its objects are ${definition.objects.map((o) => o.name).join(', ')}`, 'object');
    const target = crmTargetSchema(targetObject);
    if (!target) throw new BadUserInputError(`targetObject must be a HotCRM object: ${Object.keys(CRM_OBJECTS).join(', ')}`, 'targetObject');
    const source: ObjectSchemaLike = {
      object,
      fields: found.fields.map((f) => ({
        name: f.name,
        type: conventionalType(definition.key, f.type),
        sampleValues: conventionalSamples(definition.key, f.type),
        references: f.references ?? null,
      })),
    };
    return this.suggest(organizationId, source, target);
  }
}
