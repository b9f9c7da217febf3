import { decodePartnerApiKey } from '@balai/contracts';
import type { CallContext } from '@balai/platform';
import { testNamespace } from '@balai/testkit';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, startIdentityFor } from './identity-fixture.js';

/*
 * Partner apps (Open311) over identity's gRPC API, and their api_key at the token endpoint as
 * the gateway uses it: client credentials with the API resource.
 */

const ns = testNamespace(import.meta.filename);
let identity: Awaited<ReturnType<typeof startIdentityFor>>;

const serangAdmin: CallContext = { tenantId: '36.73', requestId: '', subject: 'admin-serang', roles: ['tenant_admin'] };
const tangerangAdmin: CallContext = {
  tenantId: '36.71',
  requestId: '',
  subject: 'admin-tangerang',
  roles: ['tenant_admin'],
};

beforeAll(async () => {
  identity = await startIdentityFor(ns);
});

afterAll(async () => {
  await identity?.stop();
});

/** A client-credentials token request with the api_key's pair, as the gateway sends it. */
async function requestToken(apiKey: string): Promise<Response> {
  const pair = decodePartnerApiKey(apiKey);
  if (!pair) throw new Error('not an api_key');
  const basic = Buffer.from(`${encodeURIComponent(pair.clientId)}:${encodeURIComponent(pair.clientSecret)}`).toString(
    'base64',
  );
  return fetch(`http://127.0.0.1:${identity.service.httpPort}/oidc/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'urn:balai:api' }),
  });
}

async function register(caller: CallContext, name = 'Lapor Cepat', contactEmail = 'dev@lapor.example') {
  const { partnerApp, apiKey } = await identity.call('registerPartnerApp', { name, contactEmail }, caller);
  if (!partnerApp) throw new Error('no partner app');
  return { partnerApp, apiKey };
}

describe('partner apps', () => {
  it('should give a registered partner app an api_key whose token carries open311_partner, the tenant and the client as subject', async () => {
    const { partnerApp, apiKey } = await register(serangAdmin);
    expect(partnerApp).toMatchObject({
      tenantId: '36.73',
      name: 'Lapor Cepat',
      contactEmail: 'dev@lapor.example',
      createdBy: 'admin-serang',
      revokedAt: undefined,
    });
    expect(decodePartnerApiKey(apiKey)?.clientId).toBe(partnerApp.clientId);

    const response = await requestToken(apiKey);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBeLessThanOrEqual(300);
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: partnerApp.clientId,
      client_id: partnerApp.clientId,
      tenant_id: '36.73',
      roles: ['open311_partner'],
      aud: 'balai-api',
    });
  });

  it('should list the tenant’s partner apps without any secret, and keep only a hash of the secret', async () => {
    const { partnerApp, apiKey } = await register(serangAdmin, 'Aplikasi Warga');
    const secret = decodePartnerApiKey(apiKey)?.clientSecret ?? '';
    const { partnerApps } = await identity.call('listPartnerApps', {}, serangAdmin);
    expect(partnerApps).toEqual(expect.arrayContaining([expect.objectContaining({ clientId: partnerApp.clientId })]));
    expect(partnerApps.every((app) => app.tenantId === '36.73')).toBe(true);
    expect(JSON.stringify(partnerApps)).not.toContain(secret);

    const stored = await identity.db.collection('oauth_clients').findOne({ _id: partnerApp.clientId as never });
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(JSON.parse(String(stored?.metadata))).toMatchObject({
      client_secret: expect.stringMatching(/^sha256\$/),
      grant_types: ['client_credentials'],
      roles: ['open311_partner'],
      tenant_id: '36.73',
    });
  });

  it('should refuse the token request of a revoked partner app with invalid_client', async () => {
    const { partnerApp, apiKey } = await register(serangAdmin, 'Aplikasi Lama');
    expect((await requestToken(apiKey)).status).toBe(200);

    const { partnerApp: revoked } = await identity.call(
      'revokePartnerApp',
      { clientId: partnerApp.clientId },
      serangAdmin,
    );
    expect(revoked).toMatchObject({ clientId: partnerApp.clientId, revokedBy: 'admin-serang' });
    expect(revoked?.revokedAt).toBeInstanceOf(Date);

    const refused = await requestToken(apiKey);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });

    // Revoking again answers the same and changes nothing.
    const again = await identity.call('revokePartnerApp', { clientId: partnerApp.clientId }, serangAdmin);
    expect(again.partnerApp?.revokedAt).toEqual(revoked?.revokedAt);
    const { partnerApps } = await identity.call('listPartnerApps', {}, serangAdmin);
    expect(partnerApps.find((app) => app.clientId === partnerApp.clientId)?.revokedAt).toEqual(revoked?.revokedAt);
  });

  it('should write one audit entry for the registration and one for the revocation, without contact or secret', async () => {
    const { partnerApp, apiKey } = await register(serangAdmin, 'Aplikasi Audit', 'audit@lapor.example');
    await identity.call('revokePartnerApp', { clientId: partnerApp.clientId }, serangAdmin);
    await identity.call('revokePartnerApp', { clientId: partnerApp.clientId }, serangAdmin);
    const entries = await identity.db
      .collection('audit_log')
      .find({ tenantId: '36.73', targetId: partnerApp.clientId })
      .sort({ at: 1 })
      .toArray();
    expect(entries.map((entry) => [entry.action, entry.actorId])).toEqual([
      ['partner_app.registered', 'admin-serang'],
      ['partner_app.revoked', 'admin-serang'],
    ]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain('audit@lapor.example');
    expect(text).not.toContain(decodePartnerApiKey(apiKey)?.clientSecret ?? '');
  });

  it('should not let another tenant’s admin see or revoke a partner app', async () => {
    const { partnerApp, apiKey } = await register(serangAdmin, 'Aplikasi Serang');
    const { partnerApps } = await identity.call('listPartnerApps', {}, tangerangAdmin);
    expect(partnerApps.map((app) => app.clientId)).not.toContain(partnerApp.clientId);

    const error = await failureOf(identity.call('revokePartnerApp', { clientId: partnerApp.clientId }, tangerangAdmin));
    expect(error.code).toBe('PARTNER_APP_NOT_FOUND');
    expect((await requestToken(apiKey)).status).toBe(200);
  });

  it('should not revoke a machine client that is not a partner app', async () => {
    const { clientId } = await identity.service.oidc.registerClient({
      kind: 'machine',
      name: 'Dasbor Analis',
      tenantId: '36.73',
      roles: ['analyst'],
    });
    const error = await failureOf(identity.call('revokePartnerApp', { clientId }, serangAdmin));
    expect(error.code).toBe('PARTNER_APP_NOT_FOUND');
    const { partnerApps } = await identity.call('listPartnerApps', {}, serangAdmin);
    expect(partnerApps.map((app) => app.clientId)).not.toContain(clientId);
  });

  it('should not let a citizen register or list partner apps', async () => {
    const citizen: CallContext = { tenantId: '36.73', requestId: '', subject: 'warga-1', roles: ['citizen'] };
    expect(
      (await failureOf(identity.call('registerPartnerApp', { name: 'Nakal', contactEmail: '' }, citizen))).code,
    ).toBe('FORBIDDEN');
    expect((await failureOf(identity.call('listPartnerApps', {}, citizen))).code).toBe('FORBIDDEN');
  });

  it('should let a platform admin register a partner app in the tenant it acts in', async () => {
    const root: CallContext = { tenantId: '36.71', requestId: '', subject: 'platform-root', roles: ['platform_admin'] };
    const { partnerApp, apiKey } = await register(root, 'Aplikasi Tangerang', '');
    expect(partnerApp).toMatchObject({ tenantId: '36.71', contactEmail: '', createdBy: 'platform-root' });
    const response = await requestToken(apiKey);
    expect(decodeJwt(((await response.json()) as { access_token: string }).access_token)).toMatchObject({
      tenant_id: '36.71',
      roles: ['open311_partner'],
    });
  });
});

describe('web client origins', () => {
  it("should list the browser clients' redirect origins once each, and no partner app's", async () => {
    await register(serangAdmin, 'Aplikasi Mitra Origins');
    await identity.service.oidc.registerClient({
      kind: 'browser',
      name: 'Lapor Serang',
      redirectUris: ['https://lapor.serangkota.go.id/auth/callback', 'https://lapor.serangkota.go.id/other'],
    });
    // Asked by the gateway as itself: no tenant, no roles.
    const { origins } = await identity.call('listWebClientOrigins', {}, { tenantId: '' });
    // The demo web client (seeded) and the one just registered; partner apps have no redirect URIs.
    expect(origins).toEqual(['http://127.0.0.1:5173', 'http://localhost:5173', 'https://lapor.serangkota.go.id']);
  });
});
