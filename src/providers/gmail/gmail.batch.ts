import { randomBytes } from 'node:crypto';
import type { ConnectorCall } from '../../connectors/connector.handler';

/**
 * Gmail's batch endpoint (https://developers.google.com/gmail/api/guides/batch): up to 100 calls
 * in one `POST /batch/gmail/v1`, a multipart/mixed body whose parts (Content-Type:
 * application/http, a Content-ID) each hold one HTTP request with only the URL's path; the answer
 * is multipart/mixed too, one `HTTP/1.1 <status>` response per part, paired to its call by
 * Content-ID `response-<id>` (the calls may be answered in any order). Google advises at most 50
 * a batch, and counts a batch of n calls as n requests against the quota: so does the budget.
 */
export const BATCH_SIZE = 50;

export interface BatchAnswer {
  status: number;
  body: unknown;
}

/** The batch URL beside the API's base (`…/gmail/v1` → `…/batch/gmail/v1`), and the inner calls' path prefix. */
function batchTarget(baseUrl: string): { url: string; prefix: string } {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const api = /\/gmail\/v1$/.exec(prefix) ? prefix.slice(0, -'/gmail/v1'.length) : prefix;
  return { url: `${base.origin}${api}/batch/gmail/v1`, prefix };
}

function requestBody(boundary: string, prefix: string, paths: string[]): string {
  const parts = paths.map((path, i) => `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${i}>\r\n\r\nGET ${prefix}${path}\r\n\r\n`);
  return `${parts.join('')}--${boundary}--\r\n`;
}

/** The parts of a multipart/mixed answer, each as its Content-ID and the HTTP response it holds. */
export function parseBatchResponse(text: string, contentType: string | null): Map<string, BatchAnswer> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  const answers = new Map<string, BatchAnswer>();
  if (!boundary) return answers;
  for (const part of text.split(`--${boundary}`)) {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    const id = /^content-id:\s*<?response-([^>\s]+)>?/im.exec(head)?.[1];
    const http = rest.join('\r\n\r\n');
    const status = /^HTTP\/[\d.]+\s+(\d{3})/m.exec(http);
    if (!id || !status) continue;
    const json = http
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\r\n\r\n')
      .trim();
    let body: unknown = json;
    try {
      body = json ? JSON.parse(json) : null;
    } catch {
      // keep the text: an error page the caller reports as is
    }
    answers.set(id, { status: Number(status[1]), body });
  }
  return answers;
}

/**
 * GETs of `paths` (under the API's base) in one batch request; answers in the order of `paths`,
 * a call the answer does not mention counting as a 503, which the caller retries by itself.
 */
export async function batchGet<T>(call: ConnectorCall, paths: string[]): Promise<(BatchAnswer & { body: T | unknown })[]> {
  if (!paths.length) return [];
  const boundary = `batch_hotcrm_${randomBytes(12).toString('hex')}`;
  const { url, prefix } = batchTarget(call.baseUrl);
  const response = await call.request<string>({
    method: 'POST',
    path: url,
    text: requestBody(boundary, prefix, paths),
    headers: { 'content-type': `multipart/mixed; boundary=${boundary}`, accept: 'multipart/mixed' },
    cost: paths.length,
    // Reads only: sending the batch twice changes nothing.
    idempotent: true,
  });
  const answers = parseBatchResponse(typeof response.body === 'string' ? response.body : '', response.headers.get('content-type'));
  return paths.map((_, i) => answers.get(`item${i}`) ?? { status: 503, body: null });
}
