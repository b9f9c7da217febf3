import { decodePartnerApiKey } from '@balai/contracts';
import type { CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import type { PartnerApp } from '../../data/oidc/oauth-client-repository.js';
import { accountDeps, now } from '../account-deps.fixture.js';
import { memoryPartnerApps } from './partner-app-clients.fixture.js';
import { listPartnerApps, type PartnerAppDeps, registerPartnerApp, revokePartnerApp } from './partner-apps.js';

const admin: CallContext = { tenantId: '36.73', requestId: 'r-1', subject: 'u-admin', roles: ['tenant_admin'] };

function anApp(overrides: Partial<PartnerApp> = {}): PartnerApp {
  return {
    clientId: 'balai-partner1',
    tenantId: '36.73',
    name: 'Lapor Cepat',
    contactEmail: 'dev@lapor.example',
    createdAt: now,
    createdBy: 'u-admin',
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  };
}

function partnerDeps() {
  const { deps, audit } = accountDeps();
  const partnerApps = memoryPartnerApps({ clock: () => now, secret: 's3cr3t-value' });
  const partnerAppDeps: PartnerAppDeps = { ...deps, partnerApps };
  return { deps: partnerAppDeps, partnerApps, audit };
}

describe('registerPartnerApp', () => {
  it('should register the app in the caller’s tenant and hand out base64url("<client_id>:<secret>") once', async () => {
    const { deps, partnerApps, audit } = partnerDeps();
    const { app, apiKey } = await registerPartnerApp(deps, admin, {
      name: '  Lapor   Cepat ',
      contactEmail: 'Dev@Lapor.Example',
    });
    expect(partnerApps.register).toHaveBeenCalledWith({
      tenantId: '36.73',
      name: 'Lapor Cepat',
      contactEmail: 'dev@lapor.example',
      createdBy: 'u-admin',
    });
    expect(app.clientId).toBe('balai-partner1');
    expect(decodePartnerApiKey(apiKey)).toEqual({ clientId: 'balai-partner1', clientSecret: 's3cr3t-value' });
    expect(audit.record).toHaveBeenCalledWith({
      tenantId: '36.73',
      actorId: 'u-admin',
      actorRoles: ['tenant_admin'],
      action: 'partner_app.registered',
      targetId: 'balai-partner1',
      changes: { name: 'Lapor Cepat', roles: ['open311_partner'] },
      at: now,
    });
  });

  it('should keep the contact e-mail and the secret out of the audit entry', async () => {
    const { deps, audit } = partnerDeps();
    await registerPartnerApp(deps, admin, { name: 'Lapor Cepat', contactEmail: 'dev@lapor.example' });
    const entry = JSON.stringify(audit.record.mock.calls[0]?.[0]);
    expect(entry).not.toContain('dev@lapor.example');
    expect(entry).not.toContain('s3cr3t-value');
  });

  it('should register without a contact e-mail', async () => {
    const { deps, partnerApps } = partnerDeps();
    await registerPartnerApp(deps, admin, { name: 'Lapor Cepat', contactEmail: '' });
    expect(partnerApps.register).toHaveBeenCalledWith(expect.objectContaining({ contactEmail: null }));
  });

  it('should let a platform admin register in the tenant it acts in', async () => {
    const { deps, partnerApps } = partnerDeps();
    await registerPartnerApp(
      deps,
      { ...admin, tenantId: '36.71', subject: 'u-root', roles: ['platform_admin'] },
      { name: 'Lapor Cepat' },
    );
    expect(partnerApps.register).toHaveBeenCalledWith(expect.objectContaining({ tenantId: '36.71' }));
  });

  it.each([
    ['a citizen', { roles: ['citizen'] }, 'FORBIDDEN'],
    ['an officer', { roles: ['officer'] }, 'FORBIDDEN'],
    ['a partner app itself', { roles: ['open311_partner'] }, 'FORBIDDEN'],
    ['a caller without a tenant', { tenantId: '' }, 'TENANT_REQUIRED'],
    ['an admin without a subject', { subject: undefined }, 'UNAUTHENTICATED'],
  ])('should not let %s register a partner app', async (_who, context, code) => {
    const { deps, partnerApps } = partnerDeps();
    await expect(registerPartnerApp(deps, { ...admin, ...context }, { name: 'Lapor Cepat' })).rejects.toMatchObject({
      code,
    });
    expect(partnerApps.register).not.toHaveBeenCalled();
  });

  it.each([
    ['a name too short', { name: 'ab' }, '/name'],
    ['a name too long', { name: 'x'.repeat(101) }, '/name'],
    ['a name that is not a string', { name: 42 }, '/name'],
    ['a name with control characters', { name: 'Lapor\u0000Cepat' }, '/name'],
    ['a contact that is not an e-mail address', { name: 'Lapor Cepat', contactEmail: 'dev at lapor' }, '/contactEmail'],
  ])('should refuse %s', async (_case, input, field) => {
    const { deps, partnerApps } = partnerDeps();
    await expect(registerPartnerApp(deps, admin, input)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ field })],
    });
    expect(partnerApps.register).not.toHaveBeenCalled();
  });

  it('should refuse a tenant that does not exist', async () => {
    const { deps, partnerApps } = partnerDeps();
    await expect(
      registerPartnerApp(deps, { ...admin, tenantId: '99.99' }, { name: 'Lapor Cepat' }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_TENANT' });
    expect(partnerApps.register).not.toHaveBeenCalled();
  });
});

