import type { CapabilityModule } from '../graphql/capability-module';

/**
 * Open tracking of sent mail: the tracked_email table, the pixel route (tracking-pixel.router.ts,
 * mounted by src/app.ts) and the service sendEmail / sendMail reach through ActionRunOptions.
 * No GraphQL of its own: opens show as email.opened events and as activities' openedAt.
 */
export const trackingModule = {
  resolvers: [],
  entities: [],
} satisfies CapabilityModule;

export { OpenTrackingService } from './open-tracking.service';
export { trackingPixelRouter } from './tracking-pixel.router';
export { openedAtOfMessages } from './sql/opened-at-of-messages';
