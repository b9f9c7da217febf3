import type { CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { accountDeps, aUser } from '../account-deps.fixture.js';
import { changeStaffRoles } from './change-staff-roles.js';
import { deactivateUser } from './deactivate-user.js';

const admin: CallContext = { tenantId: '36.73', requestId: 'r-1', subject: 'u-admin', roles: ['tenant_admin'] };
const officer = aUser({
  _id: 'u-officer',
  kind: 'staff',
  nik: null,
  roles: ['officer'],
  agencyId: 'dpupr',
  version: 3,
});
const change = { userId: 'u-officer', roles: ['supervisor'], agencyId: 'dlh', expectedVersion: 3 };

describe('changeStaffRoles', () => {
  it('should replace roles and agency at the expected version, with the event and then the audit entry', async () => {
    const { deps, users, audit, onCommitted } = accountDeps();
    users.add(officer);
    const user = await changeStaffRoles(deps, admin, change);
    expect(user).toMatchObject({ roles: ['supervisor'], agencyId: 'dlh', version: 4 });
    const [tenantId, id, version, changes, events] = users.update.mock.calls[0] ?? [];
    expect([tenantId, id, version, changes]).toEqual([
      '36.73',
      'u-officer',
      3,
      { roles: ['supervisor'], agencyId: 'dlh', supervisorId: null },
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'id.balai.identity.user.roles_changed.v1',
        data: expect.objectContaining({ roles: ['supervisor'], previousRoles: ['officer'], previousAgencyId: 'dpupr' }),
      }),
    ]);
    expect(onCommitted).toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledAfter(users.update);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'staff.roles_changed',
        changes: {
          roles: { from: ['officer'], to: ['supervisor'] },
          agencyId: { from: 'dpupr', to: 'dlh' },
          supervisorId: { from: null, to: null },
        },
      }),
    );
  });

  it('should answer STALE_VERSION when the version read is not the current one, before or during the write', async () => {
    const { deps, users, audit } = accountDeps();
    users.add(officer);
    await expect(changeStaffRoles(deps, admin, { ...change, expectedVersion: 2 })).rejects.toMatchObject({
      code: 'STALE_VERSION',
      extensions: { currentVersion: 3 },
    });
    expect(users.update).not.toHaveBeenCalled();
    users.update.mockResolvedValueOnce({ outcome: 'stale', currentVersion: 5 });
    await expect(changeStaffRoles(deps, admin, change)).rejects.toMatchObject({
      code: 'STALE_VERSION',
      extensions: { currentVersion: 5 },
    });
    expect(audit.record).not.toHaveBeenCalled();
  });

  it("should treat another tenant's user as not found (the repository is asked with the caller's tenant)", async () => {
    const { deps, users } = accountDeps();
    users.add({ ...officer, tenantId: '36.71' });
    await expect(changeStaffRoles(deps, admin, change)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(users.findById).toHaveBeenCalledWith('36.73', 'u-officer');
  });

  it('should not let a tenant admin drop their own admin role, nor touch a platform admin', async () => {
    const { deps, users } = accountDeps();
    users.add(aUser({ _id: 'u-admin', kind: 'staff', roles: ['tenant_admin'], version: 3 }));
    await expect(
      changeStaffRoles(deps, admin, { userId: 'u-admin', roles: ['analyst'], agencyId: '', expectedVersion: 3 }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    users.add({ ...officer, roles: ['platform_admin'] });
    await expect(changeStaffRoles(deps, admin, change)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(users.update).not.toHaveBeenCalled();
  });

  it('should refuse a citizen as target and a missing version', async () => {
    const { deps, users } = accountDeps();
    users.add(aUser({ _id: 'u-officer', version: 3 }));
    await expect(changeStaffRoles(deps, admin, change)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(changeStaffRoles(deps, admin, { ...change, expectedVersion: 0 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('deactivateUser', () => {
  it('should deactivate with the event in the same write, then audit', async () => {
    const { deps, users, audit } = accountDeps();
    users.add(officer);
    const user = await deactivateUser(deps, admin, { userId: 'u-officer', expectedVersion: 3 });
    expect(user.status).toBe('deactivated');
    expect(users.update.mock.calls[0]?.[4]).toEqual([
      expect.objectContaining({
        type: 'id.balai.identity.user.deactivated.v1',
        data: expect.objectContaining({ userId: 'u-officer', kind: 'staff', actorId: 'u-admin' }),
      }),
    ]);
    expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ action: 'user.deactivated' }));
  });

  it('should refuse deactivating yourself, and change nothing for an already deactivated user', async () => {
    const { deps, users } = accountDeps();
    users.add(aUser({ _id: 'u-admin', kind: 'staff', roles: ['tenant_admin'] }));
    await expect(deactivateUser(deps, admin, { userId: 'u-admin', expectedVersion: 0 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    users.add({ ...officer, status: 'deactivated' });
    expect(await deactivateUser(deps, admin, { userId: 'u-officer', expectedVersion: 0 })).toMatchObject({
      status: 'deactivated',
    });
    expect(users.update).not.toHaveBeenCalled();
  });
});
