import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import pino, { Logger } from 'pino';
import { startService, RunningService } from '../../src/app';
import { loadConfig } from '../../src/config';
import { REDACT_PATHS } from '../../src/logger';
import { createTestDatabase } from './database';

export const BOOTSTRAP_KEY = 'hcrm_test_BootstrapKeyForTests1234567890abc';
export const JWT_SECRET = 'test-gateway-secret-that-is-long-enough-for-hs256';
/** A fixed AES-256 key for tests (32 bytes, base64); production keys come from the environment. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestService {
  service: RunningService;
  url: string;
  databaseUrl: string;
  /** POST /graphql as the bootstrap key (scope `*`, org `default`) unless `token` says otherwise. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** A gateway JWT as the router would send it: HS256 with org, sub and scope claims. */
export function gatewayToken(org: string, scopes: string[], sub = 'user-1'): Promise<string> {
  return new SignJWT({ org, scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** Starts the real service (ROLE=all) on a random port against a database of its own. */
export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const database = await createTestDatabase();
  return startOnDatabase(database, env);
}

/**
 * Another replica (ROLE=all by default) on the same database as `first`: replicas share
 * everything through Postgres, which is what the cross-replica tests check.
 */
export async function startReplica(first: TestService, env: Record<string, string> = {}): Promise<TestService> {
  return startOnDatabase({ url: first.databaseUrl, drop: async () => undefined }, env);
}

/**
 * startTestService's service, logging at `level` into `lines` through the production redaction
 * (REDACT_PATHS): for tests that check what a log line says, and that no secret reaches one.
 */
export async function startTestServiceWithLogs(env: Record<string, string>, lines: string[], level = 'debug'): Promise<TestService> {
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  const log = pino({ level, redact: { paths: REDACT_PATHS, censor: '[Redacted]' } }, sink);
  return startOnDatabase(await createTestDatabase(), { LOG_LEVEL: level, ...env }, log);
}

async function startOnDatabase(
  database: { url: string; drop(): Promise<void> },
  env: Record<string, string>,
  log: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
): Promise<TestService> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    INTEGRATION_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY,
    GATEWAY_JWT_SECRET: JWT_SECRET,
    ALLOW_PRIVATE_TARGETS: 'true',
    SHUTDOWN_TIMEOUT_MS: '2000',
    INTEGRATION_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...env,
  });
  const service = await startService(config, log);
  const gql = async <T>(query: string, variables?: Record<string, unknown>, token: string | null = BOOTSTRAP_KEY) => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) } as GraphQLResponse<T>;
  };
  return {
    service,
    url: service.url,
    databaseUrl: database.url,
    gql,
    stop: async () => {
      await service.stop();
      await database.drop();
    },
  };
}

/**
 * A new connection made through GraphQL, bound by the service's own connector runtime: the
 * handler paths a sync drives (`since`, writes) that no GraphQL operation reaches, exercised
 * with the same auth, refresh, retries and guard as production.
 */
export async function bindNewConnection(t: TestService, input: Record<string, unknown>, token: string = BOOTSTRAP_KEY) {
  const res = await t.gql<{ createConnection: { id: string } }>(
    'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }',
    { input },
    token,
  );
  if (!res.data) throw new Error(`createConnection failed: ${JSON.stringify(res.errors)}`);
  const services = t.service.services;
  const connection = await services.connections.get('default', res.data.createConnection.id);
  return (await services.runtime.bind(connection)).call;
}
