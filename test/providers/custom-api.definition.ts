/**
 * How a customer would declare CustomApiServer's API as a custom connector (createConnector's
 * input): one object per paging style, an API key in a header, two actions.
 */
export const fields = (...names: string[]) => [
  { name: 'id', type: 'STRING', required: true },
  ...names.map((name) => ({ name, type: name === 'email' ? 'EMAIL' : 'STRING' })),
];

export const ACME = {
  description: 'Acme CRM, declared as a custom connector.',
  rateLimit: { limit: 50, windowSeconds: 1 },
  auth: { apiKey: { in: 'header', name: 'X-Api-Key' } },
  headers: { 'Acme-Version': '2025-01-01' },
  test: { path: '/v1/me' },
  objects: [
    {
      name: 'contacts',
      updatedAtField: 'updated_at',
      fields: [...fields('name', 'email'), { name: 'updated_at', type: 'DATETIME' }],
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
      name: 'companies',
      fields: fields('name'),
      list: { path: '/v1/companies', recordsPath: 'items', pagination: { style: 'offset', pageSize: 10 } },
      create: { path: '/v1/companies', body: 'form' },
    },
    {
      name: 'deals',
      fields: fields('name'),
      list: {
        path: '/v1/deals',
        recordsPath: 'results',
        pagination: { style: 'page', pageSizeParam: 'per_page', pageSize: 20, totalPagesPath: 'total_pages' },
      },
    },
    { name: 'tickets', fields: fields('name'), list: { path: '/v1/tickets', pagination: { style: 'link', limitParam: 'per_page', pageSize: 15 } } },
  ],
  actions: [
    {
      name: 'addNote',
      description: 'Adds a note to a contact.',
      method: 'POST',
      path: '/v1/contacts/{contactId}/notes',
      resultPath: 'note',
      inputSchema: {
        type: 'object',
        required: ['contactId', 'text'],
        properties: { contactId: { type: 'string' }, text: { type: 'string', minLength: 1 }, pinned: { type: 'boolean' } },
        additionalProperties: false,
      },
    },
    {
      name: 'getContact',
      method: 'GET',
      path: '/v1/contacts/{id}',
      resultPath: 'data',
      inputSchema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } }, additionalProperties: false },
    },
  ],
};

export const acmeInput = (url: string, overrides: Record<string, unknown> = {}) => ({
  key: 'acme',
  name: 'Acme CRM',
  category: 'CRM',
  authTypes: ['API_KEY'],
  baseUrl: url,
  definition: ACME,
  ...overrides,
});
