import type { ProviderConventions } from '../provider.module';

/** Slack's timestamps are Unix seconds, so the suggester picks DATE_FORMAT. */
export const slackConventions: ProviderConventions = {
  samples: { DATETIME: [1700000000] },
};
