import { randomBytes } from 'node:crypto';
import type { Problem, ResponseBody } from '@balai/client';
import {
  freePort,
  infrastructureEndpoints,
  type ServiceProcess,
  signInWithPassword,
  startServiceProcess,
  testNamespace,
} from '@balai/testkit';
import { parseXml } from '@balai/testkit/open311';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiResource, callApi, gatewayEnv, newNik, serviceEnv, webClient } from './helpers.js';

/*
 * Issue 11's crash: one anonymous registration whose NIK had impossible birth-date digits took
 * identity down, because the validation message ("digits 7–12 …", an en dash) was put into an
 * ASCII-only gRPC metadata value, and the handler threw while answering. Every service runs
 * here as its own process, from its build, so a crash shows as an exited process rather than a
 * dead test worker; after 51 requests whose error paths carry non-ASCII text, all of them must
 * still be up and serving.
 */

const ns = testNamespace(import.meta.filename);
const tenant = '36.73';
const password = `kopi-tubruk-${randomBytes(6).toString('hex')}`;
const services: Record<string, ServiceProcess> = {};
let gatewayUrl: string;
let citizen: string;

/** Text that is legal JSON and legal UTF-8 in a URL, and that an ASCII-only header refuses. */
const hostile = [
  'é',
  'Jl. Raya Serang – Cilegon',
  'Cipocok Jaya — RT 02/RW 05',
  'Warga Ñandú',
  'Straße',
  'jalan rusak 🚧🕳️',
  'बाली',
  '中文地址',
  '\u202eRTL override',
  'ø Ødegård',
];

beforeAll(async () => {
  const gatewayPort = await freePort();
  const issuer = `http://127.0.0.1:${gatewayPort}/oidc`;
  services.identity = await startServiceProcess({
    service: 'identity',
    env: {
      ...serviceEnv(ns, 'identity'),
      OIDC_ISSUER: issuer,
      DEMO_PASSWORD: password,
      NOTIFICATION_SENDER: 'log',
    },
  });
  const identityGrpcPort = services.identity.grpcPort ?? 0;
  [services.complaints, services.permits, services.analytics] = await Promise.all([
    startServiceProcess({ service: 'complaints', env: serviceEnv(ns, 'complaints', { identityGrpcPort }) }),
    startServiceProcess({ service: 'permits', env: serviceEnv(ns, 'permits') }),
    startServiceProcess({ service: 'analytics', env: serviceEnv(ns, 'analytics') }),
  ]);
  services.gateway = await startServiceProcess({
    service: 'gateway',
    env: {
      ...gatewayEnv({
        identity: identityGrpcPort,
        complaints: services.complaints.grpcPort ?? 0,
        permits: services.permits.grpcPort ?? 0,
        analytics: services.analytics.grpcPort ?? 0,
      }),
      HTTP_PORT: String(gatewayPort),
      PUBLIC_URL: `http://127.0.0.1:${gatewayPort}`,
      OIDC_ISSUER: issuer,
      IDENTITY_HTTP_URL: `http://127.0.0.1:${services.identity.httpPort}`,
      MONGO_URL: infrastructureEndpoints().mongoUrl,
    },
  });
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const signedIn = await signInWithPassword({
    issuer,
    ...webClient,
    tenant,
    login: 'warga@serang.example',
    password,
    resource: apiResource,
  });
  citizen = signedIn.tokens.access_token;
}, 180_000);

afterAll(async () => {
  await services.gateway?.stop();
  await Promise.all(Object.values(services).map((child) => child.stop()));
});

