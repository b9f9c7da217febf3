import { type Connection, connectMongo, createLogger } from '@balai/platform';
import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottleRepository } from '../src/data/oidc/login-throttle-repository.js';
import { OAuthClientRepository } from '../src/data/oidc/oauth-client-repository.js';
import { type OidcModels, oidcModels } from '../src/data/oidc/oidc.schema.js';
import { OidcPayloadRepository, oidcAdapterFactory } from '../src/data/oidc/oidc-adapter.js';
import { SigningKeyRepository } from '../src/data/oidc/signing-key-repository.js';
import { KeyRing } from '../src/use-cases/oidc/key-ring.js';

/* The OIDC repositories against the real MongoDB-compatible server (FerretDB locally and in CI). */

const ns = testNamespace(import.meta.filename);
let connection: Connection;
let models: OidcModels;
let now = new Date('2026-03-01T00:00:00Z');
const clock = () => now;
const logger = createLogger({ service: 'identity-test', level: 'silent' });

beforeAll(async () => {
  connection = await connectMongo({ url: infrastructureEndpoints().mongoUrl, dbName: ns.database('identity'), logger });
  models = oidcModels(connection);
  for (const model of Object.values(models)) {
    await model.createCollection();
    await model.syncIndexes();
  }
});

afterAll(async () => {
  await connection?.close();
});

describe('oidc adapter', () => {
  const adapterFor = (name: string) =>
    oidcAdapterFactory(
      new OidcPayloadRepository(models.payloads, clock),
      new OAuthClientRepository(models.clients),
    )(name);

  it('should find a payload until it expires, then never again, and purge it', async () => {
    const adapter = adapterFor('AccessToken');
    await adapter.upsert('at-1', { jti: 'at-1', grantId: 'g-1', kind: 'AccessToken', exp: 0 }, 60);
    expect(await adapter.find('at-1')).toMatchObject({ jti: 'at-1', grantId: 'g-1' });
    now = new Date(now.getTime() + 61_000);
    expect(await adapter.find('at-1')).toBeUndefined();
    expect(await new OidcPayloadRepository(models.payloads, clock).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await models.payloads.findById('AccessToken:at-1').lean().exec()).toBeNull();
  });

  it('should mark a consumed payload and keep models apart', async () => {
    const codes = adapterFor('AuthorizationCode');
    await codes.upsert('same-id', { kind: 'AuthorizationCode', grantId: 'g-2' }, 60);
    await adapterFor('RefreshToken').upsert('same-id', { kind: 'RefreshToken', grantId: 'g-2' }, 60);
    await codes.consume('same-id');
    expect(await codes.find('same-id')).toMatchObject({ kind: 'AuthorizationCode', consumed: expect.any(Number) });
    expect((await adapterFor('RefreshToken').find('same-id'))?.consumed).toBeUndefined();
  });

  it('should revoke every token of a grant in one model and no other grant', async () => {
    const tokens = adapterFor('RefreshToken');
    await tokens.upsert('rt-a', { grantId: 'g-3' }, 600);
    await tokens.upsert('rt-b', { grantId: 'g-3' }, 600);
    await tokens.upsert('rt-c', { grantId: 'g-4' }, 600);
    await tokens.revokeByGrantId('g-3');
    expect(await tokens.find('rt-a')).toBeUndefined();
    expect(await tokens.find('rt-b')).toBeUndefined();
    expect(await tokens.find('rt-c')).toMatchObject({ grantId: 'g-4' });
  });

  it('should find sessions by uid, and store keys that documents could not hold', async () => {
    const sessions = adapterFor('Session');
    const payload = { uid: 'uid-1', accountId: 'a', authorizations: { 'client.with.dots': { sid: 's' } } };
    await sessions.upsert('s-1', payload, 600);
    expect(await sessions.findByUid('uid-1')).toEqual(payload);
    await sessions.destroy('s-1');
    expect(await sessions.findByUid('uid-1')).toBeUndefined();
  });
});

describe('key ring', () => {
  it('should create one signing key, keep it while young, and publish a successor ahead of rotation', async () => {
    const policy = { rotateAfterMs: 30 * 86_400_000, publishAheadMs: 600_000, retireAfterMs: 3_660_000 };
    const ring = new KeyRing(
      new SigningKeyRepository(models.signingKeys),
      { jws: policy, cookie: policy },
      logger,
      clock,
    );
    const first = await ring.maintain();
    expect(first.jwks.keys).toHaveLength(1);
    expect((await ring.maintain()).fingerprint).toBe(first.fingerprint);
    const signingKid = first.jwks.keys[0]?.kid;

    now = new Date(now.getTime() + 30 * 86_400_000);
    const rotated = await ring.maintain();
    expect(rotated.jwks.keys.map((key) => key.kid)[0]).toBe(signingKid);
    expect(rotated.jwks.keys[1]?.key_ops).toEqual(['verify']);

    now = new Date(now.getTime() + 600_000);
    const switched = await ring.maintain();
    expect(switched.jwks.keys[0]?.kid).not.toBe(signingKid);
    expect(switched.jwks.keys[1]).toMatchObject({ kid: signingKid, key_ops: ['verify'] });

    now = new Date(now.getTime() + 3_660_000);
    expect((await ring.maintain()).jwks.keys).toHaveLength(1);
    expect(await models.signingKeys.countDocuments({ use: 'jws' }).exec()).toBe(1);
  });
});

describe('login throttle repository', () => {
  it('should count failures and start again once a counter went stale', async () => {
    const repository = new LoginThrottleRepository(models.loginThrottle);
    await repository.recordFailure('ip:192.0.2.1', now);
    await repository.recordFailure('ip:192.0.2.1', now);
    expect((await repository.find('ip:192.0.2.1', now))?.failures).toBe(2);
    const later = new Date(now.getTime() + 25 * 3_600_000);
    expect(await repository.find('ip:192.0.2.1', later)).toBeNull();
    await repository.recordFailure('ip:192.0.2.1', later);
    expect((await repository.find('ip:192.0.2.1', later))?.failures).toBe(1);
  });
});
