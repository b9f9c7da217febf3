import type { Problem, ResponseBody } from '@balai/client';
import { testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  newNik,
  signInNewCitizen,
  startAnalyticsFor,
  startComplaintsFor,
  startGatewayFor,
  startIdentityFor,
  type TestIdentity,
} from './helpers.js';

/*
 * The gateway's abuse limits with their defaults (every other e2e test raises them), against
 * the real identity: a citizen's whole journey never meets them, a script meets them at once.
 * All requests come from 127.0.0.1, so the journey runs first, the floods after.
 */

const ns = testNamespace(import.meta.filename);
const tenant = '36.73';
let identity: TestIdentity;
let gatewayUrl: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  identity = await startIdentityFor(ns);
  const [analytics, complaints] = await Promise.all([
    startAnalyticsFor(ns),
    startComplaintsFor(ns, { identityGrpcPort: identity.service.grpcPort }),
  ]);
  // RATE_LIMITS empty: the defaults, as in production.
  const gateway = await startGatewayFor({ complaints: complaints.grpcPort, analytics: analytics.grpcPort }, identity, {
    RATE_LIMITS: '',
  });
  gatewayUrl = gateway.url.replace('0.0.0.0', '127.0.0.1');
  stop = async () => {
    await gateway.stop();
    await Promise.all([identity.service.stop(), complaints.stop(), analytics.stop()]);
  };
});

afterAll(async () => {
  await stop?.();
});

/** Sends `count` requests, `concurrency` at a time, and returns their statuses in order. */
async function flood(count: number, concurrency: number, send: (index: number) => Promise<Response>) {
  const statuses: Array<{ status: number; retryAfter: string | null; code?: string }> = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const response = await send(index);
        const body = response.status === 429 ? ((await response.json()) as Problem) : undefined;
        if (!body) await response.arrayBuffer();
        statuses[index] = {
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          code: body?.code,
        };
      }
    }),
  );
  return statuses;
}

describe('abuse limits at their defaults', () => {
  it("should never refuse a citizen's whole journey", async () => {
    const seen: number[] = [];
    const api = async (method: string, path: string, options: Parameters<typeof callApi>[3] = {}) => {
      const response = await callApi(gatewayUrl, method, path, options);
      seen.push(response.status);
      return response;
    };
    // Register, verify by SMS code, sign in on the hosted pages (code + PKCE): about a dozen requests.
    const { accessToken: token, signedIn } = await signInNewCitizen(gatewayUrl, identity, tenant);
    await api('GET', '/openapi.json');
    await api('GET', '/v1/complaint-categories', { tenant });
    const filed = await api('POST', '/v1/complaints', {
      token,
      body: {
        categoryCode: 'roads.pothole',
        description: 'Jalan berlubang di depan sekolah dasar',
        latitude: -6.12,
        longitude: 106.15,
      },
    });
    expect(filed.status).toBe(201);
    const complaint = (await filed.json()) as ResponseBody<'/v1/complaints', 'post'>;
    for (let look = 0; look < 20; look += 1) await api('GET', `/v1/complaints/${complaint.id}`, { token });
    await api('GET', '/v1/complaints?mine=true', { token });
    await api('GET', `/v1/complaints/nearby?categoryCode=roads.pothole&latitude=-6.12&longitude=106.15`, { token });
    await api('POST', `/v1/complaints/${complaint.id}/comments`, {
      token,
      body: { text: 'Mohon segera diperbaiki, berbahaya bagi anak-anak', expectedVersion: complaint.version },
    });
    await api('POST', `/v1/complaints/${complaint.id}/withdrawal`, {
      token,
      body: { expectedVersion: complaint.version + 1 },
    });
    // A token refresh, as an app does every few minutes.
    const refreshed = await fetch(`${identity.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: String(signedIn.tokens.refresh_token),
        client_id: 'balai-web',
      }),
    });
    seen.push(refreshed.status);
    expect(seen).not.toContain(429);
    expect(seen.filter((status) => status >= 500)).toEqual([]);
  });

  it('should meet 429s within 300 quick token requests with a wrong client secret', async () => {
    const statuses = await flood(300, 10, () =>
      fetch(`${identity.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('balai-web:not-the-secret').toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      }),
    );
    const limited = statuses.filter((entry) => entry.status === 429);
    expect(limited.length).toBeGreaterThan(200);
    expect(limited.every((entry) => entry.code === 'RATE_LIMITED' && Number(entry.retryAfter) > 0)).toBe(true);
    // Until the limit, identity answered each one itself: a client error, never a 5xx.
    expect(statuses.filter((entry) => entry.status !== 429).every((entry) => entry.status < 500)).toBe(true);
  });

  it('should meet 429s within 300 registrations for one e-mail address, and send it at most one notice', async () => {
    const email = `sasaran.${Date.now()}@example.org`;
    const before = identity.messages.length;
    const statuses = await flood(300, 5, () =>
      callApi(gatewayUrl, 'POST', '/v1/citizens/registrations', {
        tenant,
        body: { nik: newNik('36'), fullName: 'Warga Coba', email, password: 'kopi tubruk pagi hari' },
      }),
    );
    const limited = statuses.filter((entry) => entry.status === 429);
    expect(limited.length).toBeGreaterThan(250);
    expect(statuses.filter((entry) => entry.status !== 429).every((entry) => entry.status === 202)).toBe(true);
    // The first registration's code, and no flood of "someone tried to register" notices.
    const sent = identity.messages.slice(before).filter((message) => message.to === email);
    expect(sent.length).toBeLessThanOrEqual(2);
  });
});
