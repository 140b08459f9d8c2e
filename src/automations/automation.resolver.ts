import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { toConnection } from '../connections/connection.mapper';
import { Connection } from '../connections/connection.type';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { AutomationRunStatus } from './automation.enums';
import { toAutomation, toAutomationRun } from './automation.mappers';
import { Automation, AutomationConnection, AutomationRunConnection } from './automation.type';

@Resolver(() => Automation)
export class AutomationResolver {
  @Authorized(READ_SCOPE.automations)
  @Query(() => AutomationConnection)
  async automations(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('connectionId', () => ID, { nullable: true }) connectionId?: string,
  ) {
    return toRelay(await ctx.services.automations.list(orgOf(ctx), { first, after }, connectionId), toAutomation);
  }

  @Authorized(READ_SCOPE.automations)
  @Query(() => Automation, { nullable: true })
  async automation(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Automation> {
    return toAutomation(found(await ctx.loaders.automation.load(id), 'Automation', id));
  }

  /** As SyncConfig.connection: the connection itself needs read:connections. */
  @Authorized(READ_SCOPE.connections)
  @FieldResolver(() => Connection)
  async connection(@Root() automation: Automation, @Ctx() ctx: GraphQLContext): Promise<Connection> {
    return toConnection(found(await ctx.loaders.connection.load(automation.connectionId), 'Connection', automation.connectionId), ctx.config.publicUrl);
  }

  /** Newest first, optionally one status. */
  @FieldResolver(() => AutomationRunConnection)
  async runs(
    @Root() automation: Automation,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => AutomationRunStatus, { nullable: true }) status?: AutomationRunStatus,
  ) {
    const page = await ctx.services.automations.listRuns(automation.organizationId, automation.id, { first, after }, status);
    return toRelay(page, toAutomationRun);
  }
}
