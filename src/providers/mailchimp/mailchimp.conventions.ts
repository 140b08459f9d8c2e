import type { ProviderConventions } from '../provider.module';

/** Mailchimp's times are ISO 8601 with an offset ("2015-09-15T14:40:36+00:00"). */
export const mailchimpConventions: ProviderConventions = {
  samples: { DATETIME: ['2025-09-15T14:40:36+00:00'] },
};