describe('listPartnerApps', () => {
  it('should list the caller tenant’s apps only', async () => {
    const { deps, partnerApps } = partnerDeps();
    partnerApps.add(anApp(), anApp({ clientId: 'balai-partner2', tenantId: '36.71' }));
    expect(await listPartnerApps(deps, admin)).toEqual([anApp()]);
    expect(partnerApps.list).toHaveBeenCalledWith('36.73');
  });

  it('should not let a citizen list partner apps', async () => {
    const { deps, partnerApps } = partnerDeps();
    await expect(listPartnerApps(deps, { ...admin, roles: ['citizen'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(partnerApps.list).not.toHaveBeenCalled();
  });
});

describe('revokePartnerApp', () => {
  it('should revoke an app of the caller’s tenant and write an audit entry', async () => {
    const { deps, partnerApps, audit } = partnerDeps();
    partnerApps.add(anApp());
    const app = await revokePartnerApp(deps, admin, { clientId: 'balai-partner1' });
    expect(partnerApps.revoke).toHaveBeenCalledWith('36.73', 'balai-partner1', 'u-admin');
    expect(app).toMatchObject({ revokedAt: now, revokedBy: 'u-admin' });
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'partner_app.revoked', targetId: 'balai-partner1', actorId: 'u-admin' }),
    );
  });

  it('should answer the same for an app already revoked, without a second audit entry', async () => {
    const { deps, partnerApps, audit } = partnerDeps();
    partnerApps.add(anApp({ revokedAt: now, revokedBy: 'u-other' }));
    expect(await revokePartnerApp(deps, admin, { clientId: 'balai-partner1' })).toMatchObject({ revokedBy: 'u-other' });
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('should not find an app the store does not have in the tenant', async () => {
    const { deps, partnerApps, audit } = partnerDeps();
    partnerApps.add(anApp(), anApp({ clientId: 'balai-elsewhere', tenantId: '36.71' }));
    await expect(revokePartnerApp(deps, admin, { clientId: 'balai-elsewhere' })).rejects.toMatchObject({
      code: 'PARTNER_APP_NOT_FOUND',
    });
    expect(audit.record).not.toHaveBeenCalled();
  });

  it.each([[''], ['a b'], ['x'.repeat(129)], [{ $ne: null }]])(
    'should refuse the client id %j before asking the store',
    async (clientId) => {
      const { deps, partnerApps } = partnerDeps();
      await expect(revokePartnerApp(deps, admin, { clientId })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(partnerApps.revoke).not.toHaveBeenCalled();
    },
  );

  it('should not let an analyst revoke a partner app', async () => {
    const { deps, partnerApps } = partnerDeps();
    await expect(
      revokePartnerApp(deps, { ...admin, roles: ['analyst'] }, { clientId: 'balai-partner1' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(partnerApps.revoke).not.toHaveBeenCalled();
  });
});
