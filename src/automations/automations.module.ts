// Resolvers first, in this order: type-graphql lists types and fields in the order their classes load, so
// the printed schema keeps its order (schema/integration.graphql).
import { AutomationResolver } from './automation.resolver';
import { AutomationRunResolver } from './automation-run.resolver';
import { AutomationMutationsResolver } from './automation.mutations.resolver';
import type { DataSource } from 'typeorm';
import type { CapabilityModule } from '../graphql/capability-module';
import { byId } from '../graphql/loader-kit';
import { mapped, ownedReference } from '../graphql/owned-reference';
import { READ_SCOPE } from '../graphql/scopes';
import { AutomationRunEntity } from './automation-run.entity';
import { automationRunQueue } from './automation-run.job';
import { AutomationEntity } from './automation.entity';
import { toAutomation, toAutomationRun } from './automation.mappers';
import type { AutomationService } from './automation.service';

/** Automations: event → connector action rules, and their runs. */
export const automationLoaders = (db: DataSource, organizationId: string) => ({
  automation: byId(db, AutomationEntity, organizationId),
  automationRun: byId(db, AutomationRunEntity, organizationId),
});

export const automationsModule = {
  resolvers: [AutomationResolver, AutomationRunResolver, AutomationMutationsResolver],
  entities: [AutomationEntity, AutomationRunEntity],
  loaders: automationLoaders,
  references: {
    Automation: ownedReference(READ_SCOPE.automations, async (ctx, id) => mapped(await ctx.loaders.automation.load(id), toAutomation)),
    AutomationRun: ownedReference(READ_SCOPE.automations, async (ctx, id) => mapped(await ctx.loaders.automationRun.load(id), toAutomationRun)),
  },
  queues: { automationRun: automationRunQueue },
} satisfies CapabilityModule;

declare module '../graphql/context' {
  interface Services {
    automations: AutomationService;
  }
  interface Loaders extends ReturnType<typeof automationLoaders> {}
}
