import type { ProviderModule } from '../provider.module';
import { paypal } from './paypal.connector';
import { PAYPAL_KNOWLEDGE } from './paypal.knowledge';
import { paypalVerifier } from './paypal.verifier';

export const paypalProvider: ProviderModule = {
  key: 'paypal',
  connector: paypal,
  verifier: paypalVerifier,
  knowledge: PAYPAL_KNOWLEDGE,
};
