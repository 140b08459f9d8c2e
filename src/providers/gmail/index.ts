import type { ProviderModule } from '../provider.module';
import { gmail } from './gmail.connector';
import { GOOGLE_KNOWLEDGE } from './gmail.knowledge';

/** No verifier: Gmail pushes through Google Pub/Sub, not to a connection's inbound URL. */
export const gmailProvider: ProviderModule = {
  key: 'gmail',
  connector: gmail,
  knowledge: GOOGLE_KNOWLEDGE,
};
