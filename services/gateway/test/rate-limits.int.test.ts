import { MongoRateLimitStore } from '@balai/platform';
import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import type { FastifyInstance } from 'fastify';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, newSigningKey, type SigningKey, testGateway } from '../src/api/test-gateway.fixture.js';

/*
 * The limits as the gateway holds them, counted in the real MongoDB-compatible server: two
 * gateway instances share one store, as they would behind a load balancer.
 */

const ns = testNamespace(import.meta.filename);
let client: MongoClient;
let db: Db;
let key: SigningKey;

beforeAll(async () => {
  client = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  db = client.db(ns.database('gateway'));
  key = await newSigningKey('k1');
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

async function gateways(env: Record<string, string>, count = 2): Promise<FastifyInstance[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      testGateway([key], env, { rateLimitStore: new MongoRateLimitStore(db.collection('rate_limit_windows')) }),
    ),
  );
}

describe('rate limits', () => {
  it('should refuse a client address past its limit on any instance, with 429 problem+json and Retry-After', async () => {
    const [first, second] = (await gateways({ RATE_LIMITS: 'verification.address=10/1m' })) as [
      FastifyInstance,
      FastifyInstance,
    ];
    const verify = (gateway: FastifyInstance, remoteAddress: string) =>
      gateway.inject({
        method: 'POST',
        url: '/v1/accounts/verification',
        remoteAddress,
        headers: { 'x-balai-tenant': '36.73', 'content-type': 'application/json' },
        payload: { login: 'warga@serang.example', code: '12345' },
      });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 14; attempt += 1) {
        const response = await verify(attempt % 2 === 0 ? first : second, '203.0.113.7');
        statuses.push(response.statusCode);
        if (response.statusCode === 429) {
          expect(response.headers['content-type']).toContain('application/problem+json');
          expect(response.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
          expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      // The ten let through are refused by validation (a 5-digit code); the rest never get that far.
      expect(statuses).toEqual([...Array(10).fill(400), ...Array(4).fill(429)]);
      // Another address has a budget of its own.
      expect((await verify(first, '203.0.113.8')).statusCode).toBe(400);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('should count each signed-in user on their own, and refuse them past the per-user limit', async () => {
    const [gateway] = (await gateways({ RATE_LIMITS: 'reads.caller=5/1m' }, 1)) as [FastifyInstance];
    try {
      const read = async (subject: string) =>
        (
          await gateway.inject({
            method: 'GET',
            url: '/v1/complaints/c-1',
            remoteAddress: '198.51.100.1',
            headers: { authorization: `Bearer ${await accessToken(key, { subject })}` },
          })
        ).statusCode;
      const ani: number[] = [];
      for (let attempt = 0; attempt < 7; attempt += 1) ani.push(await read('ani'));
      expect(ani.filter((status) => status === 429)).toHaveLength(2);
      expect(await read('budi')).not.toBe(429);
    } finally {
      await gateway.close();
    }
  });

  it('should key a client behind a trusted proxy by its X-Forwarded-For, and ignore the header from anyone else', async () => {
    const [gateway] = (await gateways(
      { RATE_LIMITS: 'registration.address=2/1h', TRUSTED_PROXIES: '10.0.0.0/8' },
      1,
    )) as [FastifyInstance];
    try {
      const register = async (remoteAddress: string, forwardedFor: string) =>
        (
          await gateway.inject({
            method: 'POST',
            url: '/v1/citizens/registrations',
            remoteAddress,
            headers: { 'x-forwarded-for': forwardedFor, 'x-balai-tenant': '36.73', 'content-type': 'application/json' },
            payload: {},
          })
        ).statusCode;
      // Through the trusted proxy: three different clients, none limited.
      for (const client of ['192.0.2.1', '192.0.2.2', '192.0.2.3'])
        expect(await register('10.1.1.1', client)).toBe(400);
      // Straight from the internet: a forged header changes nothing, the third attempt is refused.
      expect(await register('192.0.2.50', '192.0.2.60')).toBe(400);
      expect(await register('192.0.2.50', '192.0.2.61')).toBe(400);
      expect(await register('192.0.2.50', '192.0.2.62')).toBe(429);
    } finally {
      await gateway.close();
    }
  });
});
