import type { CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import type { User } from '../../data/users/user-repository.js';
import { accountDeps, aUser } from '../account-deps.fixture.js';
import { changeStaffRoles } from './change-staff-roles.js';
import { createStaff } from './create-staff.js';

const admin: CallContext = { tenantId: '36.73', requestId: 'r-1', subject: 'u-admin', roles: ['tenant_admin'] };
const staff = (id: string, overrides: Partial<User> = {}) =>
  aUser({ _id: id, kind: 'staff', nik: null, status: 'active', roles: ['officer'], agencyId: 'dpupr', ...overrides });

const newOfficer = {
  fullName: 'Andi Wijaya',
  email: 'andi@serangkota.go.id',
  phone: '',
  roles: ['officer'],
  agencyId: 'dpupr',
};
const change = { userId: 'u-officer', roles: ['officer'], agencyId: 'dpupr', expectedVersion: 1 };

describe('the supervisor of a staff member', () => {
  it('should store the supervisor of a new staff member when they are active staff of the tenant', async () => {
    const { deps, users } = accountDeps();
    users.add(staff('u-boss', { roles: ['supervisor'] }));
    const user = await createStaff(deps, admin, { ...newOfficer, supervisorId: 'u-boss' });
    expect(user.supervisorId).toBe('u-boss');
    expect(users.insert.mock.calls[0]?.[0]).toMatchObject({ supervisorId: 'u-boss' });
  });

  it('should refuse a supervisor who is unknown, of another tenant, a citizen, pending or deactivated', async () => {
    const { deps, users } = accountDeps();
    users.add(
      staff('u-elsewhere', { tenantId: '36.71' }),
      aUser({ _id: 'u-citizen', status: 'active' }),
      staff('u-pending', { status: 'pending' }),
      staff('u-gone', { status: 'deactivated' }),
    );
    for (const supervisorId of ['u-nobody', 'u-elsewhere', 'u-citizen', 'u-pending', 'u-gone']) {
      await expect(createStaff(deps, admin, { ...newOfficer, supervisorId })).rejects.toMatchObject({
        code: 'SUPERVISOR_NOT_ELIGIBLE',
        details: [{ field: '/supervisorId', message: expect.any(String) }],
      });
    }
    await expect(createStaff(deps, admin, { ...newOfficer, supervisorId: '{"$ne":1}' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(users.insert).not.toHaveBeenCalled();
  });

  it('should set, replace and clear the supervisor when roles change', async () => {
    const { deps, users } = accountDeps();
    users.add(
      staff('u-officer'),
      staff('u-boss', { roles: ['supervisor'] }),
      staff('u-head', { roles: ['supervisor'] }),
    );
    await changeStaffRoles(deps, admin, { ...change, supervisorId: 'u-boss' });
    await changeStaffRoles(deps, admin, { ...change, supervisorId: '', expectedVersion: 2 });
    expect(users.update.mock.calls.map((call) => call[3].supervisorId)).toEqual(['u-boss', null]);
  });

  it('should refuse a staff member as their own supervisor', async () => {
    const { deps, users } = accountDeps();
    users.add(staff('u-officer'));
    await expect(changeStaffRoles(deps, admin, { ...change, supervisorId: 'u-officer' })).rejects.toMatchObject({
      code: 'SUPERVISOR_CYCLE',
    });
    expect(users.update).not.toHaveBeenCalled();
  });

  it('should refuse a supervisor who already reports, directly or up the chain, to the staff member', async () => {
    const { deps, users } = accountDeps();
    users.add(
      staff('u-officer'),
      staff('u-direct', { supervisorId: 'u-officer' }),
      staff('u-top', { supervisorId: 'u-officer' }),
      staff('u-middle', { supervisorId: 'u-top' }),
      staff('u-bottom', { supervisorId: 'u-middle' }),
    );
    for (const supervisorId of ['u-direct', 'u-bottom']) {
      await expect(changeStaffRoles(deps, admin, { ...change, supervisorId })).rejects.toMatchObject({
        code: 'SUPERVISOR_CYCLE',
      });
    }
    expect(users.update).not.toHaveBeenCalled();
  });

  it('should accept a long chain that does not come back, and stop walking one that loops elsewhere', async () => {
    const { deps, users } = accountDeps();
    const chain = Array.from({ length: 10 }, (_, i) => staff(`u-${i}`, { supervisorId: i < 9 ? `u-${i + 1}` : null }));
    const loop = [staff('u-a', { supervisorId: 'u-b' }), staff('u-b', { supervisorId: 'u-a' })];
    users.add(staff('u-officer'), ...chain, ...loop);
    await expect(changeStaffRoles(deps, admin, { ...change, supervisorId: 'u-0' })).resolves.toMatchObject({
      supervisorId: 'u-0',
    });
    await expect(changeStaffRoles(deps, admin, { ...change, supervisorId: 'u-a' })).rejects.toMatchObject({
      code: 'SUPERVISOR_CYCLE',
    });
  });

  it('should keep the supervisor already recorded without checking it again, even if deactivated since', async () => {
    const { deps, users } = accountDeps();
    users.add(staff('u-officer', { supervisorId: 'u-gone' }), staff('u-gone', { status: 'deactivated' }));
    await changeStaffRoles(deps, admin, { ...change, roles: ['officer', 'supervisor'], supervisorId: 'u-gone' });
    expect(users.update.mock.calls[0]?.[3]).toMatchObject({ supervisorId: 'u-gone' });
    await expect(changeStaffRoles(deps, admin, { ...change, supervisorId: 'u-gone-2' })).rejects.toMatchObject({
      code: 'SUPERVISOR_NOT_ELIGIBLE',
    });
  });
});
