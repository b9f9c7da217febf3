import { type Browser, readForm } from '@balai/testkit';
import { expectOpen311Valid, open311ErrorList, parseXml, xmlChildren, xmlFields } from '@balai/testkit/open311';
import type { Db } from 'mongodb';
import * as oidc from 'openid-client';
import { expect } from 'vitest';

/*
 * What security-probes.int.test.ts needs besides its tables: an answer as the test reads it, the
 * checks every refusal must pass, what the databases hold, and the authorization-code flow driven
 * by hand (the testkit's sign-in redeems the code at once; a probe wants the code itself).
 */

/** An HTTP answer, read once. */
export interface Answer {
  status: number;
  contentType: string;
  location: string | null;
  body: string;
}

export async function answerOf(response: Response): Promise<Answer> {
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    location: response.headers.get('location'),
    body: await response.text(),
  };
}

/** Stack frames, module paths or driver words: what a body must never show a caller. */
const internals = /\bat [\w.<>]+ \(|node_modules|\/work\/|MongoServerError|E11000|BSONError/;

/**
 * A refusal in problem+json (RFC 9457): one of the statuses, a body whose `status` is the HTTP
 * status and whose `code` is a stable code, nothing internal.
 */
export function expectProblem(answer: Answer, statuses: readonly number[], code?: string | RegExp): void {
  expect(statuses, answer.body.slice(0, 500)).toContain(answer.status);
  expect(answer.contentType).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.body) as { status: number; code: string; type: string; title: string };
  expect(problem).toMatchObject({ status: answer.status, code: expect.stringMatching(/^[A-Z][A-Z_]+$/) });
  expect(problem.type).toMatch(/^https:\/\//);
  if (code !== undefined) expect(problem.code).toMatch(typeof code === 'string' ? new RegExp(`^${code}$`) : code);
  expect(answer.body).not.toMatch(internals);
}

/**
 * A refusal as Open311 clients read it, in the format the path named: `[{code, description}]`
 * valid against the specification's error schema, or a well-formed `<errors><error>` document,
 * each error's code the HTTP status.
 */
export function expectOpen311Errors(
  answer: Answer,
  format: 'json' | 'xml',
  statuses: readonly number[],
  description?: RegExp,
): string[] {
  expect(statuses, answer.body.slice(0, 500)).toContain(answer.status);
  expect(answer.body).not.toMatch(internals);
  if (format === 'xml') {
    expect(answer.contentType).toMatch(/^text\/xml/);
    const root = parseXml(answer.body);
    expect(root.nodeName).toBe('errors');
    const errors = xmlChildren(root, 'error').map((error) => Object.fromEntries(xmlFields(error)));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.code).toBe(String(answer.status));
    if (description) expect(errors.map((error) => error.description).join('\n')).toMatch(description);
    return errors.map((error) => error.description ?? '');
  }
  expect(answer.contentType).toMatch(/^application\/json/);
  const errors = JSON.parse(answer.body) as Array<{ code: number; description: string }>;
  expectOpen311Valid(open311ErrorList, errors);
  for (const error of errors) expect(error.code).toBe(answer.status);
  if (description) expect(errors.map((error) => error.description).join('\n')).toMatch(description);
  return errors.map((error) => error.description);
}

/** An OAuth 2 error answer (RFC 6749 §5.2): JSON with `error`, never a token. */
export function expectOAuthError(answer: Answer, statuses: readonly number[], error: string | RegExp): void {
  expect(statuses, answer.body.slice(0, 500)).toContain(answer.status);
  const body = JSON.parse(answer.body) as { error: string; access_token?: string };
  expect(body.error, answer.body).toMatch(typeof error === 'string' ? new RegExp(`^${error}$`) : error);
  expect(body.access_token).toBeUndefined();
}

/**
 * How many documents each collection of these databases holds, but the abuse-limit counters,
 * which count every request by design, refused ones included.
 */
export async function storedDocuments(databases: Db[]): Promise<Record<string, number>> {
  const volatile = /limit_counters|rate_limit/i;
  const counts: Record<string, number> = {};
  for (const db of databases) {
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (volatile.test(name)) continue;
      counts[`${db.databaseName}.${name}`] = await db.collection(name).countDocuments();
    }
  }
  return counts;
}

/** The demo web app's authorization request, as a browser sends it, with a fresh PKCE pair. */
export async function authorizationRequest(
  issuer: string,
  client: { clientId: string; redirectUri: string },
  overrides: Record<string, string | null> = {},
): Promise<{ url: URL; verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const params: Record<string, string | null> = {
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope: 'openid offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    tenant: '36.73',
    ...overrides,
  };
  const url = new URL(`${issuer}/auth`);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  return { url, verifier, state };
}

/**
 * Follows an authorization request through the hosted pages in `browser`, signing in with the
 * login and password when a form asks, and answers where it left the provider: the redirect to
 * the client (with its code or error), or the provider's own answer when it never redirected.
 */
export async function authorizeInBrowser(
  browser: Browser,
  url: URL,
  credentials: { tenant: string; login: string; password: string },
): Promise<{ callback: URL | null; answer: Answer }> {
  let next = await browser.follow(url);
  for (let page = 0; page < 5; page += 1) {
    if (new URL(next.url).origin !== url.origin) {
      // The browser stopped at the redirect leaving the provider, its body already discarded.
      const { status, headers } = next.response;
      const answer = { status, contentType: headers.get('content-type') ?? '', location: next.url, body: '' };
      return { callback: new URL(next.url), answer };
    }
    const read = await answerOf(next.response);
    const form = read.status === 200 ? readForm(read.body, next.url) : null;
    if (!form) return { callback: null, answer: read };
    for (const [name, value] of Object.entries(credentials)) if (form.fields.has(name)) form.fields.set(name, value);
    const posted = await browser.postForm(form.action, form.fields);
    const location = posted.headers.get('location');
    if (posted.status < 300 || posted.status >= 400 || !location) {
      return { callback: null, answer: await answerOf(posted) };
    }
    next = await browser.follow(new URL(location, form.action));
  }
  throw new Error('the authorization request did not leave the provider after 5 pages');
}

/** A token request to the provider, form-encoded, with HTTP Basic credentials when given. */
export async function tokenRequest(
  issuer: string,
  fields: Record<string, string> | string,
  basic?: { clientId: string; secret: string },
): Promise<Answer> {
  return answerOf(
    await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(basic
          ? { authorization: `Basic ${Buffer.from(`${basic.clientId}:${basic.secret}`).toString('base64')}` }
          : {}),
      },
      body: typeof fields === 'string' ? fields : new URLSearchParams(fields).toString(),
    }),
  );
}
