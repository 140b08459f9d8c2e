import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EmailOpenTracking, MailSender, OpenTrackingPixel, TrackedMessage } from '../connectors/open-tracking';
import type { EventRecorder } from '../events/event-recorder';
import { connectionLinkScope } from './sql/connection-link-scope';
import { countOpen, CountedOpen } from './sql/count-open';
import { deleteTrackedEmail } from './sql/delete-tracked-email';
import { insertTrackedEmail } from './sql/insert-tracked-email';
import { markActivitiesOpened } from '../sync/sql/mark-activities-opened';
import { setTrackedMessageId } from './sql/set-tracked-message-id';
import { hashTrackingToken, isWellFormedToken, newTrackingToken } from './tracking-token';

export const EMAIL_OPENED = 'email.opened';

/** The path of a token's pixel under PUBLIC_URL (tracking-pixel.router.ts serves it). */
export const pixelPath = (token: string) => `/t/${token}.gif`;

/**
 * Open tracking for sendEmail (Gmail) and sendMail (Outlook) with `track: true`: each message
 * gets its own token, the pixel URL carries it, and the first fetch of that URL is the open.
 */
export class OpenTrackingService implements EmailOpenTracking {
  private warnedLocal = false;

  constructor(
    private readonly db: DataSource,
    private readonly events: EventRecorder,
    private readonly publicUrl: string,
    private readonly log: Logger,
  ) {}

  async begin(call: MailSender, message: TrackedMessage): Promise<OpenTrackingPixel> {
    if (!this.warnedLocal && /^https?:\/\/(localhost|127\.|\[::1\])/i.test(this.publicUrl)) {
      // The pixel is fetched by recipients' mail clients and image proxies, which cannot reach this.
      this.warnedLocal = true;
      this.log.warn({ publicUrl: this.publicUrl }, 'tracked mail carries a pixel at a local PUBLIC_URL: its opens will not be seen; set PUBLIC_URL');
    }
    const token = newTrackingToken();
    const trackingId = await insertTrackedEmail(this.db, {
      organizationId: call.organizationId,
      connectionId: call.connectionId,
      provider: message.provider,
      tokenHash: hashTrackingToken(token),
      recipients: message.recipients,
      subject: message.subject,
    });
    return { trackingId, pixelUrl: `${this.publicUrl}${pixelPath(token)}` };
  }

  async sent(call: MailSender, trackingId: string, messageId: string): Promise<void> {
    await setTrackedMessageId(this.db, call.organizationId, trackingId, messageId);
  }

  async abandon(call: MailSender, trackingId: string): Promise<void> {
    await deleteTrackedEmail(this.db, call.organizationId, trackingId).catch((error: unknown) =>
      this.log.warn({ trackingId, err: (error as Error).message }, 'could not remove the tracking row of a failed send'),
    );
  }

  /**
   * One fetch of a pixel. A token nobody issued counts nothing (and the caller answers it the
   * same GIF). The first fetch of a known one sets opened_at, records email.opened and marks the
   * message's activities opened, all in one transaction: a crash leaves neither half, and a
   * rolled-back first fetch leaves the next one first. Later fetches only count.
   */
  async open(token: string): Promise<CountedOpen | null> {
    if (!isWellFormedToken(token)) return null;
    return this.db.transaction(async (tx) => {
      const open = await countOpen(tx, hashTrackingToken(token));
      if (!open?.first) return open;
      await this.events.record(
        open.organizationId,
        {
          type: EMAIL_OPENED,
          source: 'hotcrm',
          // Never the token: the event goes to webhooks and lists.
          data: {
            trackingId: open.id,
            messageId: open.messageId,
            provider: open.provider,
            connectionId: open.connectionId,
            recipients: open.recipients,
            subject: open.subject,
            openedAt: open.openedAt.toISOString(),
          },
          occurredAt: open.openedAt,
          idempotencyKey: `${EMAIL_OPENED}:${open.id}`,
        },
        tx,
      );
      if (open.messageId) {
        const scope = await connectionLinkScope(tx, open.organizationId, open.connectionId);
        if (scope) await markActivitiesOpened(tx, scope, open.messageId, open.openedAt);
      }
      return open;
    });
  }
}
