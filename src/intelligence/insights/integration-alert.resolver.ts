import { Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { found } from '../../graphql/found';
import { READ_SCOPE } from '../../graphql/scopes';
import { sharedRow, subscribeToChanges } from '../../graphql/subscription-filter';
import type { ChangeNotice } from '../../realtime/change-notice';
import { IntegrationAlert } from '../intelligence.type';

@Resolver()
export class IntegrationAlertResolver {
  /**
   * No filter argument in the contract: every alert of the caller's organization reaches it (the
   * parent argument named to subscribeToChanges never arrives, so nothing narrows further).
   */
  @Subscription(() => IntegrationAlert, {
    description: "Anomalies detected as runs end (failure, volume, duration spikes), from whichever process ran them, for the caller's organization.",
    subscribe: subscribeToChanges('integration_alert', READ_SCOPE.sync, 'syncConfigId'),
  })
  async integrationAlert(@Root() notice: ChangeNotice, @Ctx() ctx: GraphQLContext): Promise<IntegrationAlert> {
    const alert = await sharedRow(notice, () => ctx.services.syncInsights.alert(notice.organizationId, notice.id));
    return found(alert, 'IntegrationAlert', notice.id);
  }
}
