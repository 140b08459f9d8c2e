import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { requireScopes } from '../graphql/auth-guard';
import { GraphQLContext } from '../graphql/context';
import { READ_SCOPE } from '../graphql/scopes';
import { activitiesKey, activitiesPageSize } from './activities.queries';
import { ActivityConnection } from './activity.type';
import type { Activity } from './activity.type';
import { Account, Contact, ContactEnrichment, ExternalPayment, Invoice } from './crm-entities.type';
import type { RelayPage } from '../graphql/relay';
import type { LinkRow } from './external-link.queries';
import { ExternalLink } from './external-link.type';
import { toExternalLink } from './sync.mappers';
import { isPaymentLink, paymentIdOf } from './engine/link-plan';

/**
 * Payments are links recorded by payment syncs (engine/link-plan.ts): a Stripe charge or
 * payment intent, PayPal transaction or QuickBooks Payment linked to the invoice it pays, its
 * mapped values in lastSyncedData.
 */
function isPayment(link: LinkRow): boolean {
  return isPaymentLink(link);
}

const text = (value: unknown): string | null => (value === undefined || value === null || value === '' ? null : String(value));
const date = (value: unknown): Date | null => {
  const t = typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  return value === undefined || value === null || Number.isNaN(t) ? null : new Date(t);
};

/**
 * These fields run once per representation of a large `_entities` batch, so the scope check is a
 * direct call rather than type-graphql's async @Authorized middleware (measured: ~5 ms of a
 * 1,000-account request); the rule is the same auth guard's.
 */
async function linksOf(ctx: GraphQLContext, object: string, id: string): Promise<LinkRow[]> {
  requireScopes(ctx, [READ_SCOPE.sync]);
  return ctx.loaders.linksByInternal.load(`${object}:${id}`);
}

@Resolver(() => Account)
export class AccountFieldsResolver {
  @FieldResolver(() => [ExternalLink], {
    description: 'Records in external systems linked to this account by syncs (Stripe customer, QuickBooks Customer, ...).',
  })
  async externalLinks(@Root() account: Account, @Ctx() ctx: GraphQLContext): Promise<ExternalLink[]> {
    return (await linksOf(ctx, 'account', account.id)).map(toExternalLink);
  }
}

@Resolver(() => Contact)
export class ContactFieldsResolver {
  @FieldResolver(() => [ExternalLink])
  async externalLinks(@Root() contact: Contact, @Ctx() ctx: GraphQLContext): Promise<ExternalLink[]> {
    return (await linksOf(ctx, 'contact', contact.id)).map(toExternalLink);
  }

  /**
   * Activities whose participants include the contact's email (engine/activity-participants.ts):
   * matched by address, so a contact created after its messages were synced has them too.
   */
  @Directive('@requires(fields: "email")')
  @FieldResolver(() => ActivityConnection, { description: "Emails, meetings and messages that involve the contact's email, newest first." })
  async activities(
    @Root() contact: Contact,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<RelayPage<Activity>> {
    requireScopes(ctx, [READ_SCOPE.sync]);
    const size = activitiesPageSize(first);
    const email = contact.email?.trim().toLowerCase();
    if (!email) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    return ctx.loaders.activitiesByEmail.load(activitiesKey({ email, first: size, after: after ?? null }));
  }

  /** The newest synced person record (LinkedIn, Gmail, Outlook) whose email is the contact's. */
  @Directive('@requires(fields: "email")')
  @FieldResolver(() => ContactEnrichment, {
    nullable: true,
    description: "Profile data from synced external records (LinkedIn, Gmail, Outlook) that match the contact's email; null when none match.",
  })
  async enrichment(@Root() contact: Contact, @Ctx() ctx: GraphQLContext): Promise<ContactEnrichment | null> {
    requireScopes(ctx, [READ_SCOPE.sync]);
    if (!contact.email) return null;
    const [match] = await ctx.loaders.linksByEmail.load(contact.email);
    if (!match) return null;
    const data = match.lastSyncedData ?? {};
    const fullName = text(data.full_name) ?? ([text(data.first_name), text(data.last_name)].filter(Boolean).join(' ') || null);
    return Object.assign(new ContactEnrichment(), {
      provider: match.provider,
      fullName,
      headline: text(data.headline),
      company: text(data.company),
      title: text(data.title),
      location: text(data.location),
      profileUrl: text(data.profile_url),
      enrichedAt: match.lastSyncedAt ?? match.updatedAt,
    });
  }
}

@Resolver(() => Invoice)
export class InvoiceFieldsResolver {
  @FieldResolver(() => [ExternalLink])
  async externalLinks(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<ExternalLink[]> {
    return (await linksOf(ctx, 'invoice', invoice.id)).filter((link) => !isPayment(link)).map(toExternalLink);
  }

  @FieldResolver(() => [ExternalPayment], { description: 'Payments for this invoice recorded in Stripe, PayPal or QuickBooks, from synced records.' })
  async payments(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext): Promise<ExternalPayment[]> {
    // A payment the provider no longer lists (deletion detection marked it) is not a payment.
    const links = (await linksOf(ctx, 'invoice', invoice.id)).filter((link) => isPayment(link) && link.status !== 'DELETED');
    return links
      .map((link) => {
        const data = link.lastSyncedData ?? {};
        return Object.assign(new ExternalPayment(), {
          provider: link.provider,
          externalId: paymentIdOf(link.externalId),
          amount: Number(data.amount ?? data.amount_paid ?? 0),
          currency: String(data.currency ?? data.currency_code ?? ''),
          status: String(data.status ?? 'unknown'),
          paidAt: date(data.paid_at ?? data.paid_date),
        });
      })
      .sort(byPaidAt);
  }
}

/** Oldest payment first (undated ones last), then by id: a stable order for one invoice's history. */
function byPaidAt(a: ExternalPayment, b: ExternalPayment): number {
  const at = (p: ExternalPayment) => p.paidAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return at(a) - at(b) || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0);
}
