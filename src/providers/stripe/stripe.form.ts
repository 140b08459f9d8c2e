/** Stripe's form encoding: nested objects as `address[city]`, arrays as `expand[0]`. */
export function stripeForm(data: Record<string, unknown>, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value !== null && typeof value === 'object') stripeForm(value as Record<string, unknown>, name, out);
    else out[name] = value === null ? '' : String(value);
  }
  return out;
}
