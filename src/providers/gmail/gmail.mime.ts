import { randomBytes } from 'node:crypto';
import { textAsHtml, withPixel } from '../../connectors/open-tracking';

/** RFC 2047 encoded-words for a non-ASCII header, each under the 75-character limit, folded. */
function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

export interface SendEmailInput {
  to: string[];
  cc?: string[];
  bcc?: string[];
  from?: string;
  subject: string;
  body: string;
  contentType?: 'text/plain' | 'text/html';
  threadId?: string;
  /** Adds an open-tracking pixel (sendTracked). */
  track?: boolean;
}

/** A part's headers and its base64 body, so any UTF-8 text survives. */
function part(contentType: string, text: string): string {
  const body = Buffer.from(text, 'utf8')
    .toString('base64')
    .replace(/.{1,76}/g, '$&\r\n');
  return `Content-Type: ${contentType}; charset="UTF-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}`;
}

/**
 * The body of a tracked message. HTML gets the pixel before </body>. Plain text becomes
 * multipart/alternative: the text as written for clients that show text, and the same text as
 * HTML with the pixel for those that show HTML (the ones that load images at all).
 */
function trackedBody(input: SendEmailInput, pixelUrl: string): string {
  if (input.contentType === 'text/html') return part('text/html', withPixel(input.body, pixelUrl));
  const boundary = `hotcrm_${randomBytes(12).toString('hex')}`;
  return (
    `Content-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n` +
    `--${boundary}\r\n${part('text/plain', input.body)}\r\n` +
    `--${boundary}\r\n${part('text/html', withPixel(textAsHtml(input.body), pixelUrl))}\r\n` +
    `--${boundary}--\r\n`
  );
}

/** The RFC 2822 message messages.send takes: headers, then the body part(s); with `pixelUrl`, the tracked body. */
export function buildMime(input: SendEmailInput, pixelUrl?: string): string {
  const headers = [
    ...(input.from ? [`From: ${input.from}`] : []),
    `To: ${input.to.join(', ')}`,
    ...(input.cc?.length ? [`Cc: ${input.cc.join(', ')}`] : []),
    ...(input.bcc?.length ? [`Bcc: ${input.bcc.join(', ')}`] : []),
    `Subject: ${encodeHeader(input.subject)}`,
    'MIME-Version: 1.0',
  ];
  const body = pixelUrl ? trackedBody(input, pixelUrl) : part(input.contentType ?? 'text/plain', input.body);
  return `${headers.join('\r\n')}\r\n${body}`;
}
