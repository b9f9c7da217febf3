import { randomBytes } from 'node:crypto';
import { clientIdPattern, isRole, type Role, tenantIdPattern } from '@balai/platform';
import type { ClientMetadata } from 'oidc-provider';
import {
  hashClientSecret,
  type OAuthClientRepository,
  type PartnerApp,
} from '../../data/oidc/oauth-client-repository.js';
import type { PartnerAppFields } from '../../data/oidc/oidc.schema.js';

/** Scopes a browser (end-user) client may ask for; see docs/identity.md. */
const userScopes = 'openid profile email phone offline_access balai';

/**
 * A client to register:
 * - `browser`: a public client (SPA or native app) — authorization code with PKCE, refresh
 *   tokens, no secret. `firstParty` clients (Balai's own apps) skip the consent page.
 * - `machine`: a confidential client for client credentials (partners, analysts): it acts as
 *   itself in one tenant with fixed roles, which its access tokens carry.
 */
export type ClientRegistration =
  | {
      kind: 'browser';
      clientId?: string;
      name: string;
      redirectUris: string[];
      postLogoutRedirectUris?: string[];
      firstParty?: boolean;
    }
  | { kind: 'machine'; clientId?: string; name: string; tenantId: string; roles: Role[] };

export interface RegisteredClient {
  clientId: string;
  /** Only for machine clients, only here: it is stored hashed and cannot be shown again. */
  clientSecret?: string;
}

export class ClientRegistrationError extends Error {
  override name = 'ClientRegistrationError';
  constructor(
    readonly code: 'CLIENT_ID_TAKEN' | 'CLIENT_METADATA_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/** Client metadata for a registration; with a machine client, its secret in plain (returned once). */
export function clientMetadataFor(registration: ClientRegistration): { metadata: ClientMetadata; secret?: string } {
  const clientId = registration.clientId ?? `balai-${randomBytes(12).toString('base64url')}`;
  if (!clientIdPattern.test(clientId)) {
    throw new ClientRegistrationError('CLIENT_METADATA_INVALID', 'client_id must be 3-128 of A-Z a-z 0-9 . _ -');
  }
  if (registration.kind === 'browser') {
    if (registration.redirectUris.length === 0) {
      throw new ClientRegistrationError('CLIENT_METADATA_INVALID', 'a browser client needs a redirect URI');
    }
    return {
      metadata: {
        client_id: clientId,
        client_name: registration.name,
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: registration.redirectUris,
        post_logout_redirect_uris: registration.postLogoutRedirectUris ?? [],
        scope: userScopes,
        first_party: registration.firstParty === true,
      },
    };
  }
  if (!tenantIdPattern.test(registration.tenantId)) {
    throw new ClientRegistrationError('CLIENT_METADATA_INVALID', 'tenantId is not a region code');
  }
  if (registration.roles.length === 0 || !registration.roles.every(isRole)) {
    throw new ClientRegistrationError('CLIENT_METADATA_INVALID', 'roles must be known Balai roles');
  }
  const secret = randomBytes(32).toString('base64url');
  return {
    secret,
    metadata: {
      client_id: clientId,
      client_name: registration.name,
      client_secret: hashClientSecret(secret),
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'balai',
      tenant_id: registration.tenantId,
      roles: [...registration.roles],
      first_party: false,
    },
  };
}

/**
 * Registers a client at runtime (tests, the partner onboarding of Open311). The provider reads
 * `oauth_clients` on every unknown client_id, so the client works at once on every instance.
 */
export async function registerClient(
  clients: OAuthClientRepository,
  registration: ClientRegistration,
): Promise<RegisteredClient> {
  const { metadata, secret } = clientMetadataFor(registration);
  if (!(await clients.insert(metadata))) {
    throw new ClientRegistrationError('CLIENT_ID_TAKEN', `client_id ${metadata.client_id} is taken`);
  }
  return secret === undefined
    ? { clientId: String(metadata.client_id) }
    : { clientId: String(metadata.client_id), clientSecret: secret };
}

/** The one role a partner app's tokens carry: it files complaints through Open311, nothing else. */
export const partnerAppRoles: Role[] = ['open311_partner'];

/**
 * Registers a partner app (Open311): a machine client of the tenant with the role
 * `open311_partner` and who the app is. The secret comes back here only.
 */
export async function registerPartnerClient(
  clients: Pick<OAuthClientRepository, 'insertPartnerApp'>,
  partner: PartnerAppFields & { tenantId: string },
): Promise<{ app: PartnerApp; clientSecret: string }> {
  const { metadata, secret } = clientMetadataFor({
    kind: 'machine',
    name: partner.name,
    tenantId: partner.tenantId,
    roles: partnerAppRoles,
  });
  if (secret === undefined) throw new Error('a machine client comes with a secret');
  const app = await clients.insertPartnerApp(metadata, {
    name: partner.name,
    contactEmail: partner.contactEmail,
    createdBy: partner.createdBy,
  });
  if (!app) throw new ClientRegistrationError('CLIENT_ID_TAKEN', `client_id ${metadata.client_id} is taken`);
  return { app, clientSecret: secret };
}

/**
 * The origins (scheme://host[:port]) of every browser client's redirect URIs, each once and
 * sorted: the apps the gateway lets call the API from a browser unless configured otherwise.
 */
export async function listWebClientOrigins(
  clients: Pick<OAuthClientRepository, 'webClientRedirectUris'>,
): Promise<string[]> {
  const origins = new Set<string>();
  for (const uri of (await clients.webClientRedirectUris()).flat()) {
    const url = URL.parse(uri);
    // Only http(s) pages are browser origins; a custom scheme (com.example.app:/cb) is not.
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) origins.add(url.origin);
  }
  return [...origins].sort();
}

/** Balai's own web app (the demo front end on Vite's port). */
export const balaiWebClient: ClientRegistration = {
  kind: 'browser',
  clientId: 'balai-web',
  name: 'Balai',
  redirectUris: ['http://127.0.0.1:5173/callback', 'http://localhost:5173/callback'],
  postLogoutRedirectUris: ['http://127.0.0.1:5173/', 'http://localhost:5173/'],
  firstParty: true,
};
