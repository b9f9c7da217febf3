import { AppError } from '@balai/platform';
import { describe, expect, it, vi } from 'vitest';
import type { Caller } from '../../domain/access-token.js';
import { createPartnerKeyAuthenticator, type PartnerKeyOptions } from './open311-api-keys.js';

const apiKeyOf = (clientId: string, secret: string) => Buffer.from(`${clientId}:${secret}`).toString('base64url');
const goodKey = apiKeyOf('partner-app-1', 's3cret:with colon');
const partner: Caller = {
  subject: 'partner-app-1',
  clientId: 'partner-app-1',
  tenantId: '36.73',
  roles: ['open311_partner'],
  scopes: [],
};

function tokenResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function setup(overrides: Partial<PartnerKeyOptions> = {}) {
  let clock = 1_000_000;
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) =>
    tokenResponse(200, { access_token: 'the-token', token_type: 'Bearer', expires_in: 600 }),
  );
  const verify = vi.fn(async (_token: string) => partner);
  const authenticator = createPartnerKeyAuthenticator({
    tokenEndpoint: 'http://identity.internal:7101/oidc/token',
    publicUrl: 'https://api.balai.example',
    resource: 'urn:balai:api',
    verify,
    timeoutMs: 1000,
    fetch: fetch as unknown as typeof globalThis.fetch,
    now: () => clock,
    ...overrides,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { authenticator, fetch, verify, advance };
}

describe('createPartnerKeyAuthenticator', () => {
  it('should exchange the key with client credentials at the token endpoint, as the /oidc proxy would', async () => {
    const { authenticator, fetch, verify } = setup();
    await expect(authenticator.authenticate(goodKey)).resolves.toEqual({ ok: true, partner });
    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('http://identity.internal:7101/oidc/token');
    const headers = init?.headers as Record<string, string>;
    expect(headers['x-forwarded-proto']).toBe('https');
    expect(headers['x-forwarded-host']).toBe('api.balai.example');
    // RFC 6749 §2.3.1: each part form-encoded before Basic.
    expect(Buffer.from(headers.authorization?.replace('Basic ', '') ?? '', 'base64').toString()).toBe(
      'partner-app-1:s3cret%3Awith+colon',
    );
    expect(Object.fromEntries(new URLSearchParams(String(init?.body)))).toEqual({
      grant_type: 'client_credentials',
      resource: 'urn:balai:api',
      scope: 'balai',
    });
    expect(verify).toHaveBeenCalledWith('the-token');
  });

  it('should answer from the cache until shortly before the token expires, then exchange again', async () => {
    const { authenticator, fetch, advance } = setup();
    await authenticator.authenticate(goodKey);
    advance(569_000);
    await authenticator.authenticate(goodKey);
    expect(fetch).toHaveBeenCalledTimes(1);
    advance(2_000);
    await authenticator.authenticate(goodKey);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('should exchange a key once for concurrent requests', async () => {
    const { authenticator, fetch } = setup();
    await Promise.all([authenticator.authenticate(goodKey), authenticator.authenticate(goodKey)]);
    expect(fetch).toHaveBeenCalledOnce();
  });

  it.each(['invalid_client', 'invalid_grant', 'unauthorized_client', 'invalid_target'])(
    'should call a key refused with %s invalid, and remember that briefly',
    async (error) => {
      const { authenticator, fetch, advance } = setup();
      fetch.mockImplementation(async () => tokenResponse(error === 'invalid_client' ? 401 : 400, { error }));
      await expect(authenticator.authenticate(goodKey)).resolves.toEqual({ ok: false });
      await expect(authenticator.authenticate(goodKey)).resolves.toEqual({ ok: false });
      expect(fetch).toHaveBeenCalledOnce();
      advance(31_000);
      await authenticator.authenticate(goodKey);
      expect(fetch).toHaveBeenCalledTimes(2);
    },
  );

  it('should not call identity for a key that is not of the api_key form', async () => {
    const { authenticator, fetch } = setup();
    await expect(authenticator.authenticate('%%%')).resolves.toEqual({ ok: false });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('should refuse the key of a machine client that is not a partner app', async () => {
    const { authenticator, verify } = setup();
    verify.mockResolvedValue({ ...partner, roles: ['analyst'] });
    await expect(authenticator.authenticate(goodKey)).resolves.toEqual({ ok: false });
  });

  it('should throw UPSTREAM_UNAVAILABLE when identity is down, and not remember it', async () => {
    const { authenticator, fetch } = setup();
    fetch.mockRejectedValueOnce(new TypeError('fetch failed'));
    await expect(authenticator.authenticate(goodKey)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    fetch.mockResolvedValueOnce(tokenResponse(503, { error: 'server_error' }));
    await expect(authenticator.authenticate(goodKey)).rejects.toBeInstanceOf(AppError);
    await expect(authenticator.authenticate(goodKey)).resolves.toEqual({ ok: true, partner });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('should fail (not answer "invalid key") when its own verifier refuses the token: a configuration fault', async () => {
    const { authenticator, verify } = setup();
    verify.mockRejectedValue(new AppError('UNAUTHENTICATED', 'The access token is not valid'));
    const error = await authenticator.authenticate(goodKey).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AppError);
  });

  it('should keep at most maxEntries keys, dropping the oldest', async () => {
    const { authenticator, fetch } = setup({ maxEntries: 2 });
    const keys = ['a', 'b', 'c'].map((id) => apiKeyOf(`client-${id}`, 'secret'));
    for (const key of keys) await authenticator.authenticate(key);
    await authenticator.authenticate(keys[2] ?? '');
    expect(fetch).toHaveBeenCalledTimes(3);
    await authenticator.authenticate(keys[0] ?? '');
    expect(fetch).toHaveBeenCalledTimes(4);
  });
});
