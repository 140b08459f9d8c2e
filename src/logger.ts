import pino, { DestinationStream, Logger } from 'pino';

/**
 * Paths pino replaces with [Redacted] wherever they appear in a log object: credentials, tokens,
 * secrets and the Authorization header never reach a log line.
 */
export const REDACT_PATHS = [
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'connectionParams.authorization',
  'password',
  'secret',
  'token',
  'apiKey',
  'credentials',
  'clientSecret',
  'accessToken',
  'refreshToken',
  'webhookSecret',
  'databaseUrl',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.credentials',
  '*.clientSecret',
  '*.client_secret',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.webhookSecret',
  '*.authorization',
  '*.databaseUrl',
];

/** Fields of a Postgres error in which the server may quote a value it was given. */
const QUOTING_FIELDS = ['message', 'stack', 'detail', 'where', 'hint'];
const MASK = '[parameter]';

/**
 * Errors as pino serialises them, less the values a statement was run with: TypeORM's
 * QueryFailedError carries `parameters` (an encrypted credential, an API key hash, a customer's
 * data) beside the SQL text and keeps the driver's error as `driverError`; both go. Postgres also
 * quotes a bad value in its message (22P02: `invalid input syntax for type integer: "…"`) or
 * detail (23505: `Key (email)=(…)`), so each parameter's text is masked there too.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const parameters = (error as { parameters?: unknown }).parameters;
  delete serialized.parameters;
  delete serialized.driverError;
  if (Array.isArray(parameters)) {
    const values = parameters.map(parameterText).filter((text): text is string => !!text && text.length >= 3);
    for (const field of QUOTING_FIELDS) {
      const text = serialized[field];
      if (typeof text === 'string') serialized[field] = values.reduce((masked, value) => masked.split(value).join(MASK), text);
    }
  }
  return serialized;
}

function parameterText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  // Too short and common to tell apart from the message.
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return undefined;
  if (value instanceof Date) return undefined;
  if (Buffer.isBuffer(value)) return undefined;
  return JSON.stringify(value);
}

/** The service's logger: stdout unless a destination is given (tests read what it writes). */
export function createLogger(level: string, name = 'integration', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: '[Redacted]' }, serializers: { err: serializeError } };
  return destination ? pino(options, destination) : pino(options);
}
