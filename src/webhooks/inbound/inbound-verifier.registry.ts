import { adobeSignVerifier } from './adobe-sign.verifier';
import { docusignVerifier } from './docusign.verifier';
import type { InboundVerifier } from './inbound-verifier';
import { microsoftGraphVerifier } from './microsoft-graph.verifier';
import { paypalVerifier } from './paypal.verifier';
import { quickbooksVerifier } from './quickbooks.verifier';
import { slackVerifier } from './slack.verifier';
import { stripeVerifier } from './stripe.verifier';

/**
 * The webhook scheme of each built-in connector that has one. Gmail (Pub/Sub push), LinkedIn
 * and custom connectors have none here, so their connections' inbound URL answers 404.
 */
export const INBOUND_VERIFIERS: ReadonlyMap<string, InboundVerifier> = new Map([
  ['stripe', stripeVerifier],
  ['slack', slackVerifier],
  ['docusign', docusignVerifier],
  ['quickbooks', quickbooksVerifier],
  ['teams', microsoftGraphVerifier],
  ['outlook', microsoftGraphVerifier],
  ['adobe_sign', adobeSignVerifier],
  ['paypal', paypalVerifier],
]);
