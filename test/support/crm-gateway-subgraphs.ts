import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { randomUUID } from 'node:crypto';
import { FieldType } from '../../src/connectors/connector.enums';
import { CRM_OBJECT_LIST, crmObject, keptByItsCloud } from '../../src/sync/crm/crm-objects';
import { ORGANIZATION_HEADER } from '../../src/sync/crm/crm-gateway-client';
import { MatchKind, normaliseMatchValue } from '../../src/sync/crm/match-on';
import { CRM_OPERATIONS } from '../../src/sync/crm/operations';

/**
 * Writable stand-ins for the clouds that own HotCRM's records, behind a real @apollo/gateway:
 * one subgraph per owning cloud, with the objects the catalogue declares for it (Sales: Account,
 * Contact, Lead, Opportunity; Revenue: Invoice, Subscription; Service: Case; Marketing:
 * Campaign, CampaignMember; HR: Employee), each serving exactly the queries and mutations
 * src/sync/crm/operations/*.graphql.ts send. Fields come from those files, so a
 * document that asks for something else fails validation at the gateway. Records live in memory
 * per organization (the x-hotcrm-organization header); requests need the expected bearer token.
 * The `*Matching` queries compare stored values in the normal form match-on.ts defines, as the
 * operations file asks of a real cloud, and are counted per object.
 */

interface CloudObject {
  object: string;
  type: string;
  plural: string;
}

/** The objects each cloud owns, by the catalogue (contract and activity are no cloud's: not here). */
function cloudsOfTheCatalogue(): Map<string, CloudObject[]> {
  const clouds = new Map<string, CloudObject[]>();
  for (const object of CRM_OBJECT_LIST.filter(keptByItsCloud)) {
    clouds.set(object.cloud, [...(clouds.get(object.cloud) ?? []), { object: object.name, ...object.gateway }]);
  }
  return clouds;
}

type CloudRecord = Record<string, unknown> & { id: string; createdDate: string; lastModifiedDate: string };
/** organization → object → id → record */
type Tables = Map<string, Map<string, Map<string, CloudRecord>>>;

interface Context {
  organization: string;
}

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

function graphqlType(object: string, field: string): string {
  const type = crmObject(object)!.fields.find((f) => f.name === field)?.type;
  if (type === FieldType.INTEGER) return 'Int';
  if (type === FieldType.CURRENCY || type === FieldType.NUMBER) return 'Float';
  if (type === FieldType.BOOLEAN) return 'Boolean';
  return 'String';
}

function sdl(objects: CloudObject[]): string {
  const parts = [
    LINK,
    'input ChangeCursorInput { at: String! id: ID! }',
    'enum CrmMatchKind { TEXT EMAIL WEBSITE PHONE }',
    'input CrmMatchLookupInput { field: String! kind: CrmMatchKind! values: [String!]! }',
  ];
  const query: string[] = [];
  const mutation: string[] = [];
  for (const { object, type, plural } of objects) {
    const fields = Object.entries(CRM_OPERATIONS[object].fields)
      .map(([crm, cloud]) => `${cloud}: ${graphqlType(object, crm)}`)
      .join(' ');
    parts.push(`type ${type} @key(fields: "id") { id: ID! createdDate: String! lastModifiedDate: String! ${fields} }`);
    parts.push(`input ${type}CreateInput { id: ID ${fields} }`, `input ${type}UpdateInput { id: ID! ${fields} }`);
    parts.push(`type ${type}Match { field: String! value: String! id: ID! }`);
    const lower = plural[0].toLowerCase() + plural.slice(1);
    query.push(
      `${lower}ByIds(ids: [ID!]!): [${type}]!`,
      `${lower}ChangedSince(after: ChangeCursorInput, first: Int!): [${type}!]!`,
      `${lower}Matching(lookups: [CrmMatchLookupInput!]!): [${type}Match!]!`,
    );
    mutation.push(
      `create${plural}(input: [${type}CreateInput!]!): [${type}!]!`,
      `update${plural}(input: [${type}UpdateInput!]!): [${type}]!`,
      `delete${plural}(ids: [ID!]!): Int!`,
    );
  }
  return [...parts, `type Query { ${query.join(' ')} }`, `type Mutation { ${mutation.join(' ')} }`].join('\n');
}

/** Strictly increasing ISO timestamps, so change order is creation order even within a millisecond. */
function clock() {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last).toISOString();
  };
}

const after = (record: CloudRecord, position: { at: string; id: string }) =>
  record.lastModifiedDate > position.at || (record.lastModifiedDate === position.at && record.id > position.id);
const changeOrder = (a: CloudRecord, b: CloudRecord) =>
  a.lastModifiedDate === b.lastModifiedDate ? (a.id < b.id ? -1 : 1) : a.lastModifiedDate < b.lastModifiedDate ? -1 : 1;

interface Lookup {
  field: string;
  kind: string;
  values: string[];
}

/** Every record whose stored field, in the lookup kind's normal form, is one of the values. */
function matching(object: string, records: Iterable<CloudRecord>, lookups: Lookup[]) {
  const cloudFields = new Set(Object.values(CRM_OPERATIONS[object].fields));
  const all = [...records];
  return lookups.flatMap(({ field, kind, values }) => {
    if (!cloudFields.has(field)) throw new GraphQLError(`${object} has no field ${field}`, { extensions: { code: 'BAD_USER_INPUT' } });
    const wanted = new Set(values);
    return all.flatMap((record) => {
      const value = normaliseMatchValue(kind.toLowerCase() as MatchKind, record[field]);
      return value !== null && wanted.has(value) ? [{ field, value, id: record.id }] : [];
    });
  });
}

