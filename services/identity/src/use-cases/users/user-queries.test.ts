import type { CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { accountDeps, aUser } from '../account-deps.fixture.js';
import { getCurrentUser, listAgencyOfficers } from './user-queries.js';

const context = (fields: Partial<CallContext>): CallContext => ({
  tenantId: '36.73',
  requestId: 'r-1',
  subject: 'u-caller',
  roles: [],
  ...fields,
});
const supervisorOfDpupr = context({ subject: 'u-boss', roles: ['supervisor'], agencyId: 'dpupr' });
const staff = (id: string, fullName: string, fields: Parameters<typeof aUser>[0] = {}) =>
  aUser({
    _id: id,
    fullName,
    kind: 'staff',
    nik: null,
    status: 'active',
    roles: ['officer'],
    agencyId: 'dpupr',
    ...fields,
  });

/** Dinas PUPR: four who may be assigned, and three who may not (pending, deactivated, analyst). */
function dpuprStaff() {
  const fakes = accountDeps();
  for (const user of [
    staff('u-4', 'Dewi'),
    staff('u-1', 'Andi'),
    staff('u-3', 'Citra', { roles: ['supervisor'] }),
    staff('u-2', 'Budi', { roles: ['officer', 'permit_reviewer'] }),
    staff('u-5', 'Eko', { status: 'pending' }),
    staff('u-6', 'Fajar', { status: 'deactivated' }),
    staff('u-7', 'Gita', { roles: ['analyst'] }),
    staff('u-8', 'Hadi', { agencyId: 'dlh' }),
  ]) {
    fakes.users.add(user);
  }
  return fakes;
}

describe('listAgencyOfficers', () => {
  it('should list the active officers and supervisors of the agency, by name', async () => {
    const { deps } = dpuprStaff();
    const { users, nextPageToken } = await listAgencyOfficers(deps, supervisorOfDpupr, { agencyId: 'dpupr' });
    expect(users.map((user) => user.fullName)).toEqual(['Andi', 'Budi', 'Citra', 'Dewi']);
    expect(nextPageToken).toBe('');
  });

  it('should page by name with a cursor until the last page, whose token is empty', async () => {
    const { deps } = dpuprStaff();
    const first = await listAgencyOfficers(deps, supervisorOfDpupr, { agencyId: 'dpupr', pageSize: 3 });
    expect(first.users.map((user) => user._id)).toEqual(['u-1', 'u-2', 'u-3']);
    expect(first.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await listAgencyOfficers(deps, supervisorOfDpupr, {
      agencyId: 'dpupr',
      pageSize: 3,
      pageToken: first.nextPageToken,
    });
    expect(second.users.map((user) => user._id)).toEqual(['u-4']);
    expect(second.nextPageToken).toBe('');
  });

  it("should refuse staff another agency's officers, and citizens any", async () => {
    const { deps } = dpuprStaff();
    for (const caller of [
      context({ roles: ['supervisor'], agencyId: 'dlh' }),
      context({ roles: ['officer'], agencyId: 'dlh' }),
      context({ roles: ['supervisor'] }),
      context({ roles: ['citizen'] }),
    ]) {
      await expect(listAgencyOfficers(deps, caller, { agencyId: 'dpupr' }), caller.roles.join()).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }
  });

  it("should let tenant admins and the services' analyst callers list any agency of the tenant", async () => {
    const { deps } = dpuprStaff();
    for (const roles of [['tenant_admin'], ['platform_admin'], ['analyst']] as const) {
      const { users } = await listAgencyOfficers(deps, context({ roles: [...roles] }), { agencyId: 'dlh' });
      expect(users.map((user) => user._id)).toEqual(['u-8']);
    }
  });

  it('should answer AGENCY_NOT_FOUND for an agency the tenant does not have, and nobody for one without officers', async () => {
    const { deps, agencies } = dpuprStaff();
    const admin = context({ roles: ['tenant_admin'] });
    await expect(listAgencyOfficers(deps, admin, { agencyId: 'dinkes' })).rejects.toMatchObject({
      code: 'AGENCY_NOT_FOUND',
    });
    await agencies.insert({
      id: 'dinkes',
      tenantId: '36.73',
      name: 'Dinas Kesehatan',
      shortName: 'Dinkes',
      createdAt: new Date(),
    });
    await expect(listAgencyOfficers(deps, admin, { agencyId: 'dinkes' })).resolves.toEqual({
      users: [],
      nextPageToken: '',
    });
  });

  it("should refuse a page token that is not one, or another agency's", async () => {
    const { deps } = dpuprStaff();
    const admin = context({ roles: ['tenant_admin'] });
    const { nextPageToken } = await listAgencyOfficers(deps, admin, { agencyId: 'dpupr', pageSize: 1 });
    for (const [agencyId, pageToken] of [
      ['dlh', nextPageToken],
      ['dpupr', 'not a token'],
      ['dpupr', Buffer.from('{"$gt":""}').toString('base64url')],
    ] as const) {
      await expect(listAgencyOfficers(deps, admin, { agencyId, pageToken })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: '/pageToken' })],
      });
    }
    await expect(listAgencyOfficers(deps, admin, { agencyId: 'dpupr', pageSize: 101 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('getCurrentUser', () => {
  it('should show a staff member their own account with contacts, tenant and agency', async () => {
    const { deps, users } = accountDeps();
    users.add(staff('u-caller', 'Andi', { email: 'andi@serangkota.go.id', phone: '+6281234567890' }));
    const current = await getCurrentUser(deps, context({ roles: ['officer'], agencyId: 'dpupr' }));
    expect(current.user).toMatchObject({ _id: 'u-caller', email: 'andi@serangkota.go.id', phone: '+6281234567890' });
    expect(current.tenant).toMatchObject({ _id: '36.73', name: 'Kota Serang' });
    expect(current.agency).toMatchObject({ id: 'dpupr' });
    expect(current.verifiedCitizen).toBe(false);
  });

  it('should tell a citizen whether they are verified, and give them no agency', async () => {
    const { deps, users } = accountDeps();
    users.add(aUser({ _id: 'u-caller', status: 'active', phoneVerified: true, phone: '+6281234567890' }));
    users.add(aUser({ _id: 'u-pending', email: 'pending@example.id' }));
    const verified = await getCurrentUser(deps, context({ roles: ['citizen'] }));
    expect(verified).toMatchObject({ agency: null, verifiedCitizen: true });
    const pending = await getCurrentUser(deps, context({ subject: 'u-pending', roles: ['citizen'] }));
    expect(pending.verifiedCitizen).toBe(false);
  });

  it('should answer USER_NOT_FOUND for a machine client or a user of another tenant', async () => {
    const { deps, users } = accountDeps();
    users.add(aUser({ _id: 'u-tangerang', tenantId: '36.71', email: 'tangerang@example.id' }));
    await expect(getCurrentUser(deps, context({ subject: 'balai-partner-x' }))).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
    await expect(getCurrentUser(deps, context({ subject: 'u-tangerang' }))).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
  });

  it('should refuse an anonymous call', async () => {
    const { deps } = accountDeps();
    await expect(getCurrentUser(deps, { tenantId: '36.73', requestId: 'r', roles: [] })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});
