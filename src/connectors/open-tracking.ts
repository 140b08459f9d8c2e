/** Whose mail it is: a ConnectorCall is one (named structurally, so this file imports nothing and connector.handler.ts can name it). */
export interface MailSender {
  organizationId: string;
  connectionId: string;
}

/**
 * What a mail-sending action needs for open tracking (`track: true`), implemented by
 * src/tracking/: the interface lives in the connector runtime so providers reach it through
 * ActionRunOptions without importing a capability.
 */
export interface EmailOpenTracking {
  /**
   * Registers a message about to be sent under a new unguessable token (only its SHA-256 is
   * stored) and answers the pixel's URL, which carries the token, and the tracking id, which
   * does not and is what callers may see.
   */
  begin(call: MailSender, message: TrackedMessage): Promise<OpenTrackingPixel>;
  /** The provider accepted the message: its id there, which activities and events name. */
  sent(call: MailSender, trackingId: string, messageId: string): Promise<void>;
  /** The send failed: the pixel is never delivered, so its row goes. */
  abandon(call: MailSender, trackingId: string): Promise<void>;
}

export interface TrackedMessage {
  /** The connector key (gmail, outlook). */
  provider: string;
  /** To, Cc and Bcc addresses. */
  recipients: string[];
  subject: string;
}

export interface OpenTrackingPixel {
  trackingId: string;
  pixelUrl: string;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The pixel as the last element of the body: before `</body>` when the HTML has one, else before
 * `</html>`, else at the end. alt="" keeps it out of screen readers, the size out of sight.
 */
export function withPixel(html: string, pixelUrl: string): string {
  const img = `<img src="${escapeHtml(pixelUrl)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  const lower = html.toLowerCase();
  const body = lower.lastIndexOf('</body>');
  const close = body >= 0 ? body : lower.lastIndexOf('</html>');
  return close < 0 ? `${html}${img}` : `${html.slice(0, close)}${img}${html.slice(close)}`;
}

/** Plain text as HTML that reads the same: escaped, line breaks and runs of spaces kept. */
export function textAsHtml(text: string): string {
  return `<div style="white-space:pre-wrap">${escapeHtml(text)}</div>`;
}
