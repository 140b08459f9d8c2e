import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { GraphQLContext } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { sharedRow, subscribeToChanges } from '../graphql/subscription-filter';
import type { ChangeNotice } from '../realtime/change-notice';
import { IntegrationEvent } from '../webhooks/integration-event.type';
import { toIntegrationEvent } from '../webhooks/webhook.mappers';
import { toAutomation, toAutomationRun } from './automation.mappers';
import { Automation, AutomationRun } from './automation.type';

@Resolver(() => AutomationRun)
export class AutomationRunResolver {
  @FieldResolver(() => Automation)
  async automation(@Root() run: AutomationRun, @Ctx() ctx: GraphQLContext): Promise<Automation> {
    return toAutomation(found(await ctx.loaders.automation.load(run.automationId), 'Automation', run.automationId));
  }

  @FieldResolver(() => IntegrationEvent)
  async event(@Root() run: AutomationRun, @Ctx() ctx: GraphQLContext): Promise<IntegrationEvent> {
    return toIntegrationEvent(found(await ctx.loaders.integrationEvent.load(run.eventId), 'IntegrationEvent', run.eventId));
  }

  /** Every status or attempt change of the runs of one automation (or all when null), from whichever process runs them. */
  @Subscription(() => AutomationRun, { subscribe: subscribeToChanges('automation_run', READ_SCOPE.automations, 'automationId') })
  async automationRunUpdated(
    @Root() notice: ChangeNotice,
    @Ctx() ctx: GraphQLContext,
    @Arg('automationId', () => ID, { nullable: true }) _automationId?: string,
  ): Promise<AutomationRun> {
    const row = await sharedRow(notice, () => ctx.services.automations.findRun(notice.organizationId, notice.id));
    return toAutomationRun(found(row, 'AutomationRun', notice.id));
  }
}
