import type { ProviderModule } from '../provider.module';
import { slack } from './slack.connector';
import { slackConventions } from './slack.conventions';
import { SLACK_KNOWLEDGE } from './slack.knowledge';
import { slackVerifier } from './slack.verifier';

export const slackProvider: ProviderModule = {
  key: 'slack',
  connector: slack,
  verifier: slackVerifier,
  knowledge: SLACK_KNOWLEDGE,
  conventions: slackConventions,
};
