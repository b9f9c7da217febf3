import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyInstance } from 'fastify';
import { plainAddress } from '../domain/client-address.js';

type Trust = (address: string, hop: number) => boolean;

/** The list as proxy-addr reads it (addresses, CIDRs, `loopback`, `linklocal`, `uniquelocal`); `none` is empty. */
function entriesOf(list: string): string[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.length === 1 && entries[0] === 'none' ? [] : entries;
}

function compile(list: string): Trust | null {
  const entries = entriesOf(list);
  return entries.length === 0 ? null : proxyAddr.compile(entries);
}

/** What is wrong with a TRUSTED_PROXIES value, or null when it is usable (config.ts refuses to start otherwise). */
export function trustedProxiesProblem(list: string): string | null {
  try {
    compile(list);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The proxies whose forwarding headers identity believes (TRUSTED_PROXIES), matched by
 * @fastify/proxy-addr: the same library, and the same notation, as fastify's own `trustProxy`
 * (the gateway's TRUSTED_PROXIES).
 */
export class TrustedProxies {
  private constructor(private readonly trust: Trust | null) {}

  static parse(list: string): TrustedProxies {
    try {
      return new TrustedProxies(compile(list));
    } catch (error) {
      throw new Error(`TRUSTED_PROXIES: ${(error as Error).message}`);
    }
  }

  /** False when nobody is trusted: the OIDC provider then ignores forwarding headers itself too. */
  get any(): boolean {
    return this.trust !== null;
  }

  trusts(address: string | undefined): boolean {
    return Boolean(address && this.trust && isIP(address) !== 0 && this.trust(address, 0));
  }

  /**
   * The client's address, as proxy-addr finds it: from the socket outward through
   * X-Forwarded-For (right to left), the first address that is not a trusted proxy. Entries left
   * of it were written by the client and may be forged. An entry that is no address is left to
   * the proxy that passed it on: the peer's own address is the client's then.
   */
  clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined): string {
    const peer = socketAddress ? plainAddress(socketAddress) : 'unknown';
    if (!this.trust || !this.trusts(socketAddress)) return peer;
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    // [peer, the hop before it, …] up to the first one not trusted.
    const hops = proxyAddr.all(
      { headers: { 'x-forwarded-for': header }, socket: { remoteAddress: socketAddress } } as never,
      this.trust,
    );
    const client = hops.at(-1) ?? peer;
    if (isIP(client) !== 0) return plainAddress(client);
    return plainAddress(hops.at(-2) ?? peer);
  }
}

/**
 * Makes identity's HTTP port believe forwarding headers from trusted proxies only: from any other
 * peer, every `X-Forwarded-*` and `Forwarded` header is removed before a route or the OIDC
 * provider (`proxy = true`, so it builds its URLs from X-Forwarded-Proto/-Host) sees it. From a
 * trusted one, X-Forwarded-For is reduced to the client address found through it, since the
 * provider (Koa) would otherwise take its first, client-written entry.
 */
export function honourTrustedProxiesOnly(app: FastifyInstance, proxies: TrustedProxies): void {
  app.addHook('onRequest', async (request) => {
    const { headers, socket } = request.raw;
    const peer = socket.remoteAddress;
    if (proxies.trusts(peer)) {
      if (headers['x-forwarded-for'] !== undefined) {
        headers['x-forwarded-for'] = proxies.clientAddress(peer, headers['x-forwarded-for']);
      }
      return;
    }
    for (const name of Object.keys(headers)) {
      if (name.startsWith('x-forwarded-') || name === 'forwarded') delete headers[name];
    }
  });
}