function resolvers(objects: CloudObject[], tables: Tables, now: () => string, lookups: Map<string, number>) {
  const table = (ctx: Context, object: string) => {
    if (!tables.has(ctx.organization)) tables.set(ctx.organization, new Map());
    const org = tables.get(ctx.organization)!;
    if (!org.has(object)) org.set(object, new Map());
    return org.get(object)!;
  };
  const Query: Record<string, unknown> = {};
  const Mutation: Record<string, unknown> = {};
  const types: Record<string, unknown> = {};
  for (const { object, type, plural } of objects) {
    const lower = plural[0].toLowerCase() + plural.slice(1);
    Query[`${lower}ByIds`] = (_: unknown, { ids }: { ids: string[] }, ctx: Context) => ids.map((id) => table(ctx, object).get(id) ?? null);
    Query[`${lower}ChangedSince`] = (_: unknown, args: { after: { at: string; id: string } | null; first: number }, ctx: Context) =>
      [...table(ctx, object).values()]
        .filter((r) => !args.after || after(r, args.after))
        .sort(changeOrder)
        .slice(0, args.first);
    Query[`${lower}Matching`] = (_: unknown, args: { lookups: Lookup[] }, ctx: Context) => {
      lookups.set(object, (lookups.get(object) ?? 0) + 1);
      return matching(object, table(ctx, object).values(), args.lookups);
    };
    Mutation[`create${plural}`] = (_: unknown, { input }: { input: Record<string, unknown>[] }, ctx: Context) =>
      input.map((fields) => {
        const id = (fields.id as string | null | undefined) ?? randomUUID();
        if (table(ctx, object).has(id)) throw new GraphQLError(`${type} ${id} exists`, { extensions: { code: 'BAD_USER_INPUT' } });
        const stamp = now();
        const record: CloudRecord = { ...fields, id, createdDate: stamp, lastModifiedDate: stamp };
        table(ctx, object).set(id, record);
        return record;
      });
    Mutation[`update${plural}`] = (_: unknown, { input }: { input: Record<string, unknown>[] }, ctx: Context) =>
      input.map(({ id, ...fields }) => {
        const record = table(ctx, object).get(id as string);
        if (!record) return null;
        Object.assign(record, fields, { lastModifiedDate: now() });
        return record;
      });
    Mutation[`delete${plural}`] = (_: unknown, { ids }: { ids: string[] }, ctx: Context) => ids.filter((id) => table(ctx, object).delete(id)).length;
    types[type] = { __resolveReference: (ref: { id: string }, ctx: Context) => table(ctx, object).get(ref.id) ?? null };
  }
  return { Query, Mutation, ...types };
}

async function serveSubgraph(objects: CloudObject[], tables: Tables, now: () => string, token: string, lookups: Map<string, number>) {
  const typeDefs = sdl(objects);
  const schema = buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: resolvers(objects, tables, now, lookups) as never });
  const server = new ApolloServer<Context>({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      if (req.headers.authorization !== `Bearer ${token}`)
        throw new GraphQLError('Bad service token', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      const organization = req.headers[ORGANIZATION_HEADER];
      if (typeof organization !== 'string' || !organization) throw new GraphQLError('No organization', { extensions: { code: 'BAD_USER_INPUT' } });
      return { organization };
    },
  });
  return { url, server, typeDefs };
}

export interface RunningCrmGateway {
  url: string;
  /** What a cloud holds for an organization's object, by id, in the cloud's own field names. */
  records(organization: string, object: string): Map<string, CloudRecord>;
  /** How many `*Matching` requests the clouds have served for an object, all organizations. */
  lookups(object: string): number;
  stop(): Promise<void>;
}

/** Every owning cloud (sales, revenue, service, marketing, hr) under @apollo/gateway, which forwards the token and organization headers. */
export async function startCrmGateway(token: string): Promise<RunningCrmGateway> {
  const tables: Tables = new Map();
  const now = clock();
  const lookups = new Map<string, number>();
  const subgraphs: { name: string; url: string; server: ApolloServer<Context>; typeDefs: string }[] = [];
  for (const [name, objects] of cloudsOfTheCatalogue()) subgraphs.push({ name, ...(await serveSubgraph(objects, tables, now, token, lookups)) });
  const composition = composeServices(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs: parse(typeDefs) })));
  if (composition.errors) throw new Error(composition.errors.map((e) => e.message).join('\n'));
  const gateway = new ApolloGateway({
    supergraphSdl: composition.supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<{ headers: Record<string, string | undefined> }>({
        url,
        willSendRequest({ request, context }) {
          for (const name of ['authorization', ORGANIZATION_HEADER]) {
            const value = context.headers?.[name];
            if (value) request.http?.headers.set(name, value);
          }
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({
      headers: { authorization: req.headers.authorization, [ORGANIZATION_HEADER]: req.headers[ORGANIZATION_HEADER] as string | undefined },
    }),
  });
  return {
    url,
    records: (organization, object) => tables.get(organization)?.get(object) ?? new Map(),
    lookups: (object) => lookups.get(object) ?? 0,
    stop: async () => {
      await server.stop();
      await Promise.all(subgraphs.map((subgraph) => subgraph.server.stop()));
    },
  };
}
