import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { honourTrustedProxiesOnly, TrustedProxies, trustedProxiesProblem } from './trusted-proxies.js';

describe('TRUSTED_PROXIES', () => {
  it('should accept addresses, CIDRs, named ranges and none', () => {
    for (const list of ['127.0.0.1,::1', '10.0.0.0/8, fd00::/8', 'loopback,uniquelocal', 'none', '']) {
      expect(trustedProxiesProblem(list)).toBeNull();
    }
  });

  it('should name what is wrong with a malformed entry', () => {
    expect(trustedProxiesProblem('127.0.0.1,gateway')).toContain('gateway');
    expect(trustedProxiesProblem('10.0.0.0/33')).toContain('10.0.0.0/33');
    expect(trustedProxiesProblem('10.0.0.0/x')).toContain('10.0.0.0/x');
    expect(trustedProxiesProblem('10.0.0.0/8')).toBeNull();
  });

  it('should match addresses and subnets, IPv4-mapped peers included', () => {
    const proxies = TrustedProxies.parse('127.0.0.1,::1,10.0.0.0/8');
    expect(proxies.any).toBe(true);
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '::1', '10.244.3.7', '::ffff:10.1.1.1']) {
      expect(proxies.trusts(address)).toBe(true);
    }
    for (const address of ['127.0.0.2', '11.0.0.1', '1.2.3.4', 'garbage', '', undefined]) {
      expect(proxies.trusts(address)).toBe(false);
    }
    expect(TrustedProxies.parse('none').any).toBe(false);
    expect(TrustedProxies.parse('none').trusts('127.0.0.1')).toBe(false);
  });
});

describe('TrustedProxies.clientAddress', () => {
  const proxies = TrustedProxies.parse('127.0.0.1,10.0.0.0/8');

  it("should take an untrusted peer's own address, whatever it forwards", () => {
    expect(proxies.clientAddress('203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
    expect(proxies.clientAddress('::ffff:203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
  });

  it('should walk X-Forwarded-For from the right past trusted proxies only', () => {
    expect(proxies.clientAddress('127.0.0.1', '1.2.3.4')).toBe('1.2.3.4');
    expect(proxies.clientAddress('127.0.0.1', 'forged, 1.2.3.4, 10.0.0.5')).toBe('1.2.3.4');
    expect(proxies.clientAddress('127.0.0.1', ['9.9.9.9', '1.2.3.4'])).toBe('1.2.3.4');
    expect(proxies.clientAddress('127.0.0.1', '10.0.0.6, 10.0.0.5')).toBe('10.0.0.6');
    expect(proxies.clientAddress('127.0.0.1', undefined)).toBe('127.0.0.1');
  });

  it('should let the proxy answer for a malformed entry it passed on', () => {
    expect(proxies.clientAddress('127.0.0.1', 'not-an-address')).toBe('127.0.0.1');
    expect(proxies.clientAddress('127.0.0.1', 'x, 10.0.0.5')).toBe('10.0.0.5');
  });
});

describe('honourTrustedProxiesOnly', () => {
  async function echoHeaders(trusted: string) {
    const app = Fastify();
    honourTrustedProxiesOnly(app, TrustedProxies.parse(trusted));
    app.get('/echo', async (request) => request.headers);
    await app.ready();
    return app;
  }

  const forwarded = {
    'x-forwarded-for': 'forged, 1.2.3.4',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil.example',
    forwarded: 'for=1.2.3.4',
  };

  it("should remove an untrusted peer's forwarding headers", async () => {
    const app = await echoHeaders('127.0.0.1');
    const response = await app.inject({ url: '/echo', remoteAddress: '203.0.113.9', headers: forwarded });
    const headers = response.json<Record<string, string>>();
    for (const name of Object.keys(forwarded)) expect(headers[name]).toBeUndefined();
    await app.close();
  });

  it("should keep a trusted proxy's, with X-Forwarded-For reduced to the client found through it", async () => {
    const app = await echoHeaders('127.0.0.1');
    const response = await app.inject({ url: '/echo', remoteAddress: '127.0.0.1', headers: forwarded });
    expect(response.json()).toMatchObject({
      'x-forwarded-for': '1.2.3.4',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
    });
    await app.close();
  });
});
