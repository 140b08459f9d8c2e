import { TRIGGER, waitForRunEnd, type Gql } from './sync-fixtures';

/**
 * Acme (test/providers/custom-api.server.ts) declared as a custom connector whose collections fill
 * the CRM objects beyond the first four: its contacts are prospects (lead), its tickets support
 * cases (case, with the company they are about), its people directory is staff (employee), its
 * deals are signed agreements (contract), its companies are accounts (for the references).
 */
const field = (name: string, type = 'STRING') => ({ name, type });

export const DESK = {
  description: 'Acme, declared as a custom connector: prospects, tickets, staff, agreements.',
  auth: { apiKey: { in: 'header', name: 'X-Api-Key' } },
  test: { path: '/v1/me' },
  objects: [
    {
      name: 'companies',
      fields: [{ name: 'id', type: 'STRING', required: true }, field('name'), field('website', 'URL')],
      list: { path: '/v1/companies', recordsPath: 'items', pagination: { style: 'offset', pageSize: 10 } },
    },
    {
      name: 'contacts',
      updatedAtField: 'updated_at',
      fields: [
        { name: 'id', type: 'STRING', required: true },
        field('first_name'),
        field('last_name'),
        field('email', 'EMAIL'),
        field('company_name'),
        field('stage'),
        field('updated_at', 'DATETIME'),
      ],
      list: {
        path: '/v1/contacts',
        recordsPath: 'data',
        sinceParam: 'updated_since',
        pagination: { style: 'cursor', cursorParam: 'cursor', nextCursorPath: 'meta.next_cursor', limitParam: 'limit', pageSize: 25 },
      },
      get: { path: '/v1/contacts/{id}', recordPath: 'data' },
      create: { path: '/v1/contacts', wrapIn: 'contact', recordPath: 'data' },
      update: { path: '/v1/contacts/{id}', method: 'PATCH', wrapIn: 'contact', recordPath: 'data' },
    },
    {
      name: 'tickets',
      fields: [
        { name: 'id', type: 'STRING', required: true },
        field('number'),
        field('subject'),
        field('body'),
        field('priority'),
        field('state'),
        field('company_id'),
      ],
      list: { path: '/v1/tickets', pagination: { style: 'link', limitParam: 'per_page', pageSize: 15 } },
    },
    {
      name: 'people',
      fields: [
        { name: 'id', type: 'STRING', required: true },
        field('first_name'),
        field('last_name'),
        field('work_email', 'EMAIL'),
        field('job_title'),
        field('department'),
        field('hire_date', 'DATE'),
        field('employee_type'),
      ],
      list: { path: '/v1/people', recordsPath: 'items', pagination: { style: 'offset', pageSize: 10 } },
    },
    {
      name: 'deals',
      fields: [{ name: 'id', type: 'STRING', required: true }, field('name'), field('stage'), field('company_id')],
      list: {
        path: '/v1/deals',
        recordsPath: 'results',
        pagination: { style: 'page', pageSizeParam: 'per_page', pageSize: 20, totalPagesPath: 'total_pages' },
      },
    },
  ],
};

export const deskInput = (url: string) => ({ key: 'acme_desk', name: 'Acme Desk', category: 'CRM', authTypes: ['API_KEY'], baseUrl: url, definition: DESK });

/** An Acme Desk prospect (its `contacts`) as a HotCRM lead: the rules both lead tests sync with. */
export const PROSPECT_AS_LEAD = [
  { sourceField: 'first_name', targetField: 'first_name' },
  { sourceField: 'last_name', targetField: 'last_name' },
  { sourceField: 'email', targetField: 'email' },
  { sourceField: 'company_name', targetField: 'company' },
  { sourceField: 'stage', targetField: 'status' },
];

export const REF = (object: string) => ({ type: 'REFERENCE', params: { object } });

const RUN = `query($id: ID!) { syncRun(id: $id) { id status mode recordsProcessed recordsCreated recordsUpdated recordsFailed recordsMatched errorDetails
  logs(first: 50) { level code message } } }`;

/** Connector, connection, mappings, configs and runs through GraphQL, failing the test on any error. */
export function syncKit(gql: Gql) {
  const ok = async (query: string, variables: Record<string, unknown>) => {
    const res = await gql(query, variables);
    if (res.errors) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(res.errors)}`);
    return res.data;
  };
  return {
    async declareDesk(url: string, apiKey: string): Promise<string> {
      await ok('mutation($input: CreateConnectorInput!) { createConnector(input: $input) { id } }', { input: deskInput(url) });
      const data = await ok('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
        input: { connectorKey: 'acme_desk', name: 'Acme Desk', credentials: { apiKey } },
      });
      return data.createConnection.id as string;
    },
    async connect(input: Record<string, unknown>): Promise<string> {
      return (await ok('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input })).createConnection.id;
    },
    /** A mapping and a manual config between the two objects; returns the config's id. */
    async config(connectionId: string, sourceObject: string, targetObject: string, rules: unknown[], direction = 'INBOUND'): Promise<string> {
      const mapping = await ok('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
        input: { name: `${sourceObject} → ${targetObject} (${direction})`, sourceObject, targetObject, rules },
      });
      const config = await ok('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
        input: {
          name: `${sourceObject} → ${targetObject} (${direction})`,
          connectionId,
          sourceObject,
          targetObject,
          direction,
          frequency: 'manual',
          fieldMappingId: mapping.createFieldMapping.id,
        },
      });
      return config.createSyncConfig.id;
    },
    async run(configId: string, mode?: string) {
      const started = await ok(TRIGGER, { id: configId, mode });
      return waitForRunEnd(gql, started.triggerSync.id, 30_000, RUN);
    },
  };
}
