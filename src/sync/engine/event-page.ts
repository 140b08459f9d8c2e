import type { ConnectorBinding } from '../../connections/connector-runtime';
import type { ListPage } from '../../connectors/connector.handler';

/** The one page an event's run reads: the record the event carries or names, or its deletion, with the provider's version. */
export type EventPage = ListPage;

/**
 * The connection's binding whose list answers the event's page, whatever is asked: the run then
 * maps, matches, writes and links that record exactly as a run reading the provider would, and
 * nothing is re-listed. Everything else (get, create, update) is the connector's own.
 */
export function onePageBinding(binding: ConnectorBinding, page: EventPage): ConnectorBinding {
  const handler = Object.create(binding.handler) as ConnectorBinding['handler'];
  handler.list = () => Promise.resolve(page);
  return { ...binding, handler };
}
