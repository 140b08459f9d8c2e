import type { ActionHandler, ConnectorCall } from '../../connectors/connector.handler';
import { sendTracked } from '../../connectors/send-tracked';
import { buildMime, SendEmailInput } from './gmail.mime';

/** users.messages.send's answer: the Message resource with id, threadId and labelIds. */
interface SentMessage {
  id: string;
  threadId: string;
  labelIds?: string[];
}

async function send(call: ConnectorCall, mime: string, threadId: string | undefined): Promise<SentMessage> {
  const raw = Buffer.from(mime, 'utf8').toString('base64url');
  const json = threadId ? { raw, threadId } : { raw };
  return (await call.request<SentMessage>({ method: 'POST', path: '/users/me/messages/send', json })).body;
}

/**
 * sendEmail: POST users/me/messages/send with the base64url RFC 2822 message
 * (https://developers.google.com/gmail/api/reference/rest/v1/users.messages/send). With
 * `track: true` the body carries the open-tracking pixel and the answer's id is the message's.
 */
export const sendEmail: ActionHandler = async (call, input, options) => {
  const message = input as unknown as SendEmailInput;
  if (!message.track) return send(call, buildMime(message), message.threadId);
  const recipients = [...message.to, ...(message.cc ?? []), ...(message.bcc ?? [])];
  return sendTracked(call, options, { provider: 'gmail', recipients, subject: message.subject }, async (pixelUrl) => {
    const sent = await send(call, buildMime(message, pixelUrl), message.threadId);
    return { messageId: sent.id, result: sent };
  });
};
