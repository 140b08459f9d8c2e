// Resolvers first, in this order: type-graphql lists types and fields in the order their classes load, so
// the printed schema keeps its order (schema/integration.graphql).
import { IntegrationAlertResolver } from './insights/integration-alert.resolver';
import { SyncInsightsResolver } from './insights/sync-insights.resolver';
import { IntegrationHealthResolver } from './health/integration-health.resolver';
import { ExplainErrorResolver } from './knowledge/explain-error.resolver';
import { TroubleshootResolver } from './troubleshoot/troubleshoot.resolver';
import { SuggestResolver } from './suggest/suggest.resolver';
import type { CapabilityModule } from '../graphql/capability-module';
import type { IntegrationHealthService } from './health/integration-health.service';
import type { SyncInsightsService } from './insights/sync-insights.service';
import type { ErrorExplainerService } from './knowledge/error-explainer.service';
import type { SuggestService } from './suggest/suggest.service';
import type { TroubleshootService } from './troubleshoot/troubleshoot.service';

/**
 * Intelligence: mapping suggestions, run insights and alerts, health, error explanations and
 * troubleshooting. It reads the other capabilities' tables and owns only integration_alert
 * (raw SQL, no ORM entity).
 */
export const intelligenceModule = {
  resolvers: [SyncInsightsResolver, IntegrationAlertResolver, IntegrationHealthResolver, TroubleshootResolver, ExplainErrorResolver, SuggestResolver],
  entities: [],
} satisfies CapabilityModule;

declare module '../graphql/context' {
  interface Services {
    suggestions: SuggestService;
    syncInsights: SyncInsightsService;
    integrationHealth: IntegrationHealthService;
    troubleshooting: TroubleshootService;
    errorExplainer: ErrorExplainerService;
  }
}