/** A NIK of Kota Serang whose birth-date digits are no date: day 32 (or 72 for women), month 13. */
function impossibleNik(): string {
  const day = randomBytes(1).readUInt8() % 2 === 0 ? '32' : '72';
  return `367301${day}13${String(randomBytes(2).readUInt16BE() % 100).padStart(2, '0')}${String(1 + (randomBytes(2).readUInt16BE() % 9999)).padStart(4, '0')}`;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

async function answer(response: Response): Promise<Answer> {
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

/** Each trigger: a request whose error path carries non-ASCII text, and what it must answer. */
type Trigger = { name: string; send: () => Promise<Answer>; expect: (answer: Answer) => void };

const problem =
  (status: number, code?: string) =>
  ({ status: actual, contentType, body }: Answer) => {
    expect(actual).toBe(status);
    expect(contentType).toContain('application/problem+json');
    const parsed = JSON.parse(body) as { code: string };
    if (code) expect(parsed.code).toBe(code);
  };

const open311Xml =
  (status: number) =>
  ({ status: actual, contentType, body }: Answer) => {
    expect(actual).toBe(status);
    expect(contentType).toContain('xml');
    expect(parseXml(body).nodeName).toBe('errors');
  };

function triggers(): Trigger[] {
  const list: Trigger[] = [];
  hostile.forEach((text, index) => {
    // identity: the NIK check's own messages hold an en dash; the name and e-mail carry the text.
    list.push({
      name: `registration with an impossible NIK and the name ${JSON.stringify(text)}`,
      send: async () =>
        answer(
          await callApi(gatewayUrl, 'POST', '/v1/citizens/registrations', {
            tenant,
            body: {
              nik: impossibleNik(),
              // Names are letters, marks and a little punctuation: the text's letters, in any script.
              fullName: `Warga ${text.replace(/[^\p{L}\p{M} ]/gu, '').trim() || 'Uji'}`,
              email: `probe.${index}@example.org`,
              password: `Sandi-${text}-Kuat-2026!`,
            },
          }),
        ),
      expect: problem(400, 'NIK_INVALID'),
    });
    // identity: a NIK of another province; the contact is a non-ASCII e-mail address.
    list.push({
      name: `registration with a NIK from another province and ${JSON.stringify(text)}`,
      send: async () =>
        answer(
          await callApi(gatewayUrl, 'POST', '/v1/citizens/registrations', {
            tenant,
            body: { nik: newNik('31'), fullName: text, phone: '081234567890', password: `Sandi ${text} 2026 kuat` },
          }),
        ),
      expect: ({ status, contentType }) => {
        expect([400]).toContain(status);
        expect(contentType).toContain('application/problem+json');
      },
    });
    // complaints: an unknown category's attributes and a description with the text.
    list.push({
      name: `complaint of an unknown category described as ${JSON.stringify(text)}`,
      send: async () =>
        answer(
          await callApi(gatewayUrl, 'POST', '/v1/complaints', {
            token: citizen,
            body: {
              categoryCode: 'roads.nowhere',
              description: `Keluhan: ${text}`,
              latitude: -6.12,
              longitude: 106.15,
            },
          }),
        ),
      expect: ({ status, contentType }) => {
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(contentType).toContain('application/problem+json');
      },
    });
    // The path: a complaint id that is the text, percent-encoded.
    list.push({
      name: `complaint read by the id ${JSON.stringify(text)}`,
      send: async () =>
        answer(await callApi(gatewayUrl, 'GET', `/v1/complaints/${encodeURIComponent(text)}`, { token: citizen })),
      expect: ({ status, contentType }) => {
        expect([400, 404]).toContain(status);
        expect(contentType).toContain('application/problem+json');
      },
    });
    // Open311 XML: a partner app with a bad api_key names a service code that is the text.
    list.push({
      name: `Open311 XML request for the service ${JSON.stringify(text)}`,
      send: async () =>
        answer(
          await fetch(`${gatewayUrl}/open311/v2/requests.xml`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              api_key: `kunci-${text}`,
              jurisdiction_id: tenant,
              service_code: text,
              description: `Deskripsi keluhan: ${text}`,
              lat: '-6.12',
              long: '106.15',
            }),
          }),
        ),
      expect: ({ status, contentType, body }) => {
        expect([400, 403, 404]).toContain(status);
        open311Xml(status)({ status, contentType, body });
      },
    });
  });
  return list;
}

async function everyServiceUp(): Promise<void> {
  for (const [name, child] of Object.entries(services)) {
    expect(child.exitStatus, `${name} exited:\n${child.output().slice(-4000)}`).toBeUndefined();
    const ready = await fetch(`http://127.0.0.1:${child.opsPort}/readyz`);
    expect(ready.status, `${name} /readyz`).toBe(200);
    expect(child.output(), `${name} logged an unexpected error`).not.toMatch(
      /unhandled promise rejection|uncaught exception/,
    );
  }
}

describe('non-ASCII text on every error path', () => {
  it('should answer the registration that took identity down with 400 NIK_INVALID, and stay up', async () => {
    const response = await callApi(gatewayUrl, 'POST', '/v1/citizens/registrations', {
      tenant,
      body: {
        nik: '3673013213901234',
        fullName: 'Probe Warga',
        email: 'probe.x@example.org',
        password: 'Probe-Kuat-Sandi-2026!',
      },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as Problem;
    expect(body.code).toBe('NIK_INVALID');
    // The en dash came through gRPC and back out as it was written.
    expect(body.errors).toEqual([{ field: 'nik', message: expect.stringContaining('digits 7–12') }]);
    await everyServiceUp();
  });

  it('should answer 50 more non-ASCII error triggers with a client error, and every service stays up', async () => {
    const list = triggers();
    expect(list).toHaveLength(50);
    for (const trigger of list) {
      const received = await trigger.send();
      try {
        trigger.expect(received);
      } catch (error) {
        throw new Error(
          `${trigger.name}: ${received.status} ${received.body.slice(0, 500)}\n${(error as Error).message}`,
        );
      }
    }
    await everyServiceUp();
    // And still serving real work.
    const filed = await callApi(gatewayUrl, 'POST', '/v1/complaints', {
      token: citizen,
      body: {
        categoryCode: 'roads.pothole',
        description: 'Jalan berlubang di depan sekolah – dekat Alun-alun, café Ñandú 🚧',
        latitude: -6.12,
        longitude: 106.15,
      },
    });
    expect(filed.status).toBe(201);
    expect(((await filed.json()) as ResponseBody<'/v1/complaints', 'post'>).description).toContain('café Ñandú 🚧');
  });
});
