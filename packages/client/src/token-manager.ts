import { createStore, del, get, set } from 'idb-keyval';
import type { AccessTokenSource } from './client.js';

/** The tokens of one sign-in, as kept between calls (and between tabs). */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires, in milliseconds since the epoch (this device's clock). */
  expiresAt: number;
  /** When to refresh it: shortly before it expires. */
  refreshAt: number;
}

/** The OAuth token endpoint's answer (RFC 6749 §5.1). */
export interface TokenEndpointResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
  id_token?: string;
  scope?: string;
}

/**
 * Where the tokens live. Tabs that should share a sign-in must share it; after taking the refresh
 * lock a manager reads it again, so it never presents a refresh token another tab has already
 * used. That read must see what the last lock holder wrote: IndexedDB guarantees it (its
 * transactions are ordered across tabs); localStorage does not (Chromium gives each renderer
 * process its own copy, updated a moment later).
 */
export interface TokenStorage {
  load(): TokenSet | null | Promise<TokenSet | null>;
  save(tokens: TokenSet | null): void | Promise<void>;
}

/** The part of the Web Locks API the manager uses (navigator.locks in browsers and Node ≥ 24). */
interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface TokenManagerOptions {
  /** The OIDC token endpoint, e.g. https://api.balai.example/oidc/token. */
  tokenEndpoint: string;
  /** The revocation endpoint (RFC 7009), e.g. …/oidc/token/revocation: signOut() revokes there. */
  revocationEndpoint?: string;
  /** The public client's id (balai-web for the demo app). */
  clientId: string;
  /** The API's resource indicator, sent with each refresh (RFC 8707). */
  resource?: string;
  /** Default: IndexedDB in a browser, memory elsewhere. */
  storage?: TokenStorage;
  /** Refresh this long before the access token expires (at most half its lifetime). Default 30 s. */
  refreshMarginSeconds?: number;
  /**
   * Names the Web Lock (`<name>-token-refresh`), the BroadcastChannel and the IndexedDB key
   * (`<name>-tokens`). Default `balai`; an app with several sign-ins gives each its own.
   */
  name?: string;
  /**
   * Default navigator.locks (browsers, Node ≥ 24); null, or a runtime without it: refreshes are
   * serialised within this process only.
   */
  locks?: LockManagerLike | null;
  /** Called once the refresh token is refused (expired, revoked, reused): the user signs in again. */
  onSignedOut?: (reason: string) => void;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/** The token endpoint refused the refresh (the sign-in is over) or could not be reached. */
export class TokenRefreshError extends Error {
  constructor(
    message: string,
    /** The OAuth error (`invalid_grant` when the refresh token is no longer valid). */
    readonly error: string | null,
    /** True when the sign-in is over and the tokens were dropped. */
    readonly signedOut: boolean,
  ) {
    super(message);
    this.name = 'TokenRefreshError';
  }
}

/** Keeps the tokens in memory: Node processes, tests, or apps that keep nothing on the device. */
export function memoryTokenStorage(initial: TokenSet | null = null): TokenStorage {
  let tokens = initial;
  return {
    load: () => tokens,
    save: (next) => {
      tokens = next;
    },
  };
}

/** Keeps the tokens in IndexedDB (database `balai`, store `tokens`), which every tab of the origin shares. */
export function browserTokenStorage(key = 'balai-tokens'): TokenStorage {
  const store = createStore('balai', 'tokens');
  return {
    load: async () => (await get<TokenSet>(key, store)) ?? null,
    save: (tokens) => (tokens ? set(key, tokens, store) : del(key, store)),
  };
}

/**
 * The part of BroadcastChannel the manager uses, typed here because browsers' and Node's
 * declarations of it differ (the package compiles against either).
 */
interface Channel {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
  /** Node only: a channel that is listened to keeps the process alive unless unref'd. */
  unref?(): void;
}

type ChannelMessage = { kind: 'refreshed'; tokens: TokenSet } | { kind: 'signed-out'; reason: string };

/**
 * The lock of runtimes without the Web Locks API: serialises the refreshes of every manager of
 * this process that uses the same name, as navigator.locks would (it cannot reach other tabs).
 */
const processLockTails = new Map<string, Promise<unknown>>();
const processLocks: LockManagerLike = {
  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const run = (processLockTails.get(name) ?? Promise.resolve()).then(callback);
    const tail = run.catch(() => undefined);
    processLockTails.set(name, tail);
    void tail.then(() => {
      if (processLockTails.get(name) === tail) processLockTails.delete(name);
    });
    return run;
  },
};

