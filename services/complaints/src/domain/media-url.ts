import { textCharacterProblem } from '@balai/platform';
import ipaddr from 'ipaddr.js';

/*
 * Media URLs (photos, videos already uploaded) as complaints stores them. Threat (security probe,
 * issue 11): they are shown to staff and the public, and whatever later fetches them (a
 * thumbnailer, an export, a browser inside the network) must not be pointed at the platform's
 * own network, nor the page that shows them be handed markup. What is refused is refused, never
 * repaired; what is kept is the WHATWG URL parser's form of it.
 */

export const maxMediaUrlLength = 2048;

/** Whitespace, quotes, angle brackets and backticks are markup; a backslash is read as "/". */
const markupOrWhitespace = /[\s<>"'`\\]/u;
/** The scheme as sent, any case; `https:example.org` and `https:/x` are not taken for URLs. */
const httpsPrefix = /^https:\/\//i;
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
 * refused: not a string of at most 2048 characters starting `https://`, control characters,
 * markup or whitespace, credentials (`user:pass@`), or a host that is not public.
 */
export function checkMediaUrl(value: unknown): MediaUrlCheck {
  if (typeof value !== 'string') return { problem: 'must be an https URL' };
  if (value.length > maxMediaUrlLength) return { problem: `must be at most ${maxMediaUrlLength} characters` };
  const characters = textCharacterProblem(value, 'single');
  if (characters) return { problem: characters };
  if (markupOrWhitespace.test(value)) {
    return { problem: 'must not contain whitespace, quotes, angle brackets, backticks or backslashes' };
  }
  if (!httpsPrefix.test(value)) return { problem: 'must be an https URL' };
  // The authority as the URL parser reads it (backslashes are refused above): an `@` there, even
  // with nothing before it, is credentials.
  const authority = value.slice('https://'.length).split(/[/?#]/, 1)[0] ?? '';
  if (authority === '') return { problem: 'must be an https URL' };
  if (authority.includes('@')) return { problem: 'must not contain credentials (user:password@)' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'must be an https URL' };
  }
  const problem = hostProblem(url.hostname);
  if (problem) return { problem };
  if (url.href.length > maxMediaUrlLength) {
    return { problem: `must be at most ${maxMediaUrlLength} characters once normalised` };
  }
  return { url: url.href };
}
