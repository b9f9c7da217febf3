import { type Role, roles } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccess } from '../domain/access-token.js';
import { routeAccessTable } from './authentication.js';
import { accessToken, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

/**
 * Who may call what, written out by hand. The route table must match it exactly, so a new
 * route fails this test until someone decides here who may call it.
 */
const expectedAccess: Record<string, 'public' | 'proxy' | Role[]> = {
  'GET /healthz': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'GET /docs/assets/:file': 'public',
  'GET /v1/tenants': 'public',
  'GET /v1/permit-types': 'public',
  'POST /v1/complaints': ['citizen', 'officer'],
  'GET /v1/complaints/:id': 'public',
  // Any signed-in caller; the service gives staff the staff view and everyone else the public view.
  'GET /v1/complaints': [
    'citizen',
    'officer',
    'supervisor',
    'permit_reviewer',
    'permit_approver',
    'analyst',
    'tenant_admin',
    'platform_admin',
    'open311_partner',
  ],
  'GET /v1/complaints/nearby': 'public',
  'POST /v1/complaints/:id/assignment': ['officer', 'supervisor', 'tenant_admin', 'platform_admin'],
  'POST /v1/complaints/:id/reassignment-request': ['officer'],
  'POST /v1/complaints/:id/resolution': ['officer', 'supervisor'],
  'POST /v1/complaints/:id/rejection': ['officer', 'supervisor'],
  'POST /v1/complaints/:id/withdrawal': ['citizen', 'officer'],
  'POST /v1/complaints/:id/reopening': ['citizen', 'officer'],
  'POST /v1/complaints/:id/rating': ['citizen', 'officer'],
  'POST /v1/complaints/:id/comments': ['citizen', 'officer', 'supervisor', 'tenant_admin', 'platform_admin'],
  'POST /v1/complaints/:id/duplicate-of': ['officer', 'supervisor'],
  'GET /v1/complaint-categories': 'public',
  'GET /v1/complaint-categories/:code': 'public',
  'PUT /v1/complaint-categories/:code': ['tenant_admin', 'platform_admin'],
  'GET /v1/analytics/complaints/summary': ['analyst', 'supervisor', 'tenant_admin', 'platform_admin'],
  'POST /v1/citizens/registrations': 'public',
  'POST /v1/accounts/verification': 'public',
  'POST /v1/accounts/verification/resend': 'public',
  'POST /v1/accounts/activation': 'public',
  'GET /v1/agencies': 'public',
  'GET /v1/tenants/:tenantId/settings': 'public',
  'POST /v1/agencies': ['tenant_admin', 'platform_admin'],
  'GET /v1/staff': ['tenant_admin', 'platform_admin'],
  // Any signed-in caller's own account (a machine client's token gets 404 from identity).
  'GET /v1/me': [
    'citizen',
    'officer',
    'supervisor',
    'permit_reviewer',
    'permit_approver',
    'analyst',
    'tenant_admin',
    'platform_admin',
    'open311_partner',
  ],
  // Identity further keeps officers and supervisors to their own agency (403 otherwise).
  'GET /v1/agencies/:agencyId/officers': ['officer', 'supervisor', 'tenant_admin', 'platform_admin'],
  'POST /v1/staff': ['tenant_admin', 'platform_admin'],
  'PATCH /v1/staff/:id': ['tenant_admin', 'platform_admin'],
  'POST /v1/staff/:id/deactivation': ['tenant_admin', 'platform_admin'],
  'PATCH /v1/tenants/:tenantId/settings': ['tenant_admin', 'platform_admin'],
  'POST /v1/partner-apps': ['tenant_admin', 'platform_admin'],
  'GET /v1/partner-apps': ['tenant_admin', 'platform_admin'],
  'DELETE /v1/partner-apps/:clientId': ['tenant_admin', 'platform_admin'],
  'GET /open311/v2/discovery.:format': 'public',
  'GET /open311/v2/services.:format': 'public',
  'GET /open311/v2/services/:file': 'public',
  // The api_key of POST requests travels in the form; the route checks it (open311-api-keys.ts).
  'POST /open311/v2/requests.:format': 'public',
  'GET /open311/v2/requests.:format': 'public',
  'GET /open311/v2/requests/:file': 'public',
  'GET /open311/v2/tokens/:file': 'public',
  'GET /open311/v2/servicerequestupdates.:format': 'public',
};

/** Proxied OIDC endpoints: every method fastify routes, under /oidc. */
const isProxyRoute = (url: string) => url === '/oidc' || url.startsWith('/oidc/');

let key: SigningKey;
let app: FastifyInstance;

beforeAll(async () => {
  key = await newSigningKey('matrix-key');
  app = await testGateway([key]);
  await app.ready();
});

afterAll(() => app?.close());

function declaredRoutes(): Array<{ method: string; url: string; access: RouteAccess }> {
  // HEAD routes are fastify's automatic twins of GET routes and share their access.
  return routeAccessTable(app).filter((route) => route.method !== 'HEAD');
}

function concreteUrl(url: string): string {
  return url
    .replace(/:tenantId\b/g, '36.73')
    .replace(/:[A-Za-z]+/g, 'some-id')
    .replace('*', 'anything');
}

describe('authorisation matrix', () => {
  it('should declare access for exactly the routes this test expects', () => {
    const declared = declaredRoutes().filter((route) => !isProxyRoute(route.url));
    expect(Object.fromEntries(declared.map((r) => [`${r.method} ${r.url}`, r.access]))).toEqual(
      Object.fromEntries(
        Object.entries(expectedAccess).map(([route, access]) => [
          route,
          typeof access === 'string' ? access : expect.objectContaining({ roles: expect.arrayContaining(access) }),
        ]),
      ),
    );
    for (const route of declared) {
      const expected = expectedAccess[`${route.method} ${route.url}`];
      if (typeof route.access === 'object' && Array.isArray(expected)) {
        expect([...route.access.roles].sort()).toEqual([...expected].sort());
      }
    }
  });

  it('should pass every OIDC endpoint through untouched', () => {
    const proxied = declaredRoutes().filter((route) => isProxyRoute(route.url));
    expect(proxied.length).toBeGreaterThan(0);
    for (const route of proxied) expect(route.access).toBe('proxy');
  });

  const callers: Array<Role | 'anonymous'> = ['anonymous', ...roles];

  it.each(callers)('should allow and refuse routes for %s as declared', async (caller) => {
    const token = caller === 'anonymous' ? null : await accessToken(key, { roles: [caller], tenantId: '36.73' });
    const outcomes: string[] = [];
    const expectedOutcomes: string[] = [];
    for (const route of declaredRoutes()) {
      // Proxied routes get no body: light-my-request cannot stream one to an unreachable upstream.
      const withBody = ['POST', 'PUT', 'PATCH'].includes(route.method) && route.access !== 'proxy';
      const response = await app.inject({
        method: route.method as 'GET',
        url: concreteUrl(route.url),
        headers: {
          'x-balai-tenant': '36.73',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(withBody ? { 'content-type': 'application/json' } : {}),
        },
        ...(withBody ? { payload: '{}' } : {}),
      });
      const access = route.access;
      const allowed = typeof access === 'string' || (caller !== 'anonymous' && access.roles.includes(caller));
      const refusal = caller === 'anonymous' ? 401 : 403;
      expectedOutcomes.push(`${route.method} ${route.url} ${allowed ? 'allowed' : refusal}`);
      outcomes.push(
        `${route.method} ${route.url} ${[401, 403].includes(response.statusCode) ? response.statusCode : 'allowed'}`,
      );
    }
    expect(outcomes).toEqual(expectedOutcomes);
  });
});
