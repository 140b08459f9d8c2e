import type { ProviderModule } from '../provider.module';
import { quickbooks } from './quickbooks.connector';
import { QUICKBOOKS_KNOWLEDGE } from './quickbooks.knowledge';
import { quickbooksVerifier } from './quickbooks.verifier';
import { quickbooksEventChange } from './quickbooks.event-change';

export const quickbooksProvider: ProviderModule = {
  key: 'quickbooks',
  connector: quickbooks,
  verifier: quickbooksVerifier,
  knowledge: QUICKBOOKS_KNOWLEDGE,
  eventChange: quickbooksEventChange,
};
