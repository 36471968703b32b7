import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Which `X-Forwarded-For` entries to believe. Each proxy appends the address it received
 * the request from, so only the right-most entries, written by our own proxies, are
 * facts; anything to their left is whatever the client chose to send.
 *
 * - `false`: no proxy; the peer address is the client (the default).
 * - a number of hops: that many proxies stand in front of every node; the client is the
 *   address the outermost one appended. Only safe when nodes are reachable through those
 *   proxies alone (as in `docker-compose.yml`).
 * - addresses: the proxies' IP addresses or CIDR ranges; entries are believed only while
 *   they come from one of them.
 */
export type TrustProxy = false | number | readonly string[];

const DISABLED = new Set(['false', '0', 'no', 'off']);
const REFUSED = new Set(['true', 'yes', 'on']);

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/** The environment variable: `false`, a hop count such as `1`, or a comma-separated list of IPs/CIDRs. */
export const trustProxySchema = z.string().transform((raw, context): TrustProxy => {
  const value = raw.trim().toLowerCase();
  if (DISABLED.has(value)) return false;
  if (REFUSED.has(value)) {
    context.addIssue({
      code: 'custom',
      message:
        'must not be "true": that believes any X-Forwarded-For a client sends, so rate limits can be dodged; give the number of proxies in front of the nodes (e.g. 1) or their IP addresses/CIDRs',
    });
    return z.NEVER;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 16) {
      context.addIssue({ code: 'custom', message: 'must be a hop count between 0 and 16' });
      return z.NEVER;
    }
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isAddressOrRange(entry));
  if (bad.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `must be false, a hop count (e.g. 1) or a comma-separated list of IP addresses/CIDRs; not an address: ${bad
        .map((entry) => JSON.stringify(entry))
        .join(', ')}`,
    });
    return z.NEVER;
  }
  return entries;
});

/**
 * The setting in the form fastify's `trustProxy` option takes. fastify refuses a bare hop
 * count (it trusts nothing then), so hops become a trust function: the peer and the next
 * `hops - 1` forwarded entries are proxies, the entry after them is the client.
 */
export function fastifyTrustProxy(
  setting: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (setting === false || setting === 0) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return [...setting];
}
