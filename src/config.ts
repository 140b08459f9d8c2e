import { bool, cleanEnv, makeValidator, num, str, url } from 'envalid';

// The validators below and the reporter run once, at startup (main, the CLIs, tests), before any
// request or job: envalid collects the validators' messages, and main prints the reporter's
// error and exits. Nothing a caller can meet, so they stay plain Errors.

/** A 32-byte key given as base64: anything else would silently weaken AES-256-GCM. */
const encryptionKey = makeValidator<string>((value) => {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32) throw new Error('must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)');
  return value;
});

/**
 * Older keys kept only to open values sealed before a rotation: `id:base64key,id:base64key`.
 * Each key is checked like INTEGRATION_ENCRYPTION_KEY, and an id may appear once.
 */
const previousEncryptionKeys = makeValidator<{ id: string; key: string }[]>((value) => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const keys = entries.map((entry) => {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    const key = entry.slice(separator + 1);
    // Never echo the entry: it holds a key.
    if (separator < 1 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new Error('must be comma-separated id:base64key pairs, ids of letters, digits, . _ -');
    if (Buffer.from(key, 'base64').length !== 32) throw new Error(`key "${id}" must be 32 bytes encoded as base64`);
    return { id, key };
  });
  const ids = keys.map((k) => k.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`key id "${duplicate}" appears more than once`);
  return keys;
});

/** A TCP port; 0 asks the kernel for a free one (tests, side-by-side instances). */
const port = makeValidator<number>((value) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('must be a port number from 0 to 65535');
  return n;
});

/** An operation limit: a whole number of at least 1 (0 would refuse every operation). */
const limit = makeValidator<number>((value) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error('must be a whole number of at least 1');
  return n;
});

/** Byte counts such as DOCUMENT_MAX_BYTES: a whole number of at least 1, at most 1 GiB (bytea's practical ceiling). */
const byteCount = makeValidator<number>((value) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024 ** 3) throw new Error('must be a whole number of bytes from 1 to 1073741824');
  return n;
});

