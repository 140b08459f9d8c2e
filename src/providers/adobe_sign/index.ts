import type { ProviderModule } from '../provider.module';
import { adobeSignEventChange } from './adobe_sign.event-change';
import { adobeSignSignedDocuments } from './adobe_sign.signed-document';
import { adobeSign } from './adobe_sign.connector';
import { ADOBE_SIGN_KNOWLEDGE } from './adobe_sign.knowledge';
import { adobeSignVerifier } from './adobe_sign.verifier';

export const adobeSignProvider: ProviderModule = {
  key: 'adobe_sign',
  connector: adobeSign,
  verifier: adobeSignVerifier,
  eventChange: adobeSignEventChange,
  knowledge: ADOBE_SIGN_KNOWLEDGE,
  signedDocuments: adobeSignSignedDocuments,
};