/**
 * Holds one sign-in's tokens and refreshes them, one refresh at a time across the tabs of an
 * origin. Identity rotates refresh tokens strictly: presenting one twice ends the whole sign-in.
 * So a refresh runs under a Web Lock, re-reads the stored tokens once it holds the lock (another
 * tab may have refreshed while it waited) and only then spends the refresh token; the new tokens
 * go to the storage and, through a BroadcastChannel, to the other tabs.
 */
export class TokenManager implements AccessTokenSource {
  readonly #options: TokenManagerOptions;
  readonly #storage: TokenStorage;
  readonly #locks: LockManagerLike;
  readonly #lockName: string;
  readonly #channel: Channel | null;
  readonly #listeners = new Set<(tokens: TokenSet | null) => void>();
  #inFlight: Promise<string | null> | null = null;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    const name = options.name ?? 'balai';
    this.#lockName = `${name}-token-refresh`;
    this.#storage =
      options.storage ?? ('indexedDB' in globalThis ? browserTokenStorage(`${name}-tokens`) : memoryTokenStorage());
    const nativeLocks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
    this.#locks = (options.locks === undefined ? nativeLocks : options.locks) ?? processLocks;
    this.#channel =
      typeof BroadcastChannel === 'undefined' ? null : (new BroadcastChannel(`${name}-tokens`) as unknown as Channel);
    if (this.#channel) {
      this.#channel.unref?.();
      this.#channel.onmessage = (event) => {
        const message = event.data as ChannelMessage;
        if (message.kind === 'refreshed') this.#notify(message.tokens);
        else {
          this.#notify(null);
          this.#options.onSignedOut?.(message.reason);
        }
      };
    }
  }

  /**
   * Redeems the authorization code of a code + PKCE sign-in (the redirect's `code`, the verifier
   * kept since the authorization request) and keeps the tokens.
   */
  async exchangeCode(grant: { code: string; codeVerifier: string; redirectUri: string }): Promise<TokenSet> {
    const response = await this.#post({
      grant_type: 'authorization_code',
      code: grant.code,
      code_verifier: grant.codeVerifier,
      redirect_uri: grant.redirectUri,
    });
    if (!response.ok || typeof response.body.access_token !== 'string') {
      const reason = response.body.error ?? `token endpoint answered ${response.status}`;
      throw new TokenRefreshError(
        `the code exchange was refused: ${response.body.error_description ?? reason}`,
        reason,
        true,
      );
    }
    return this.signedIn(response.body as TokenEndpointResponse);
  }

  /** Stores the tokens of a new sign-in (the code exchange's answer) and tells the other tabs. */
  async signedIn(response: TokenEndpointResponse): Promise<TokenSet> {
    const tokens = this.#tokenSet(response, null);
    await this.#storage.save(tokens);
    this.#publish({ kind: 'refreshed', tokens });
    this.#notify(tokens);
    return tokens;
  }

  /**
   * Forgets the tokens here and in the other tabs, and revokes the refresh token (the whole
   * sign-in) when a revocation endpoint is configured. Then end the login session at
   * /oidc/session/end.
   */
  async signOut(reason = 'signed out'): Promise<void> {
    const current = await this.#storage.load();
    await this.#forget(reason);
    if (this.#options.revocationEndpoint && current?.refreshToken) {
      // Best effort: the tokens are gone from this device whatever the provider answers.
      await (this.#options.fetch ?? globalThis.fetch)(this.#options.revocationEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: current.refreshToken,
          token_type_hint: 'refresh_token',
          client_id: this.#options.clientId,
        }),
      }).catch(() => undefined);
    }
  }

  /** Drops the tokens in every tab: the sign-in is over. */
  async #forget(reason: string): Promise<void> {
    await this.#storage.save(null);
    this.#publish({ kind: 'signed-out', reason });
    this.#notify(null);
  }

  async tokens(): Promise<TokenSet | null> {
    return this.#storage.load();
  }

  /** Calls `listener` with the new tokens whenever a refresh or sign-out happens in any tab. */
  subscribe(listener: (tokens: TokenSet | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async accessToken(): Promise<string | null> {
    const tokens = await this.#storage.load();
    if (!tokens) return null;
    if (!this.#expiresSoon(tokens)) return tokens.accessToken;
    return this.#refresh((current) => this.#expiresSoon(current));
  }

  async refreshAfterRejection(rejected: string): Promise<string | null> {
    // Refresh only if the stored token is still the rejected one: otherwise someone already did.
    return this.#refresh((current) => current.accessToken === rejected);
  }

  /** Stops listening to the other tabs (a Node process exits only once the channel is closed). */
  close(): void {
    this.#channel?.close();
    this.#listeners.clear();
  }

  #refresh(stillNeeded: (current: TokenSet) => boolean): Promise<string | null> {
    // Callers in this tab wait for the refresh under way instead of queuing for the lock.
    if (this.#inFlight) return this.#inFlight;
    const refresh = this.#locks
      .request(this.#lockName, async () => {
        const current = await this.#storage.load();
        if (!current) return null;
        if (!stillNeeded(current)) return current.accessToken;
        return (await this.#redeem(current)).accessToken;
      })
      .finally(() => {
        this.#inFlight = null;
      });
    this.#inFlight = refresh;
    return refresh;
  }

  async #redeem(current: TokenSet): Promise<TokenSet> {
    if (!current.refreshToken) {
      await this.#forget('no refresh token');
      throw new TokenRefreshError('the sign-in has no refresh token', null, true);
    }
    const { ok, status, body } = await this.#post({ grant_type: 'refresh_token', refresh_token: current.refreshToken });
    if (ok && typeof body.access_token === 'string') {
      const tokens = this.#tokenSet(body as TokenEndpointResponse, current.refreshToken);
      await this.#storage.save(tokens);
      this.#publish({ kind: 'refreshed', tokens });
      this.#notify(tokens);
      return tokens;
    }
    // invalid_grant: expired, revoked or already used. Keeping it would only fail again.
    if (status === 400 || status === 401) {
      const reason = body.error ?? `token endpoint answered ${status}`;
      await this.#forget(reason);
      this.#options.onSignedOut?.(reason);
      throw new TokenRefreshError(`the refresh was refused: ${body.error_description ?? reason}`, reason, true);
    }
    throw new TokenRefreshError(`the token endpoint answered ${status}`, body.error ?? null, false);
  }

  /** A form POST to the token endpoint as this public client, with the API's resource. */
  async #post(parameters: Record<string, string>): Promise<{
    ok: boolean;
    status: number;
    body: Partial<TokenEndpointResponse> & { error?: string; error_description?: string };
  }> {
    const form = new URLSearchParams({
      ...parameters,
      client_id: this.#options.clientId,
      ...(this.#options.resource ? { resource: this.#options.resource } : {}),
    });
    const fetcher = this.#options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetcher(this.#options.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
      });
    } catch (error) {
      throw new TokenRefreshError(`the token endpoint could not be reached: ${String(error)}`, null, false);
    }
    const body = ((await response.json().catch(() => null)) ?? {}) as Partial<TokenEndpointResponse> & {
      error?: string;
      error_description?: string;
    };
    return { ok: response.ok, status: response.status, body };
  }

  #tokenSet(response: TokenEndpointResponse, previousRefreshToken: string | null): TokenSet {
    const lifetimeMs = (response.expires_in ?? 300) * 1000;
    const marginMs = Math.min((this.#options.refreshMarginSeconds ?? 30) * 1000, lifetimeMs / 2);
    const expiresAt = this.#now() + lifetimeMs;
    return {
      accessToken: response.access_token,
      // Rotation gives a new refresh token each time; a provider that does not keeps the old one.
      refreshToken: response.refresh_token ?? previousRefreshToken,
      expiresAt,
      refreshAt: expiresAt - marginMs,
    };
  }

  #expiresSoon(tokens: TokenSet): boolean {
    return this.#now() >= tokens.refreshAt;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  #publish(message: ChannelMessage): void {
    this.#channel?.postMessage(message);
  }

  #notify(tokens: TokenSet | null): void {
    for (const listener of this.#listeners) listener(tokens);
  }
}
