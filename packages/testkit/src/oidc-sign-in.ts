import * as oidc from 'openid-client';
import { Browser, readForm } from './browser.js';

export interface PasswordSignIn {
  /** The issuer as apps see it, e.g. http://127.0.0.1:8080/oidc (through the gateway). */
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** The login form's fields: tenant, login (email, mobile number or NIK), password. */
  tenant: string;
  login: string;
  password: string;
  scope?: string;
  /** Extra authorization parameters, e.g. ui_locales. */
  parameters?: Record<string, string>;
  /**
   * The API's resource indicator, sent with the code (RFC 8707) to get the API's JWT access
   * token; without it the access token is the one userinfo accepts.
   */
  resource?: string;
}

export interface SignedIn {
  configuration: oidc.Configuration;
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
}

/** What the hosted pages answered on the way, for tests of the pages themselves. */
export interface PageVisit {
  url: string;
  status: number;
  body: string;
}

/**
 * Runs the authorization-code flow with PKCE the way a browser would: follows the redirects,
 * fills in the hosted login page and accepts the consent page, then redeems the code with
 * `openid-client`. Only for tests and the local demo (`./balai token`); apps use a browser.
 */
export async function signInWithPassword(options: PasswordSignIn, visits: PageVisit[] = []): Promise<SignedIn> {
  const configuration = await oidc.discovery(new URL(options.issuer), options.clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: options.redirectUri,
    scope: options.scope ?? 'openid profile offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    tenant: options.tenant,
    ...options.parameters,
  });
  const callback = await browse(authorizationUrl, options, visits);
  const tokens = await oidc.authorizationCodeGrant(
    configuration,
    callback,
    { pkceCodeVerifier: verifier, expectedState: state },
    options.resource ? { resource: options.resource } : {},
  );
  return { configuration, tokens };
}

/** Signs in on the hosted pages: each page's form is filled in and posted until the callback. */
async function browse(start: URL, options: PasswordSignIn, visits: PageVisit[]): Promise<URL> {
  const browser = new Browser();
  let next = await browser.follow(start);
  for (let page = 0; page < 5; page += 1) {
    if (next.url.startsWith(options.redirectUri)) return new URL(next.url);
    const body = await next.response.text();
    visits.push({ url: next.url, status: next.response.status, body });
    const form = next.response.status === 200 ? readForm(body, next.url) : null;
    if (!form) {
      throw new Error(
        `sign-in stopped at ${new URL(next.url).pathname} (${next.response.status}): ${body.slice(0, 300)}`,
      );
    }
    const filled: Record<string, string> = { tenant: options.tenant, login: options.login, password: options.password };
    for (const [name, value] of Object.entries(filled)) if (form.fields.has(name)) form.fields.set(name, value);
    const posted = await browser.postForm(form.action, form.fields);
    const location = posted.headers.get('location');
    if (posted.status < 300 || posted.status >= 400 || !location) {
      const text = await posted.text();
      visits.push({ url: form.action, status: posted.status, body: text });
      throw new Error(
        `sign-in form at ${new URL(form.action).pathname} answered ${posted.status}: ${text.slice(0, 300)}`,
      );
    }
    next = await browser.follow(new URL(location, form.action));
  }
  throw new Error('sign-in did not reach the redirect URI after 5 pages');
}
