import type { ActionHandler, ConnectorCall } from '../../connectors/connector.handler';
import { textAsHtml, withPixel } from '../../connectors/open-tracking';
import { sendTracked } from '../../connectors/send-tracked';

export interface SendMailInput {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
  contentType?: 'Text' | 'HTML';
  saveToSentItems?: boolean;
  /** Adds an open-tracking pixel (sendTracked). */
  track?: boolean;
}

const recipients = (addresses: string[] | undefined) => (addresses ?? []).map((address) => ({ emailAddress: { address } }));

/**
 * Graph's ids of Outlook items change when they move between folders (a sent draft moves to
 * Sent Items); with this preference the id stays the item's for its life in the mailbox, so the
 * id the draft got is the sent message's (https://learn.microsoft.com/graph/outlook-immutable-id).
 */
const IMMUTABLE_IDS = { prefer: 'IdType="ImmutableId"' };

function messageOf(mail: SendMailInput, body: { contentType: 'Text' | 'HTML'; content: string }) {
  return {
    subject: mail.subject,
    body,
    toRecipients: recipients(mail.to),
    ...(mail.cc?.length ? { ccRecipients: recipients(mail.cc) } : {}),
    ...(mail.bcc?.length ? { bccRecipients: recipients(mail.bcc) } : {}),
  };
}

/**
 * A tracked message: POST /me/messages creates the draft (201 with the message, its id
 * immutable), POST /me/messages/{id}/send sends it (202, no body) and keeps it in Sent Items
 * (https://learn.microsoft.com/graph/api/user-post-messages, .../message-send). /me/sendMail
 * cannot be used: its 202 carries no id. Plain text goes as HTML, since only HTML carries an image.
 */
async function sendDraft(call: ConnectorCall, mail: SendMailInput, pixelUrl: string): Promise<string> {
  const html = withPixel(mail.contentType === 'HTML' ? mail.body : textAsHtml(mail.body), pixelUrl);
  const { body: draft } = await call.request<{ id: string }>({
    method: 'POST',
    path: '/me/messages',
    json: messageOf(mail, { contentType: 'HTML', content: html }),
    headers: IMMUTABLE_IDS,
  });
  const path = `/me/messages/${encodeURIComponent(draft.id)}`;
  try {
    await call.request({ method: 'POST', path: `${path}/send`, headers: IMMUTABLE_IDS });
  } catch (error) {
    // A draft that was never sent would sit in Drafts with a pixel of a message that does not exist.
    await call.request({ method: 'DELETE', path, headers: IMMUTABLE_IDS }).catch(() => undefined);
    throw error;
  }
  return draft.id;
}

/** sendMail: POST /me/sendMail (202 Accepted, no body); with `track: true` a draft sent with the pixel. */
export const sendMail: ActionHandler = async (call, input, options) => {
  const mail = input as unknown as SendMailInput;
  if (mail.track) {
    const tracked = { provider: 'outlook', recipients: [...mail.to, ...(mail.cc ?? []), ...(mail.bcc ?? [])], subject: mail.subject };
    return sendTracked(call, options, tracked, async (pixelUrl) => {
      const messageId = await sendDraft(call, mail, pixelUrl);
      return { messageId, result: { accepted: true, messageId } };
    });
  }
  const message = messageOf(mail, { contentType: mail.contentType ?? 'Text', content: mail.body });
  // Graph answers 202 Accepted with no body: the message is queued for delivery.
  const { status } = await call.request({ method: 'POST', path: '/me/sendMail', json: { message, saveToSentItems: mail.saveToSentItems ?? true } });
  return { accepted: status === 202 || status === 200 };
};
