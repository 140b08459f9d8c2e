import { BadUserInputError } from '../errors';
import type { ActionRunOptions, ConnectorCall } from './connector.handler';
import type { TrackedMessage } from './open-tracking';

/** A provider's 4xx: it refused the message, so nothing went out. Anything else (a timeout, a reset, a 5xx) may have sent it. */
function refusedByProvider(error: unknown): boolean {
  const status = (error as { name?: unknown; status?: unknown } | null)?.status;
  return (error as Error | null)?.name === 'ProviderError' && typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * A tracked send: registers the message, lets `send` put the pixel URL in the body and send it,
 * and stores the provider's message id. A send the provider refused removes the registration; one
 * whose fate is unknown keeps it, so its opens still count if it did go out. The result gains
 * `trackingId` (never the token, which only the pixel URL in the mail carries).
 */
export async function sendTracked<T extends object>(
  call: ConnectorCall,
  options: ActionRunOptions | undefined,
  message: TrackedMessage,
  send: (pixelUrl: string) => Promise<{ messageId: string; result: T }>,
): Promise<T & { trackingId: string }> {
  const tracking = options?.openTracking;
  if (!tracking)
    throw new BadUserInputError('Open tracking (track: true) is not available where this action runs; send through executeConnectorAction', 'track');
  const pixel = await tracking.begin(call, message);
  let sent: { messageId: string; result: T };
  try {
    sent = await send(pixel.pixelUrl);
  } catch (error) {
    if (refusedByProvider(error)) await tracking.abandon(call, pixel.trackingId);
    throw error;
  }
  await tracking.sent(call, pixel.trackingId, sent.messageId);
  return { ...sent.result, trackingId: pixel.trackingId };
}
