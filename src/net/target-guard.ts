import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, Dispatcher } from 'undici';
import { BadUserInputError, InternalError } from '../errors';

/**
 * Refuses outbound requests to private, loopback, link-local and cloud-metadata addresses
 * (DESIGN.md §4, ALLOW_PRIVATE_TARGETS): once when a URL is saved (assertPublicTarget) and again
 * when a socket is opened (createGuardedDispatcher), because a name that resolved to a public
 * address at save time can resolve to 127.0.0.1 later (DNS rebinding), and redirects are only
 * seen at connect time.
 */

/**
 * Raised at connect time; a transport error like ECONNREFUSED, so it carries a Node-style code
 * (provider-http.ts reads it from fetch's `cause` and answers BAD_USER_INPUT naming the target).
 * An InternalError on its own: should one escape raw, the client is not told about our network.
 */
export class BlockedTargetError extends InternalError {
  readonly code = 'BLOCKED_TARGET';
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(
      hostname === address
        ? `Refusing to connect to ${address}: private, loopback, link-local or metadata address`
        : `Refusing to connect to ${hostname} (${address}): private, loopback, link-local or metadata address`,
    );
    this.name = 'BlockedTargetError';
  }
}

/** Listed explicitly so the intent survives a change in ipaddr.js's range tables. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

/**
 * An allow-list rather than a block-list: ranges ipaddr.js learns about later (new reserved
 * blocks) are refused until someone decides they are public. as112 and amt are public anycast.
 */
const PUBLIC_IPV4_RANGES = new Set(['unicast', 'as112', 'amt']);
const PUBLIC_IPV6_RANGES = new Set(['unicast', 'as112v6', 'amt']);

/** IPv6 forms that carry an IPv4 address a gateway will forward to: judge the IPv4 inside. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const parts = address.parts;
  const fromWords = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  switch (address.range()) {
    case 'ipv4Mapped':
      return address.toIPv4Address();
    case 'rfc6145': // ::ffff:0:a.b.c.d (SIIT)
      return fromWords(parts[6], parts[7]);
    case 'rfc6052': // NAT64 64:ff9b::/96; the local-use 64:ff9b:1::/48 stays refused as a whole
      return parts[2] === 0 ? fromWords(parts[6], parts[7]) : null;
    case '6to4': // 2002:AABB:CCDD::/48
      return fromWords(parts[1], parts[2]);
    default:
      return null;
  }
}

/**
 * True when `ip` is not a public unicast address. Anything that does not parse as an IP is
 * treated as private: this is a guard, so it fails closed.
 */
export function isPrivateAddress(ip: string): boolean {
  const literal = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(literal)) return true;
  const address = ipaddr.parse(literal);
  if (METADATA_ADDRESSES.has(address.toNormalizedString()) || METADATA_ADDRESSES.has(address.toString())) return true;
  if (address.kind() === 'ipv4') return !PUBLIC_IPV4_RANGES.has(address.range());
  const v6 = address as ipaddr.IPv6;
  const inner = embeddedIPv4(v6);
  if (inner) return isPrivateAddress(inner.toString());
  return !PUBLIC_IPV6_RANGES.has(v6.range());
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Validates a user-supplied target URL before it is saved: http(s) only, and neither a private
 * literal nor a name resolving to any private address (one bad A record is enough to refuse,
 * since the connection may pick it). With `allowPrivate` only the syntax is checked.
 */
export async function assertPublicTarget(url: string, allowPrivate: boolean, field: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadUserInputError(`${field} is not a valid URL`, field);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BadUserInputError(`${field} must use http or https, not ${parsed.protocol.replace(/:$/, '')}`, field);
  }
  if (!parsed.hostname) throw new BadUserInputError(`${field} has no host`, field);
  if (allowPrivate) return;

  // WHATWG URL has already normalised odd IPv4 spellings (0x7f.1, 2130706433) to dotted form.
  const host = stripBrackets(parsed.hostname);
  if (net.isIP(host)) {
    if (isPrivateAddress(host)) throw new BadUserInputError(`${field} points at a private or reserved address (${host})`, field);
    return;
  }
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch (error) {
    throw new BadUserInputError(`${field} host ${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`, field);
  }
  const blocked = addresses.find((a) => isPrivateAddress(a.address));
  if (blocked) throw new BadUserInputError(`${field} host ${host} resolves to a private or reserved address (${blocked.address})`, field);
}

/** net.connect's `lookup` hook: resolves as usual, then refuses private answers. */
const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', undefined);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) return callback(new BlockedTargetError(hostname, blocked.address), '', undefined);
    if (addresses.length === 0) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '', undefined);
    // Node asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily), else one.
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

export interface GuardedDispatcherOptions {
  connectTimeoutMs?: number;
  /** Waiting for response headers; callers' own AbortSignal timeouts are usually shorter. */
  headersTimeoutMs?: number;
  /** Longest silence between body chunks. */
  bodyTimeoutMs?: number;
}

/**
 * An undici Agent for every outbound call (pass it as fetch's `dispatcher`). IP literals never
 * reach `lookup` (Node skips DNS for them), so the connector checks those itself.
 */
export function createGuardedDispatcher(allowPrivate: boolean, options: GuardedDispatcherOptions = {}): Dispatcher {
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const timeouts = { headersTimeout: options.headersTimeoutMs ?? 60_000, bodyTimeout: options.bodyTimeoutMs ?? 60_000 };
  if (allowPrivate) return new Agent({ ...timeouts, connect: { timeout: connectTimeout } });

  const connect = buildConnector({ timeout: connectTimeout, lookup: guardedLookup });
  return new Agent({
    ...timeouts,
    connect: (opts, callback) => {
      const host = stripBrackets(opts.hostname);
      if (net.isIP(host) && isPrivateAddress(host)) {
        callback(new BlockedTargetError(host, host), null);
        return;
      }
      connect(opts, callback);
    },
  });
}
