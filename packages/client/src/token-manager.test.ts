import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryTokenStorage, TokenManager, type TokenManagerOptions, TokenRefreshError } from './token-manager.js';

/**
 * A token endpoint that rotates refresh tokens as identity does: each one is good once, and
 * presenting a spent one revokes the whole sign-in (reuse detection).
 */
class RotatingTokenEndpoint {
  readonly url = 'https://balai.test/oidc/token';
  refreshes = 0;
  reuses = 0;
  revoked = false;
  readonly #spent = new Set<string>();
  #issued = 0;

  issue() {
    this.#issued += 1;
    return { access_token: `access-${this.#issued}`, refresh_token: `refresh-${this.#issued}`, expires_in: 300 };
  }

  readonly fetch: typeof globalThis.fetch = async (_input, init) => {
    const form = new URLSearchParams(String(init?.body));
    // Slow enough that concurrent callers overlap, as real tabs do.
    await sleep(20);
    const refreshToken = form.get('refresh_token') ?? '';
    if (form.get('grant_type') !== 'refresh_token' || form.get('client_id') !== 'balai-web') {
      return Response.json({ error: 'invalid_request' }, { status: 400 });
    }
    if (this.#spent.has(refreshToken)) {
      this.reuses += 1;
      this.revoked = true;
    }
    if (this.revoked || !refreshToken.startsWith('refresh-')) {
      return Response.json({ error: 'invalid_grant' }, { status: 400 });
    }
    this.#spent.add(refreshToken);
    this.refreshes += 1;
    return Response.json(this.issue());
  };
}

let managers: TokenManager[] = [];

afterEach(() => {
  for (const manager of managers) manager.close();
  managers = [];
});

/** Two tabs of one origin: the same storage (localStorage), the same lock and channel name. */
function twoTabs(overrides: Partial<TokenManagerOptions> = {}, secondTab: Partial<TokenManagerOptions> = {}) {
  const endpoint = new RotatingTokenEndpoint();
  const clock = { now: Date.parse('2026-12-03T08:00:00Z') };
  const storage = memoryTokenStorage();
  const options: TokenManagerOptions = {
    tokenEndpoint: endpoint.url,
    clientId: 'balai-web',
    resource: 'urn:balai:api',
    storage,
    fetch: endpoint.fetch,
    now: () => clock.now,
    // A name per test: Web Locks and BroadcastChannels are process-wide in Node.
    name: `test-${crypto.randomUUID()}`,
    ...overrides,
  };
  const first = new TokenManager(options);
  const second = new TokenManager({ ...options, ...secondTab });
  managers.push(first, second);
  /** Past the point where the current access token is due for a refresh. */
  const expire = () => {
    clock.now += 290_000;
  };
  return { endpoint, clock, storage, first, second, expire };
}

