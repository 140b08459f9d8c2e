import type { ProviderModule } from '../provider.module';
import { outlook } from './outlook.connector';
import { MICROSOFT_GRAPH_KNOWLEDGE } from '../microsoft-graph/microsoft-graph.knowledge';
import { microsoftGraphVerifier } from '../microsoft-graph/microsoft-graph.verifier';
import { outlookEventChange } from './outlook.event-change';

/** Verifier and knowledge are microsoft-graph's: Graph's change notifications and error codes are the same for Teams and Outlook. */
export const outlookProvider: ProviderModule = {
  key: 'outlook',
  connector: outlook,
  verifier: microsoftGraphVerifier,
  knowledge: MICROSOFT_GRAPH_KNOWLEDGE,
  eventChange: outlookEventChange,
};
