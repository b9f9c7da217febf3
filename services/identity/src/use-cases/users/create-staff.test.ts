import type { CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { accountDeps, aUser } from '../account-deps.fixture.js';
import { createStaff } from './create-staff.js';

const admin: CallContext = { tenantId: '36.73', requestId: 'r-1', subject: 'u-admin', roles: ['tenant_admin'] };
const input = {
  fullName: 'Andi Wijaya',
  email: 'Andi@SerangKota.go.id',
  phone: '',
  roles: ['officer'],
  agencyId: 'dpupr',
};

describe('createStaff', () => {
  it('should create a pending officer without a password, with its event, an audit entry and an activation code', async () => {
    const { deps, users, codes, sent, audit } = accountDeps();
    const user = await createStaff(deps, admin, input);
    expect(user).toMatchObject({
      kind: 'staff',
      status: 'pending',
      roles: ['officer'],
      agencyId: 'dpupr',
      email: 'andi@serangkota.go.id',
      passwordHash: null,
      nik: null,
    });
    expect(users.insert.mock.calls[0]?.[1]).toEqual([
      expect.objectContaining({
        type: 'id.balai.identity.user.registered.v1',
        data: expect.objectContaining({ kind: 'staff', roles: ['officer'], agencyId: 'dpupr', actorId: 'u-admin' }),
      }),
    ]);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'staff.created', actorId: 'u-admin', actorRoles: ['tenant_admin'] }),
    );
    expect(codes.issue).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'email', purpose: 'staff-activation' }),
      72 * 3_600_000,
    );
    expect(sent).toEqual([
      expect.objectContaining({
        to: 'andi@serangkota.go.id',
        template: 'staff-activation',
        params: expect.objectContaining({ hours: '72' }),
      }),
    ]);
  });

  it("should create the member even when the contact's budget is spent, and not count the admin's address", async () => {
    const { deps, codes, limits, sent } = accountDeps();
    limits.mayMessage.mockResolvedValue(false);
    const user = await createStaff(deps, { ...admin, clientAddress: '203.0.113.7' }, input);
    expect(user).toMatchObject({ status: 'pending', email: 'andi@serangkota.go.id' });
    expect(limits.mayMessage).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'email', to: 'andi@serangkota.go.id' }),
      'staff-activation',
      { code: true },
    );
    expect(codes.issue).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
    expect(limits.requireCodeRequests).not.toHaveBeenCalled();
  });

  it('should let only a tenant admin or a platform admin create staff', async () => {
    const { deps, users } = accountDeps();
    for (const roles of [['officer'], ['supervisor'], ['citizen'], []]) {
      await expect(createStaff(deps, { ...admin, roles }, input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(createStaff(deps, { ...admin, subject: undefined }, input)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(users.insert).not.toHaveBeenCalled();
    await createStaff(deps, { ...admin, subject: 'root', roles: ['platform_admin'] }, input);
    expect(users.insert).toHaveBeenCalled();
  });

  it('should refuse platform_admin and citizen roles, an officer without an agency and an unknown agency', async () => {
    const { deps, users } = accountDeps();
    for (const roles of [['platform_admin'], ['citizen'], [], ['officer', 'officer']]) {
      await expect(createStaff(deps, admin, { ...input, roles })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    await expect(createStaff(deps, admin, { ...input, agencyId: '' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ field: '/agencyId' })],
    });
    await expect(createStaff(deps, admin, { ...input, agencyId: 'dinas-lain' })).rejects.toMatchObject({
      code: 'AGENCY_NOT_FOUND',
    });
    expect(users.insert).not.toHaveBeenCalled();
  });

  it('should let an analyst or a tenant admin be without an agency', async () => {
    const { deps } = accountDeps();
    const user = await createStaff(deps, admin, { ...input, roles: ['analyst', 'tenant_admin'], agencyId: '' });
    expect(user).toMatchObject({ roles: ['analyst', 'tenant_admin'], agencyId: null });
  });

  it('should report a taken e-mail address to the admin as LOGIN_TAKEN', async () => {
    const { deps, users, codes } = accountDeps();
    users.add(aUser({ _id: 'u-other', email: 'andi@serangkota.go.id' }));
    await expect(createStaff(deps, admin, input)).rejects.toMatchObject({
      code: 'LOGIN_TAKEN',
      details: [{ field: '/email', message: 'is already used' }],
    });
    expect(codes.issue).not.toHaveBeenCalled();
  });
});
