import type { ProviderModule } from '../provider.module';
import { mailchimp } from './mailchimp.connector';
import { mailchimpConventions } from './mailchimp.conventions';
import { mailchimpEventChange } from './mailchimp.event-change';
import { MAILCHIMP_KNOWLEDGE } from './mailchimp.knowledge';
import { mailchimpVerifier } from './mailchimp.verifier';

export const mailchimpProvider: ProviderModule = {
  key: 'mailchimp',
  connector: mailchimp,
  verifier: mailchimpVerifier,
  knowledge: MAILCHIMP_KNOWLEDGE,
  conventions: mailchimpConventions,
  eventChange: mailchimpEventChange,
};
