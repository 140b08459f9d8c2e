import { FieldType } from '../../connectors/connector.enums';
import type { ProviderConventions } from '../provider.module';

/**
 * Stripe's amounts are integers in minor units and its timestamps Unix seconds
 * (https://docs.stripe.com/api), so the suggester picks CENTS_TO_DECIMAL and DATE_FORMAT. It
 * declares amounts CURRENCY; with integer samples they read as minor units only when INTEGER.
 */
export const stripeConventions: ProviderConventions = {
  samples: { CURRENCY: [1999, 250000], DATETIME: [1700000000, 1710000000] },
  types: { CURRENCY: FieldType.INTEGER },
};