/** A postgres:// URL; envalid's url() accepts it, but we also refuse other schemes early. */
const postgresUrl = makeValidator<string>((value) => {
  if (!/^postgres(ql)?:\/\//.test(value)) throw new Error('must be a postgres:// or postgresql:// URL');
  return value;
});

/** Every environment variable the service reads, validated once at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = cleanEnv(
    env,
    {
      NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
      ROLE: str({ choices: ['all', 'api', 'worker'], default: 'all', desc: 'which half of the service this process runs' }),
      PORT: port({ default: 4001 }),
      HOST: str({ default: '0.0.0.0' }),
      PUBLIC_URL: url({ default: undefined, desc: 'the address providers and browsers reach this service at' }),
      LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' }),
      DATABASE_URL: postgresUrl({ default: undefined }),
      INTEGRATION_DATA_DIR: str({ default: '.data' }),
      EMBEDDED_PG_PORT: port({ default: undefined }),
      INTEGRATION_ENCRYPTION_KEY: encryptionKey({ default: undefined }),
      INTEGRATION_ENCRYPTION_KEY_ID: str({ default: 'k1' }),
      INTEGRATION_ENCRYPTION_PREVIOUS_KEYS: previousEncryptionKeys({ default: [] }),
      GATEWAY_JWT_SECRET: str({ default: undefined }),
      GATEWAY_JWKS_URL: url({ default: undefined }),
      INTEGRATION_BOOTSTRAP_API_KEY: str({ default: undefined }),
      INTEGRATION_BOOTSTRAP_ORG: str({ default: 'default' }),
      ALLOW_PRIVATE_TARGETS: bool({ default: false }),
      INTROSPECTION: bool({ default: undefined }),
      GRAPHQL_MAX_DEPTH: limit({ default: 10, desc: 'deepest field nesting an operation may have (fragments add no level)' }),
      GRAPHQL_MAX_COST: limit({ default: 20_000, desc: "graphql-armor's cost limit per operation (a literal `first` multiplies)" }),
      GRAPHQL_MAX_ALIASES: limit({ default: 15, desc: 'aliases per operation' }),
      GRAPHQL_MAX_DIRECTIVES: limit({ default: 50, desc: 'directives per operation' }),
      GRAPHQL_MAX_TOKENS: limit({ default: 2_000, desc: 'lexer tokens per document, checked while parsing' }),
      CRM_GATEWAY_URL: url({ default: undefined }),
      CRM_GATEWAY_TOKEN: str({ default: undefined, desc: 'bearer token GatewayCrmStore sends to CRM_GATEWAY_URL' }),
      LLM_BASE_URL: url({ default: undefined }),
      SHUTDOWN_TIMEOUT_MS: num({ default: 10_000 }),
      PROVIDER_RETRY_BASE_DELAY_MS: num({ default: 500, desc: 'first backoff step of provider retries (tests shorten it)' }),
      SYNC_RETRY_BASE_SECONDS: num({ default: 30, desc: 'first backoff step before a failed sync run is retried' }),
      WEBHOOK_RETRY_SCALE: num({ default: 1, desc: 'multiplies the webhook retry schedule; tests shrink it (order and ratios hold)' }),
      AUTOMATION_RUN_TIMEOUT_SECONDS: num({
        default: 120,
        desc: "one automation run attempt's deadline (rate budget wait and provider call); a worker that died mid-run is noticed 15 s after it",
      }),
      DOCUMENT_STORE: str({ choices: ['postgres', 's3'], default: 'postgres', desc: 'where signed documents are kept (docs/documents.md)' }),
      DOCUMENT_MAX_BYTES: byteCount({ default: 25 * 1024 * 1024, desc: 'largest signed document kept; a larger one is refused and logged' }),
      DOCUMENT_URL_TTL_SECONDS: limit({ default: 300, desc: 'how long a StoredDocument.downloadUrl works' }),
      S3_ENDPOINT: url({ default: undefined, desc: 'S3-compatible endpoint (https://s3.eu-west-1.amazonaws.com, a MinIO URL)' }),
      S3_BUCKET: str({ default: undefined }),
      S3_REGION: str({ default: 'us-east-1' }),
      S3_ACCESS_KEY_ID: str({ default: undefined }),
      S3_SECRET_ACCESS_KEY: str({ default: undefined }),
      S3_FORCE_PATH_STYLE: bool({ default: true, desc: 'bucket in the path (MinIO, most S3-compatible stores) rather than the host name' }),
    },
    {
      // Throw instead of envalid's default process.exit, so callers (tests, main) decide.
      reporter: ({ errors }) => {
        const problems = Object.entries(errors).map(([name, error]) => `  ${name}: ${(error as Error).message}`);
        if (problems.length) throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
      },
    },
  );

  // DOCUMENT_STORE=s3 without where and how to reach the bucket is a start-up error, not a failed job later.
  if (raw.DOCUMENT_STORE === 's3') {
    const missing = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].filter((name) => !raw[name as keyof typeof raw]);
    if (missing.length) throw new Error(`Invalid configuration:\n  DOCUMENT_STORE=s3 needs ${missing.join(', ')}`);
  }

  return {
    nodeEnv: raw.NODE_ENV,
    isProduction: raw.NODE_ENV === 'production',
    role: raw.ROLE as 'all' | 'api' | 'worker',
    port: raw.PORT,
    host: raw.HOST,
    publicUrl: ((raw.PUBLIC_URL as string | undefined) ?? `http://localhost:${raw.PORT}`).replace(/\/$/, ''),
    logLevel: raw.LOG_LEVEL,
    databaseUrl: raw.DATABASE_URL as string | undefined,
    dataDir: raw.INTEGRATION_DATA_DIR,
    embeddedPgPort: raw.EMBEDDED_PG_PORT as number | undefined,
    encryptionKey: raw.INTEGRATION_ENCRYPTION_KEY as string | undefined,
    encryptionKeyId: raw.INTEGRATION_ENCRYPTION_KEY_ID,
    previousEncryptionKeys: raw.INTEGRATION_ENCRYPTION_PREVIOUS_KEYS,
    gatewayJwtSecret: raw.GATEWAY_JWT_SECRET as string | undefined,
    gatewayJwksUrl: raw.GATEWAY_JWKS_URL as string | undefined,
    bootstrapApiKey: raw.INTEGRATION_BOOTSTRAP_API_KEY as string | undefined,
    bootstrapOrg: raw.INTEGRATION_BOOTSTRAP_ORG,
    allowPrivateTargets: raw.ALLOW_PRIVATE_TARGETS,
    // Introspection is on outside production, and in production only when asked for.
    introspection: (raw.INTROSPECTION as boolean | undefined) ?? raw.NODE_ENV !== 'production',
    graphqlLimits: {
      maxDepth: raw.GRAPHQL_MAX_DEPTH,
      maxCost: raw.GRAPHQL_MAX_COST,
      maxAliases: raw.GRAPHQL_MAX_ALIASES,
      maxDirectives: raw.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: raw.GRAPHQL_MAX_TOKENS,
    },
    crmGatewayUrl: raw.CRM_GATEWAY_URL as string | undefined,
    crmGatewayToken: raw.CRM_GATEWAY_TOKEN as string | undefined,
    llmBaseUrl: raw.LLM_BASE_URL as string | undefined,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
    providerRetryBaseDelayMs: raw.PROVIDER_RETRY_BASE_DELAY_MS,
    syncRetryBaseSeconds: raw.SYNC_RETRY_BASE_SECONDS,
    webhookRetryScale: raw.WEBHOOK_RETRY_SCALE,
    automationRunTimeoutSeconds: raw.AUTOMATION_RUN_TIMEOUT_SECONDS,
    apiKeyEnvironment: raw.NODE_ENV === 'production' ? 'live' : 'test',
    documents: {
      store: raw.DOCUMENT_STORE as 'postgres' | 's3',
      maxBytes: raw.DOCUMENT_MAX_BYTES,
      urlTtlSeconds: raw.DOCUMENT_URL_TTL_SECONDS,
      s3:
        raw.DOCUMENT_STORE === 's3'
          ? {
              endpoint: (raw.S3_ENDPOINT as string).replace(/\/$/, ''),
              bucket: raw.S3_BUCKET as string,
              region: raw.S3_REGION,
              accessKeyId: raw.S3_ACCESS_KEY_ID as string,
              secretAccessKey: raw.S3_SECRET_ACCESS_KEY as string,
              forcePathStyle: raw.S3_FORCE_PATH_STYLE,
            }
          : null,
    },
  };
}

export type Config = ReturnType<typeof loadConfig>;
