import { createHash, randomUUID } from 'node:crypto';
import type { CallResponse, ConnectorCall, ConnectorRecord, PreviousCall } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { BadUserInputError } from '../../errors';

/** Delta pages read while looking for an interrupted run's card (Graph's $top is at most 50). */
const MAX_DELTA_PAGES = 10;
const DELTA_PAGE_SIZE = 50;

interface DeltaPage {
  value?: ConnectorRecord[];
  '@odata.nextLink'?: string;
}

/** Where a card goes: the input's team and channel, else the connection's. */
export function cardTarget(call: ConnectorCall, input: Record<string, unknown>): { team: string; channel: string } {
  const team = (input.teamId as string | undefined) ?? (call.config.teamId as string | undefined);
  const channel = (input.channelId as string | undefined) ?? (call.config.channelId as string | undefined);
  if (!team) throw new BadUserInputError('teamId is required (or config.teamId on the connection)', 'input.teamId');
  if (!channel) throw new BadUserInputError('channelId is required (or config.channelId on the connection)', 'input.channelId');
  return { team, channel };
}

/**
 * The card attachment's id. Graph wants it unique in the message and the same in the body's
 * <attachment id="…"> and in attachments[] ("can be a new randomly generated GUID",
 * learn.microsoft.com/graph/api/chatmessage-post Example 3), and keeps it on the stored message.
 * With an idempotency key (an automation run) it is derived from the key, so the message an
 * interrupted attempt posted can be recognised later; otherwise random.
 */
export function cardAttachmentId(idempotencyKey?: string): string {
  if (!idempotencyKey) return randomUUID().replace(/-/g, '');
  return createHash('sha256').update(`hotcrm-automation-run:${idempotencyKey}`).digest('hex').slice(0, 32);
}

/**
 * Whether sendAdaptiveCard with this key took effect at or after `since`: the channel's messages
 * changed since then (GET …/messages/delta?$filter=lastModifiedDateTime gt …, as
 * learn.microsoft.com/graph/api/chatmessage-delta documents; ChannelMessage.Read.All), looking
 * for the attachment id the key gives.
 */
export async function findPostedCard(call: ConnectorCall, input: Record<string, unknown>, key: string, since: Date): Promise<PreviousCall> {
  const { team, channel } = cardTarget(call, input);
  const attachmentId = cardAttachmentId(key);
  // A second of slack for clocks: Graph's times are its own, the attempt's start is ours.
  const from = new Date(since.getTime() - 1000).toISOString();
  let path: string | undefined = `/teams/${encodeURIComponent(team)}/channels/${encodeURIComponent(channel)}/messages/delta`;
  let query: Record<string, string | number> | undefined = { $filter: `lastModifiedDateTime gt ${from}`, $top: DELTA_PAGE_SIZE };
  try {
    for (let page = 0; page < MAX_DELTA_PAGES && path; page++) {
      const response: CallResponse<DeltaPage | null> = await call.request<DeltaPage | null>({ method: 'GET', path, query });
      const body = response.body;
      const message = (body?.value ?? []).find((m: ConnectorRecord) =>
        ((m.attachments as { id?: unknown }[] | undefined) ?? []).some((a) => a.id === attachmentId),
      );
      if (message) return { found: true, result: message };
      // Next links are absolute and carry their own query; only the connection's own base is followed.
      const next: string | undefined = body?.['@odata.nextLink'];
      path = next && next.startsWith(call.baseUrl) ? next : undefined;
      query = undefined;
    }
    return path ? { unknown: `more than ${MAX_DELTA_PAGES * DELTA_PAGE_SIZE} messages changed since the attempt` } : { found: false };
  } catch (error) {
    return { unknown: error instanceof ProviderError ? error.message : String(error) };
  }
}
