import { randomBytes } from 'node:crypto';
import { isRole, type Logger, tenantIdPattern } from '@balai/platform';
import Provider, {
  type Account,
  type AdapterFactory,
  type Client,
  type Configuration,
  errors,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { clientSecretMatches } from '../../data/oidc/oauth-client-repository.js';
import type { AccountClaims, AccountDirectory } from '../../use-cases/oidc/account-directory.js';
import type { ProviderKeys } from '../../use-cases/oidc/key-ring.js';
import { messagesFor, pageSecurityHeaders, pickLocale, renderMessagePage } from './interaction-pages.js';

export interface ProviderSettings {
  issuer: string;
  apiResource: string;
  apiAudience: string;
  accessTokenTtlSeconds: number;
  idTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /**
   * Whether X-Forwarded-Proto/-Host/-For are believed (some TRUSTED_PROXIES are configured).
   * They only ever arrive from a trusted proxy: identity's HTTP server removes anyone else's
   * (trusted-proxies.ts, `honourTrustedProxiesOnly`).
   */
  trustForwardedHeaders: boolean;
}

export interface ProviderDependencies {
  settings: ProviderSettings;
  keys: ProviderKeys;
  adapter: AdapterFactory;
  accounts: AccountDirectory;
  logger: Logger;
}

/** Session cookies and interactions: how long a browser stays signed in, how long a login page lives. */
const sessionTtlSeconds = 14 * 24 * 3600;
const interactionTtlSeconds = 3600;
const authorizationCodeTtlSeconds = 60;

/** The path the provider is mounted at: the issuer's (the gateway forwards it unchanged). */
export function issuerPath(issuer: string): string {
  return new URL(issuer).pathname.replace(/\/$/, '');
}

/** Balai's own apps: their users are not asked to consent (client metadata `first_party`). */
export function isFirstParty(client: Client | undefined): boolean {
  return (client as { first_party?: unknown } | undefined)?.first_party === true;
}

/**
 * Scope → claims. The tenant, roles and agency come with `openid` itself: every Balai client
 * needs them to know whose data it shows, and the access token always carries them.
 */
const claimsByScope = {
  openid: ['sub', 'tenant_id', 'roles', 'agency_id'],
  profile: ['name'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** The API's own scope: what machine clients ask for (they have no OIDC scopes). */
const apiScope = 'balai';

/**
 * The scopes the API resource accepts, so its access tokens carry them in `scope` (oidc-provider
 * keeps of the granted scopes only those the resource server lists; with `balai` alone, a user's
 * token had an empty scope). Every scope of the provider: the OIDC ones say what the app may read
 * of the user at the API too (`/v1/me` shows the e-mail address only with `email` and the phone
 * number only with `phone`, as userinfo does); `offline_access` that the app holds a refresh token.
 */
const apiResourceScopes = ['openid', 'profile', 'email', 'phone', 'offline_access', apiScope];

function oidcClaims(sub: string, account: AccountClaims): Record<string, unknown> {
  return {
    sub,
    tenant_id: account.tenantId,
    roles: account.roles,
    ...(account.agencyId ? { agency_id: account.agencyId } : {}),
    name: account.fullName,
    ...(account.email ? { email: account.email, email_verified: account.emailVerified } : {}),
    ...(account.phone ? { phone_number: account.phone, phone_number_verified: account.phoneVerified } : {}),
  };
}

function validateExtraClientMetadata(_ctx: KoaContextWithOIDC | undefined, key: string, value: unknown): void {
  const invalid = (message: string) => new errors.InvalidClientMetadata(`${key} ${message}`);
  switch (key) {
    case 'tenant_id':
      if (value !== undefined && (typeof value !== 'string' || !tenantIdPattern.test(value)))
        throw invalid('must be a region code');
      return;
    case 'roles':
      if (
        value !== undefined &&
        (!Array.isArray(value) || !value.every((role) => typeof role === 'string' && isRole(role)))
      ) {
        throw invalid('must be an array of Balai roles');
      }
      return;
    case 'first_party':
      if (value !== undefined && typeof value !== 'boolean') throw invalid('must be a boolean');
      return;
  }
}

function htmlPage(
  ctx: KoaContextWithOIDC,
  status: number,
  title: (locale: 'id' | 'en') => string,
  message: string,
): void {
  const locale = pickLocale({ acceptLanguage: ctx.get('accept-language') });
  const nonce = randomBytes(16).toString('base64url');
  ctx.status = status;
  ctx.type = 'html';
  ctx.set(pageSecurityHeaders(nonce));
  ctx.set('content-language', locale);
  ctx.body = renderMessagePage({ locale, nonce, title: title(locale), message });
}

/**
 * The provider's configuration: authorization code with PKCE (S256) for every client, refresh
 * tokens rotated on every use (oidc-provider revokes the whole grant when a used one comes
 * back), client credentials, revocation, userinfo; no implicit/hybrid flows, no password grant
 * (oidc-provider has none). Access tokens are RFC 9068 JWTs (ES256) for the API resource.
 */
function providerConfiguration(deps: ProviderDependencies): Configuration {
  const { settings, accounts } = deps;
  const apiServer = {
    scope: apiResourceScopes.join(' '),
    audience: settings.apiAudience,
    accessTokenFormat: 'jwt' as const,
    accessTokenTTL: settings.accessTokenTtlSeconds,
    jwt: { sign: { alg: 'ES256' as const } },
  };
  const path = issuerPath(settings.issuer);
  return {
    adapter: deps.adapter,
    clients: [],
    jwks: deps.keys.jwks as Configuration['jwks'],
    cookies: {
      keys: deps.keys.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    async findAccount(_ctx, sub): Promise<Account | undefined> {
      const account = await accounts.claims(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => oidcClaims(sub, account) as { sub: string } };
    },
    claims: claimsByScope,
    // `balai` is also an API resource scope; listed so clients may register it.
    scopes: apiResourceScopes,
    // The ID token carries the granted claims too: clients need the tenant and roles from it.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    extraClientMetadata: {
      properties: ['tenant_id', 'roles', 'first_party'],
      validator: validateExtraClientMetadata,
    },
    // The login page preselects this tenant (apps of one city send it).
    extraParams: ['tenant'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    async issueRefreshToken(_ctx, client, code) {
      return client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || isFirstParty(client));
    },
    ttl: {
      AccessToken: settings.accessTokenTtlSeconds,
      ClientCredentials: settings.accessTokenTtlSeconds,
      IdToken: settings.idTokenTtlSeconds,
      RefreshToken: settings.refreshTokenTtlSeconds,
      Grant: settings.refreshTokenTtlSeconds,
      AuthorizationCode: authorizationCodeTtlSeconds,
      Interaction: interactionTtlSeconds,
      Session: sessionTtlSeconds,
    },
    async extraTokenClaims(ctx, token) {
      if (token.kind === 'ClientCredentials') {
        const client = ctx.oidc.client as (Client & { tenant_id?: string; roles?: string[] }) | undefined;
        return { tenant_id: client?.tenant_id, roles: client?.roles ?? [] };
      }
      const accountId = (token as { accountId?: string }).accountId;
      const account = accountId ? await accounts.claims(accountId) : null;
      if (!account) return undefined;
      return {
        tenant_id: account.tenantId,
        roles: account.roles,
        ...(account.agencyId ? { agency_id: account.agencyId } : {}),
      };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: {
        enabled: true,
        // A client revokes only its own tokens (a public client's attempt on another's is ignored, RFC 7009 §2.1).
        allowedPolicy: async (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      userinfo: { enabled: true },
      introspection: { enabled: false },
      registration: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => settings.apiResource,
        // RFC 8707 as written: a token request naming `resource=urn:balai:api` gets the API's JWT; one
        // naming no resource gets the token userinfo accepts (oidc-provider refuses API tokens there).
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== settings.apiResource) throw new errors.InvalidTarget();
          return apiServer;
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          const locale = pickLocale({ acceptLanguage: ctx.get('accept-language') });
          const nonce = randomBytes(16).toString('base64url');
          const yes = locale === 'id' ? 'Ya, keluar' : 'Yes, sign me out';
          const title = locale === 'id' ? 'Keluar?' : 'Sign out?';
          ctx.type = 'html';
          ctx.set(pageSecurityHeaders(nonce));
          ctx.set('content-language', locale);
          // `form` is oidc-provider's own markup (with its CSRF field); nothing user-supplied.
          ctx.body = renderMessagePage({ locale, nonce, title, message: '' }).replace(
            '<p></p>',
            `${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">${yes}</button>`,
          );
        },
        async postLogoutSuccessSource(ctx) {
          htmlPage(ctx, 200, (locale) => (locale === 'id' ? 'Anda sudah keluar' : 'You are signed out'), '');
        },
      },
    },
    interactions: {
      url: async (_ctx, interaction) => `${path}/interaction/${interaction.uid}`,
    },
    async loadExistingGrant(ctx) {
      const { client, session, provider } = ctx.oidc;
      const grantId = ctx.oidc.result?.consent?.grantId ?? (client ? session?.grantIdFor(client.clientId) : undefined);
      const existing = grantId ? await provider.Grant.find(grantId) : undefined;
      if (!client || !session?.accountId || !isFirstParty(client)) return existing;
      // Balai's own apps get what they ask for without a consent page.
      const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
      for (const [indicator, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
        const scopes = [...ctx.oidc.requestParamScopes].filter((scope) => server.scopes.has(scope));
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      const expired = out.error === 'session_not_found';
      const locale = pickLocale({ acceptLanguage: ctx.get('accept-language') });
      const t = messagesFor(locale);
      htmlPage(
        ctx,
        ctx.status || 400,
        () => (expired ? t.expiredTitle : t.errorTitle),
        String(out.error_description ?? out.error ?? ''),
      );
    },
    discovery: {
      ui_locales_supported: ['id-ID', 'en'],
      claims_locales_supported: undefined,
    },
  };
}

/** A provider instance for the current keys; rebuilt by oidc-service.ts when they change. */
export function createProvider(deps: ProviderDependencies): Provider {
  const provider = new Provider(deps.settings.issuer, providerConfiguration(deps));
  // X-Forwarded-Proto/-Host from the gateway: endpoint URLs come out with the public origin.
  // Anyone else's were removed before the provider sees the request (honourTrustedProxiesOnly).
  provider.proxy = deps.settings.trustForwardedHeaders;
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: Client, actual: string) {
    return clientSecretMatches(this.clientSecret, actual);
  };
  const log = deps.logger;
  // Only codes and names: error messages and contexts may carry tokens, codes or parameters.
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => {
    log.error({ code: 'OIDC_SERVER_ERROR', error: error.name, route: ctx.oidc?.route }, 'OIDC provider error');
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: { error?: string; error_description?: string }) => {
    if (error.error_description === 'refresh token already used') {
      log.warn(
        { code: 'REFRESH_TOKEN_REUSED', clientId: ctx.oidc?.client?.clientId },
        'refresh token reused: its grant is revoked',
      );
    }
  });
  return provider;
}
