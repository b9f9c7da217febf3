import { httpsUrlProblem, maxHttpsUrlLength } from '@balai/platform';
import ipaddr from 'ipaddr.js';

/*
 * Media URLs (photos, videos already uploaded) as complaints stores them. Threat (security probe,
 * issue 11): they are shown to staff and the public, and whatever later fetches them (a
 * thumbnailer, an export, a browser inside the network) must not be pointed at the platform's
 * own network, nor the page that shows them be handed markup. What is refused is refused, never
 * repaired; what is kept is the WHATWG URL parser's form of it.
 */

/**
 * Names that only resolve inside a network: RFC 6761 `.localhost`, RFC 6762 `.local` (mDNS) and
 * `.internal` (reserved for private use by ICANN in 2024).
 */
const localNameSuffixes = ['.localhost', '.local', '.internal'];

export type MediaUrlCheck = { url: string; problem?: undefined } | { url?: undefined; problem: string };

/**
 * Whether an IP address (as the URL parser wrote the host: dotted IPv4, IPv6 without brackets)
 * is one the public internet routes to one place. An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 * counts as its IPv4 address; everything ipaddr.js does not call `unicast` is refused: private,
 * loopback, link-local, CGNAT, unique local, unspecified, multicast, broadcast, reserved,
 * documentation and benchmarking ranges, and IPv6 ranges embedding another address (6to4,
 * Teredo, NAT64).
 */
function isPublicAddress(address: string): boolean {
  return ipaddr.process(address).range() === 'unicast';
}

/** Why the host of a parsed https URL is not a public one, or null. */
function hostProblem(hostname: string): string | null {
  const addressProblem = 'must not point to a private, loopback, link-local or reserved address';
  if (hostname.startsWith('[')) return isPublicAddress(hostname.slice(1, -1)) ? null : addressProblem;
  // The parser writes every IPv4 host (0x7f.1, 2130706433, full-width digits) as four decimals.
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) return isPublicAddress(hostname) ? null : addressProblem;
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  // `localhost`, and any other name without a dot, which resolvers complete with their search
  // domains: an internal host.
  if (!name.includes('.') || localNameSuffixes.some((suffix) => name.endsWith(suffix))) {
    return 'must not point to a local or internal host name';
  }
  return null;
}

/**
 * Checks a media URL as a caller sent it and returns the form to store (lower-case host,
 * punycode, default port dropped, path percent-encoded by the WHATWG URL parser), or why it is
 * refused: not an https URL by shape (the platform's httpsUrl field: length, control characters,
 * markup or whitespace, credentials), not one the URL parser reads, or a host that is not public.
 */
export function checkMediaUrl(value: unknown): MediaUrlCheck {
  const shape = httpsUrlProblem(value);
  if (shape !== null || typeof value !== 'string') return { problem: shape ?? 'must be an https URL' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'must be an https URL' };
  }
  const problem = hostProblem(url.hostname);
  if (problem) return { problem };
  if (url.href.length > maxHttpsUrlLength) {
    return { problem: `must be at most ${maxHttpsUrlLength} characters once normalised` };
  }
  return { url: url.href };
}
