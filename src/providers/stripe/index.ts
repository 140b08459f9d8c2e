import type { ProviderModule } from '../provider.module';
import { stripe } from './stripe.connector';
import { stripeConventions } from './stripe.conventions';
import { STRIPE_KNOWLEDGE } from './stripe.knowledge';
import { stripeVerifier } from './stripe.verifier';
import { stripeEventChange } from './stripe.event-change';

export const stripeProvider: ProviderModule = {
  key: 'stripe',
  connector: stripe,
  verifier: stripeVerifier,
  knowledge: STRIPE_KNOWLEDGE,
  conventions: stripeConventions,
  eventChange: stripeEventChange,
};