describe('TokenManager', () => {
  it('should refresh once when both tabs find the access token about to expire at the same moment', async () => {
    const { endpoint, first, second, expire } = twoTabs();
    await first.signedIn(endpoint.issue());
    expire();

    const tokens = await Promise.all([
      first.accessToken(),
      second.accessToken(),
      first.accessToken(),
      second.accessToken(),
    ]);

    expect(endpoint.refreshes).toBe(1);
    expect(endpoint.reuses).toBe(0);
    expect(new Set(tokens)).toEqual(new Set(['access-2']));
  });

  it('should not refresh before the margin before expiry', async () => {
    const { endpoint, clock, first } = twoTabs();
    await first.signedIn(endpoint.issue());
    clock.now += 260_000;
    expect(await first.accessToken()).toBe('access-1');
    clock.now += 20_000;
    expect(await first.accessToken()).toBe('access-2');
    expect(endpoint.refreshes).toBe(1);
  });

  it('should refresh once when both tabs are refused (401) with the same access token', async () => {
    const { endpoint, first, second } = twoTabs();
    await first.signedIn(endpoint.issue());

    const retried = await Promise.all([
      first.refreshAfterRejection('access-1'),
      second.refreshAfterRejection('access-1'),
    ]);

    expect(retried).toEqual(['access-2', 'access-2']);
    expect(endpoint.refreshes).toBe(1);
  });

  it('should take the other tab’s new tokens instead of spending a refresh token twice', async () => {
    const { endpoint, first, second, expire } = twoTabs();
    await first.signedIn(endpoint.issue());
    // Several refreshes, each started by whichever tab calls first, the other one following.
    for (let round = 0; round < 5; round += 1) {
      expire();
      const [leader, follower] = round % 2 === 0 ? [first, second] : [second, first];
      const stale = (await leader.tokens())?.accessToken ?? '';
      const fresh = await leader.accessToken();
      expect(await follower.refreshAfterRejection(stale)).toBe(fresh);
      expect(await follower.accessToken()).toBe(fresh);
    }
    expect(endpoint.refreshes).toBe(5);
    expect(endpoint.reuses).toBe(0);
  });

  it('should tell the other tab about new tokens through the BroadcastChannel', async () => {
    const { endpoint, first, second, expire } = twoTabs();
    const heard = new Promise((resolve) => second.subscribe(resolve));
    await first.signedIn(endpoint.issue());
    expect(await heard).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });

    const refreshed = new Promise((resolve) =>
      second.subscribe((tokens) => tokens?.accessToken === 'access-2' && resolve(tokens)),
    );
    expire();
    await first.accessToken();
    expect(await refreshed).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  it('should sign every tab out when the refresh token is refused', async () => {
    let otherTabHeard: (reason: string) => void = () => {};
    const heard = new Promise<string>((resolve) => {
      otherTabHeard = resolve;
    });
    const { endpoint, first, second, storage, expire } = twoTabs(
      {},
      { onSignedOut: (reason) => otherTabHeard(reason) },
    );
    await first.signedIn(endpoint.issue());
    endpoint.revoked = true;
    expire();

    const refused = await first.accessToken().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TokenRefreshError);
    expect(refused).toMatchObject({ error: 'invalid_grant', signedOut: true });
    expect(await storage.load()).toBeNull();
    expect(await second.accessToken()).toBeNull();
    expect(await heard).toBe('invalid_grant');
  });

  it('should serialise the refreshes of one process without the Web Locks API', async () => {
    const { endpoint, first, second, expire } = twoTabs({ locks: null });
    await first.signedIn(endpoint.issue());
    expire();
    await Promise.all([first.accessToken(), second.accessToken(), second.refreshAfterRejection('access-1')]);
    expect(endpoint.refreshes).toBe(1);
    expect(endpoint.reuses).toBe(0);
  });

  it('should keep the tokens when the token endpoint cannot be reached', async () => {
    const { endpoint, first, storage, expire } = twoTabs({
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await first.signedIn(endpoint.issue());
    expire();
    await expect(first.accessToken()).rejects.toMatchObject({ signedOut: false });
    expect(await storage.load()).toMatchObject({ refreshToken: 'refresh-1' });
  });

  it('should revoke the refresh token and sign every tab out on signOut()', async () => {
    const revoked: string[] = [];
    const { endpoint, first, second, storage } = twoTabs({
      revocationEndpoint: 'https://balai.test/oidc/token/revocation',
      fetch: async (_input, init) => {
        revoked.push(new URLSearchParams(String(init?.body)).get('token') ?? '');
        return new Response(null, { status: 200 });
      },
    });
    const heard = new Promise((resolve) => second.subscribe(resolve));
    await first.signedIn(endpoint.issue());
    await heard;
    const signedOut = new Promise((resolve) => second.subscribe((tokens) => tokens === null && resolve(tokens)));

    await first.signOut();

    expect(revoked).toEqual(['refresh-1']);
    expect(await storage.load()).toBeNull();
    expect(await signedOut).toBeNull();
    expect(await second.accessToken()).toBeNull();
  });
});
