import pino, { Logger } from 'pino';

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

export function createLogger(level: string, name = 'integration'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[Redacted]' } });
}
