import type { ProviderModule } from '../provider.module';
import { linkedin } from './linkedin.connector';
import { LINKEDIN_KNOWLEDGE } from './linkedin.knowledge';

/** No verifier: the connector polls; LinkedIn has no webhook scheme here. */
export const linkedinProvider: ProviderModule = {
  key: 'linkedin',
  connector: linkedin,
  knowledge: LINKEDIN_KNOWLEDGE,
};
