/** Fields that hold the secret a person would recognise, in the order they are looked for. */
const SECRET_FIELDS = ['apiKey', 'token', 'accessToken', 'password', 'clientSecret'];

/**
 * A masked hint that lets a person recognise a credential without revealing it: the provider's
 * prefix (sk_live_) and the last four characters, as Stripe's dashboard shows keys.
 */
export function credentialHint(credentials: Record<string, unknown> | null | undefined): string | null {
  if (!credentials) return null;
  const field = SECRET_FIELDS.find((name) => typeof credentials[name] === 'string' && credentials[name]);
  if (!field) return null;
  const secret = credentials[field] as string;
  if (secret.length < 12) return '…';
  const prefixEnd = secret.lastIndexOf('_', 12);
  const prefix = prefixEnd > 0 ? secret.slice(0, prefixEnd + 1) : '';
  const user = field === 'password' && typeof credentials.username === 'string' ? `${credentials.username}:` : '';
  return `${user}${prefix}…${secret.slice(-4)}`;
}
