import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { WRITE_SCOPE } from '../graphql/scopes';
import { CreateAutomationInput, UpdateAutomationInput } from './automation.inputs';
import { toAutomation, toAutomationRun } from './automation.mappers';
import { Automation, AutomationRun } from './automation.type';

@Resolver()
export class AutomationMutationsResolver {
  @Authorized(WRITE_SCOPE.automations)
  @Mutation(() => Automation)
  async createAutomation(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateAutomationInput) input: CreateAutomationInput): Promise<Automation> {
    return toAutomation(await ctx.services.automations.create(orgOf(ctx), input));
  }

  @Authorized(WRITE_SCOPE.automations)
  @Mutation(() => Automation)
  async updateAutomation(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateAutomationInput) input: UpdateAutomationInput,
  ): Promise<Automation> {
    return toAutomation(await ctx.services.automations.update(orgOf(ctx), id, input));
  }

  @Authorized(WRITE_SCOPE.automations)
  @Mutation(() => Boolean)
  deleteAutomation(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.automations.delete(orgOf(ctx), id);
  }

  @Authorized(WRITE_SCOPE.automations)
  @Mutation(() => AutomationRun)
  async retryAutomationRun(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<AutomationRun> {
    return toAutomationRun(await ctx.services.automations.retryRun(orgOf(ctx), id));
  }
}
