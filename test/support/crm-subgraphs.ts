import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/**
 * Stand-ins for the other clouds, just big enough to federate with: Sales owns Account and
 * Contact, Revenue owns Invoice. Each serves the arrays it is given, on 127.0.0.1 and a free port.
 */

export interface SalesAccount {
  id: string;
  name: string;
}
export interface SalesContact {
  id: string;
  email: string | null;
  firstName?: string | null;
}
export interface RevenueInvoice {
  id: string;
  number: string;
  total: number;
}

export interface CrmData {
  accounts: SalesAccount[];
  contacts: SalesContact[];
  invoices: RevenueInvoice[];
}

export interface RunningCrmSubgraphs {
  salesUrl: string;
  revenueUrl: string;
  stop(): Promise<void>;
}

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

export const SALES_SDL = `${FEDERATION_LINK}
  type Account @key(fields: "id") { id: ID! name: String! }
  type Contact @key(fields: "id") { id: ID! email: String firstName: String }
  type Query { accounts: [Account!]! contacts: [Contact!]! }
`;

export const REVENUE_SDL = `${FEDERATION_LINK}
  type Invoice @key(fields: "id") { id: ID! number: String! total: Float! }
  type Query { invoices: [Invoice!]! }
`;

const byId =
  <T extends { id: string }>(rows: T[]) =>
  (ref: { id: string }) =>
    rows.find((row) => row.id === ref.id) ?? null;

function salesSchema({ accounts, contacts }: CrmData) {
  return buildSubgraphSchema({
    typeDefs: parse(SALES_SDL),
    resolvers: {
      Query: { accounts: () => accounts, contacts: () => contacts },
      Account: { __resolveReference: byId(accounts) },
      Contact: { __resolveReference: byId(contacts) },
    } as never,
  });
}

function revenueSchema({ invoices }: CrmData) {
  return buildSubgraphSchema({
    typeDefs: parse(REVENUE_SDL),
    resolvers: {
      Query: { invoices: () => invoices },
      Invoice: { __resolveReference: byId(invoices) },
    } as never,
  });
}

async function serve(schema: ReturnType<typeof buildSubgraphSchema>): Promise<{ url: string; server: ApolloServer }> {
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, server };
}

/** Starts Sales and Revenue; stop() shuts both down. */
export async function startCrmSubgraphs(data: CrmData): Promise<RunningCrmSubgraphs> {
  const sales = await serve(salesSchema(data));
  const revenue = await serve(revenueSchema(data)).catch(async (error) => {
    await sales.server.stop();
    throw error;
  });
  return {
    salesUrl: sales.url,
    revenueUrl: revenue.url,
    stop: async () => {
      await Promise.all([sales.server.stop(), revenue.server.stop()]);
    },
  };
}
