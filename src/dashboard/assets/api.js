// GraphQL over HTTP and over graphql-ws, authenticated with the operator's API key.

/** An error the API answered with; `unauthenticated` sends the operator back to the key form. */
export class ApiError extends Error {
  constructor(errors, status) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
    this.unauthenticated = status === 401 || errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  }
}

export function createApi(key, onSocketState) {
  const authorization = `Bearer ${key}`;

  // content-type application/json is what Apollo's CSRF prevention asks of a browser request.
  async function request(query, variables) {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }));
    if (body.errors?.length) throw new ApiError(body.errors, response.status);
    return body.data;
  }

  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  // Opened by the first subscription, once the key has loaded the page over HTTP.
  let socket = null;
  const connect = () =>
    (socket ??= window.graphqlWs.createClient({
      url,
      connectionParams: { authorization },
      lazy: false,
      // Keep trying through restarts and deploys; the page is meant to stay open.
      retryAttempts: Infinity,
      shouldRetry: () => true,
      on: {
        connected: () => onSocketState('live'),
        closed: () => onSocketState('offline'),
        connecting: () => onSocketState('connecting'),
      },
    }));

  /** Subscribes; `onData` gets each payload's data. Returns the unsubscribe function. */
  function live(query, onData, onError) {
    return connect().subscribe({ query }, {
      next: (message) => (message.errors ? onError(new ApiError(message.errors)) : onData(message.data)),
      error: (error) => onError(Array.isArray(error) ? new ApiError(error) : new Error(String(error?.reason || error?.message || error))),
      complete: () => undefined,
    });
  }

  return { request, live, close: () => socket?.dispose() };
}
