/**
 * How LinkedIn's versioned REST API is called (learn.microsoft.com/linkedin/marketing/versioning):
 * every /rest call names a monthly version (`LinkedIn-Version: YYYYMM`, kept for about a year) and
 * Rest.li protocol 2.0.0, under which `List(...)` and its commas go unencoded in the query.
 */
// A version LinkedIn documents (li-lms-2026-03); each is served for about a year after release.
export const API_VERSION = '202603';
export const VERSIONED_HEADERS = { 'linkedin-version': API_VERSION, 'x-restli-protocol-version': '2.0.0' };

/** Rest.li finders answer pages of `elements`, paged with start/count (paging.total when known). */
export interface FinderPage<T> {
  elements?: T[];
  paging?: { start: number; count: number; total?: number };
}

/** Errors are {status, serviceErrorCode, code, message} (shared/api-guide/concepts/error-handling). */
export function parseLinkedInError(body: unknown): { code?: string; message?: string } {
  const error = body as { serviceErrorCode?: number; code?: string; message?: string } | null;
  return {
    code: error?.code ?? (error?.serviceErrorCode !== undefined ? String(error.serviceErrorCode) : undefined),
    message: typeof error?.message === 'string' ? error.message : undefined,
  };
}

/** `urn:li:organization:1000` → 1000; null for anything else (a brand, a malformed URN). */
export function organizationIdOf(urn: unknown): number | null {
  const match = typeof urn === 'string' ? /^urn:li:organization:(\d+)$/.exec(urn) : null;
  return match ? Number(match[1]) : null;
}
