import type { ProviderModule } from '../provider.module';
import { docusignSignedDocuments } from './docusign.signed-document';
import { docusign } from './docusign.connector';
import { DOCUSIGN_KNOWLEDGE } from './docusign.knowledge';
import { docusignVerifier } from './docusign.verifier';

export const docusignProvider: ProviderModule = {
  key: 'docusign',
  connector: docusign,
  verifier: docusignVerifier,
  knowledge: DOCUSIGN_KNOWLEDGE,
  signedDocuments: docusignSignedDocuments,
};
