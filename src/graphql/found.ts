import { NotFoundError } from '../errors';

/** A row the caller asked for by id: absent and another organization's look the same. */
export function found<T>(row: T | null | undefined, what: string, id: string): T {
  if (row === null || row === undefined) throw new NotFoundError(what, id);
  return row;
}
