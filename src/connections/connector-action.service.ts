import type { ConnectorRuntime } from './connector-runtime';
import type { ConnectionService } from './connection.service';
import { BadUserInputError } from '../errors';
import { ActionInputValidator } from '../connectors/action-input.validator';
import type { EmailOpenTracking } from '../connectors/open-tracking';

/** executeConnectorAction: the action must be one the connector declares, its input must match. */
export class ConnectorActionService {
  private readonly validator = new ActionInputValidator();

  constructor(
    private readonly connections: ConnectionService,
    private readonly runtime: ConnectorRuntime,
    /** Offered to mail actions whose input asks for open tracking. */
    private readonly openTracking?: EmailOpenTracking,
  ) {}

  async execute(organizationId: string, connectionId: string, action: string, input: unknown): Promise<unknown> {
    const connection = await this.connections.get(organizationId, connectionId);
    // Checked before binding, so bad input never costs a token refresh or a provider call.
    const definition = await this.runtime.definitionOf(connection);
    const declared = definition?.actions.find((a) => a.name === action);
    const run = definition?.handler?.actions[action];
    if (!definition || !declared || !run) {
      const known = definition?.actions.map((a) => a.name).join(', ') || 'none';
      throw new BadUserInputError(`Unknown action "${action}" for ${connection.connectorKey} (actions: ${known})`, 'action');
    }
    this.validator.check(declared.inputSchema, input);
    const { call } = await this.runtime.bind(connection);
    return run(call, input as Record<string, unknown>, { openTracking: this.openTracking });
  }
}
