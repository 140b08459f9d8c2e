import type { ChangeNotice, ChangeTopic } from '../realtime/change-notice';
import { requireScopes } from './auth-guard';
import { GraphQLContext, orgOf } from './context';

/**
 * The subscribe half of a row-streaming subscription: checks scope once at subscribe time, then
 * passes only the caller's organization's notices, narrowed to one parent when asked.
 */
export function subscribeToChanges(topic: ChangeTopic, scope: string, parentArg: string) {
  return ({ args, context }: { args: Record<string, unknown>; context: GraphQLContext }) => {
    requireScopes(context, [scope]);
    const organizationId = orgOf(context);
    const parentId = args[parentArg] as string | null | undefined;
    return context.pubsub.subscribe(
      topic,
      (notice: ChangeNotice) => notice.organizationId === organizationId && (!parentId || notice.parentId === parentId || notice.id === parentId),
    );
  };
}

const loadedRows = new WeakMap<ChangeNotice, Promise<unknown>>();

/**
 * One load per notice, shared by every subscriber it reaches (they all passed the same
 * organization filter): a NOTIFY to 1,000 dashboards is one SELECT, not 1,000.
 */
export function sharedRow<T>(notice: ChangeNotice, load: () => Promise<T>): Promise<T> {
  let row = loadedRows.get(notice) as Promise<T> | undefined;
  if (!row) {
    row = load();
    loadedRows.set(notice, row);
  }
  return row;
}
