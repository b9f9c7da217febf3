import { createBalaiClient, ok, TokenManager } from '@balai/client';
import type { CitizenApp } from './app-api.js';

/*
 * The smallest citizen app: what a front-end team builds from the README and the client package.
 * Served from http://127.0.0.1:5173 (the demo client's registered origin) by the browser test,
 * which drives it through `window.balai`.
 */

interface AppConfig {
  apiUrl: string;
  clientId: string;
  redirectUri: string;
  tenant: string;
}

declare global {
  interface Window {
    balaiConfig: AppConfig;
    balai: CitizenApp;
  }
}

const config = window.balaiConfig;
const issuer = `${config.apiUrl}/oidc`;
/** What this tab saw happen, for the test to read. */
const seen = { accessTokens: [] as string[], signedOut: [] as string[] };

const tokens = new TokenManager({
  tokenEndpoint: `${issuer}/token`,
  clientId: config.clientId,
  resource: 'urn:balai:api',
  onSignedOut: (reason) => seen.signedOut.push(reason),
});
tokens.subscribe((current) => {
  if (current && !seen.accessTokens.includes(current.accessToken)) seen.accessTokens.push(current.accessToken);
});
const api = createBalaiClient({ baseUrl: config.apiUrl, tenant: config.tenant, language: 'en', auth: tokens });

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** Authorization code + PKCE: off to the hosted login page, back at /callback. */
async function signIn(): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem('balai-sign-in', JSON.stringify({ verifier, state }));
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: 'openid profile offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    tenant: config.tenant,
    ui_locales: 'en',
  }).toString();
  location.assign(authorize);
}

async function completeSignIn(): Promise<void> {
  const url = new URL(location.href);
  if (url.pathname !== '/callback') return;
  const pending = JSON.parse(sessionStorage.getItem('balai-sign-in') ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  const code = url.searchParams.get('code');
  if (!pending || !code || url.searchParams.get('state') !== pending.state) {
    throw new Error(`sign-in callback without a matching state: ${url.search}`);
  }
  sessionStorage.removeItem('balai-sign-in');
  await tokens.exchangeCode({ code, codeVerifier: pending.verifier, redirectUri: config.redirectUri });
  history.replaceState(null, '', '/');
}

const app: CitizenApp = {
  ready: completeSignIn(),
  seen,
  signIn,
  signedIn: async () => (await tokens.tokens()) !== null,
  categories: () => ok(api.GET('/v1/complaint-categories')),
  submit: (body) => ok(api.POST('/v1/complaints', { body })),
  mine: () => ok(api.GET('/v1/complaints', { params: { query: { mine: true, order: 'newest' } } })),
  read: (id) => ok(api.GET('/v1/complaints/{id}', { params: { path: { id } } })),
};

window.balai = app;
