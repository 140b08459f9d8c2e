import type { ProviderModule } from '../provider.module';
import { docusignEventChange } from './docusign.event-change';
import { docusignSignedDocuments } from './docusign.signed-document';
import { docusign } from './docusign.connector';
import { DOCUSIGN_KNOWLEDGE } from './docusign.knowledge';
import { docusignVerifier } from './docusign.verifier';

export const docusignProvider: ProviderModule = {
  key: 'docusign',
  connector: docusign,
  verifier: docusignVerifier,
  eventChange: docusignEventChange,
  knowledge: DOCUSIGN_KNOWLEDGE,
  signedDocuments: docusignSignedDocuments,
};
