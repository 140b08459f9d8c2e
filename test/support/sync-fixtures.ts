import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { StripeServer } from '../providers/stripe.server';
import type { Route } from '../providers/provider-server';

/** GraphQL over HTTP as some caller: returns the parsed body ({ data, errors }). */
export type Gql = (query: string, variables?: Record<string, unknown>) => Promise<any>;

export const RUN_QUERY = `query($id: ID!) { syncRun(id: $id) {
  id status trigger mode recordsProcessed recordsCreated recordsUpdated recordsFailed errorDetails startedAt completedAt } }`;
export const TRIGGER = 'mutation($id: ID!, $mode: SyncMode) { triggerSync(id: $id, mode: $mode) { id status } }';

/** A GraphQL client for a service URL, authenticated with `key`. */
export function gqlClient(url: string, key: string): Gql {
  return async (query, variables) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  };
}

/**
 * The local Stripe server with a fixed delay before every answer, so a run of a few thousand
 * records takes seconds and can be watched, killed or raced. Routes are wrapped as StripeServer
 * registers them (its constructor calls `on`); the delay is read per request.
 */
export class SlowStripeServer extends StripeServer {
  delayMs: number;

  constructor(delayMs: number) {
    super();
    this.delayMs = delayMs;
  }

  override on(method: string, pattern: string | RegExp, route: Route): this {
    return super.on(method, pattern, async (req, params) => {
      if (this.delayMs > 0) await sleep(this.delayMs);
      return route(req, params);
    });
  }
}

/** Stripe connection, customer → account mapping and an INBOUND config, all through GraphQL. */
export async function setupInboundSync(gql: Gql, stripe: StripeServer, frequency = 'manual'): Promise<{ connectionId: string; configId: string }> {
  const conn = await gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
    input: { connectorKey: 'stripe', name: `Stripe ${frequency}`, credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
  });
  if (conn.errors) throw new Error(`createConnection: ${JSON.stringify(conn.errors)}`);
  const mapping = await gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
    input: {
      name: `customer → account (${frequency})`,
      sourceObject: 'customers',
      targetObject: 'account',
      rules: [
        { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
        { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
        { sourceField: 'address.city', targetField: 'billing_city' },
      ],
    },
  });
  if (mapping.errors) throw new Error(`createFieldMapping: ${JSON.stringify(mapping.errors)}`);
  const config = await gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
    input: {
      name: `Customers (${frequency})`,
      connectionId: conn.data.createConnection.id,
      sourceObject: 'customers',
      targetObject: 'account',
      direction: 'INBOUND',
      frequency,
      fieldMappingId: mapping.data.createFieldMapping.id,
    },
  });
  if (config.errors) throw new Error(`createSyncConfig: ${JSON.stringify(config.errors)}`);
  return { connectionId: conn.data.createConnection.id, configId: config.data.createSyncConfig.id };
}

/** Polls syncRun until it ends (COMPLETED, FAILED or CANCELLED). */
/** Polls a run until it ends; `query` may select more of the run (logs, config). */
export async function waitForRunEnd(gql: Gql, id: string, ms: number, query = RUN_QUERY): Promise<any> {
  const until = Date.now() + ms;
  for (;;) {
    const res = await gql(query, { id }).catch(() => null);
    const run = res?.data?.syncRun;
    if (run && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(run.status)) return run;
    if (Date.now() > until) throw new Error(`run ${id} still ${run?.status}: ${JSON.stringify(res?.errors ?? run)}`);
    await sleep(100);
  }
}

/** The URL of a service process's embedded PostgreSQL, from its postmaster.pid (line 4: port). */
export function embeddedDatabaseUrl(dataDir: string): string {
  const port = readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
  return `postgres://postgres:postgres@127.0.0.1:${port}/integration`;
}

/** The postmaster's pid (line 1 of postmaster.pid). */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** One statement on its own connection (the service under test keeps its own pools). */
export async function sql<T = any>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids whose parent is `pid` (a postmaster's backends and auxiliary processes). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
