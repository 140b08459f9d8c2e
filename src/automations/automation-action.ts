import type { ConnectionEntity } from '../connections/connection.entity';
import type { ConnectionService } from '../connections/connection.service';
import type { ConnectorRuntime } from '../connections/connector-runtime';
import type { ActionDefinition } from '../connectors/connector.definition';
import { BadUserInputError, NotFoundError } from '../errors';
import { checkInputTemplate } from './input-template';
import { TemplateSchemaCheck } from './template-schema-check';

/**
 * The save-time checks that need the connection: it is the organization's, its connector
 * declares the action (Connector.actions) and has a handler for it, and the template fits the
 * action's inputSchema as far as that is knowable before an event renders it.
 */
export class AutomationActionCheck {
  private readonly schemaCheck = new TemplateSchemaCheck();

  constructor(
    private readonly connections: ConnectionService,
    private readonly runtime: ConnectorRuntime,
  ) {}

  async connection(organizationId: string, connectionId: string): Promise<ConnectionEntity> {
    try {
      return await this.connections.get(organizationId, connectionId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new BadUserInputError(`connectionId ${connectionId} is not a connection of this organization`, 'connectionId');
      throw error;
    }
  }

  async check(connection: ConnectionEntity, action: string, inputTemplate: unknown): Promise<ActionDefinition> {
    const definition = await this.runtime.definitionOf(connection);
    const declared = definition?.actions.find((a) => a.name === action);
    if (!definition || !declared || !definition.handler?.actions[action]) {
      const known = definition?.actions.map((a) => a.name).join(', ') || 'none';
      throw new BadUserInputError(`Unknown action "${action}" for ${connection.connectorKey} (actions: ${known})`, 'action');
    }
    const templated = checkInputTemplate(inputTemplate);
    this.schemaCheck.check(declared.inputSchema, inputTemplate, templated);
    return declared;
  }
}
