import type { CallContext } from '@balai/platform';
import { eventually, infrastructureEndpoints, readTopicRecords, testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturingSender, failureOf, startIdentityFor } from './identity-fixture.js';

const ns = testNamespace(import.meta.filename);
const sender = new CapturingSender();
let identity: Awaited<ReturnType<typeof startIdentityFor>>;

const platformAdmin = (tenantId: string): CallContext => ({
  tenantId,
  requestId: '',
  subject: 'platform-root',
  roles: ['platform_admin'],
});

/** Creates a staff member as the caller and activates the account with the code sent. */
async function staffMember(
  caller: CallContext,
  input: { fullName: string; email: string; roles: string[]; agencyId?: string; supervisorId?: string },
): Promise<CallContext & { subject: string }> {
  const { user } = await identity.call('createStaff', { phone: '', agencyId: '', supervisorId: '', ...input }, caller);
  if (!user) throw new Error('no user');
  await identity.call(
    'activateAccount',
    { login: input.email, code: sender.lastCode(input.email), newPassword: 'meja kayu jati tua' },
    { tenantId: caller.tenantId, requestId: '', roles: [] },
  );
  return { tenantId: caller.tenantId, requestId: '', subject: user.id, roles: user.roles, agencyId: user.agencyId };
}

let serangAdmin: CallContext & { subject: string };
let tangerangOfficerId = '';

beforeAll(async () => {
  identity = await startIdentityFor(ns, sender);
  serangAdmin = await staffMember(platformAdmin('36.73'), {
    fullName: 'Admin Kota Serang',
    email: 'admin@serangkota.go.id',
    roles: ['tenant_admin'],
  });
  const tangerangOfficer = await staffMember(platformAdmin('36.71'), {
    fullName: 'Petugas Tangerang',
    email: 'petugas@tangerangkota.go.id',
    roles: ['officer'],
    agencyId: 'dlh',
  });
  tangerangOfficerId = tangerangOfficer.subject;
});

afterAll(async () => {
  await identity?.stop();
});

describe('staff administration over gRPC', () => {
  let officerId = '';

  it('should create a pending officer of an agency, send an activation code, and activate with a new password', async () => {
    const { user } = await identity.call(
      'createStaff',
      {
        fullName: 'Andi Wijaya',
        email: 'andi@serangkota.go.id',
        phone: '',
        roles: ['officer'],
        agencyId: 'dpupr',
        supervisorId: '',
      },
      serangAdmin,
    );
    officerId = user?.id ?? '';
    expect(user).toMatchObject({ kind: 'staff', status: 'pending', roles: ['officer'], agencyId: 'dpupr', version: 1 });
    expect(user).not.toHaveProperty('email');
    expect(sender.to('andi@serangkota.go.id').at(-1)).toMatchObject({ template: 'staff-activation', channel: 'email' });

    const wrong = await failureOf(
      identity.call(
        'activateAccount',
        { login: 'andi@serangkota.go.id', code: '12345x', newPassword: 'meja kayu jati tua' },
        { tenantId: '36.73', requestId: '', roles: [] },
      ),
    );
    expect(wrong.code).toBe('VERIFICATION_FAILED');
    expect(
      await identity.call(
        'activateAccount',
        {
          login: 'ANDI@serangkota.go.id',
          code: sender.lastCode('andi@serangkota.go.id'),
          newPassword: 'meja kayu jati tua',
        },
        { tenantId: '36.73', requestId: '', roles: [] },
      ),
    ).toEqual({ status: 'active' });
    const stored = await identity.db.collection('users').findOne({ _id: officerId as never });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);

    const officers = await identity.call(
      'listAgencyOfficers',
      { agencyId: 'dpupr', pageSize: 0, pageToken: '' },
      serangAdmin,
    );
    expect(officers.users.map((officer) => officer.id)).toEqual([officerId]);
  });

  it('should refuse an officer without an agency, an unknown agency, and a grant of platform_admin', async () => {
    const base = { fullName: 'Rina', email: 'rina@serangkota.go.id', phone: '' };
    expect(
      (
        await failureOf(
          identity.call('createStaff', { ...base, roles: ['officer'], agencyId: '', supervisorId: '' }, serangAdmin),
        )
      ).code,
    ).toBe('VALIDATION_FAILED');
    expect(
      (
        await failureOf(
          identity.call(
            'createStaff',
            { ...base, roles: ['officer'], agencyId: 'dinas-tidak-ada', supervisorId: '' },
            serangAdmin,
          ),
        )
      ).code,
    ).toBe('AGENCY_NOT_FOUND');
    expect(
      (
        await failureOf(
          identity.call(
            'createStaff',
            { ...base, roles: ['platform_admin'], agencyId: '', supervisorId: '' },
            serangAdmin,
          ),
        )
      ).code,
    ).toBe('VALIDATION_FAILED');
    const officerCaller = { ...serangAdmin, subject: officerId, roles: ['officer'] };
    expect(
      (
        await failureOf(
          identity.call('createStaff', { ...base, roles: ['analyst'], agencyId: '', supervisorId: '' }, officerCaller),
        )
      ).code,
    ).toBe('FORBIDDEN');
  });

  it('should change roles at the expected version and answer a stale version with STALE_VERSION (ABORTED)', async () => {
    const { user } = await identity.call(
      'changeStaffRoles',
      { userId: officerId, roles: ['supervisor', 'officer'], agencyId: 'dpupr', expectedVersion: 2, supervisorId: '' },
      serangAdmin,
    );
    expect(user).toMatchObject({ roles: ['officer', 'supervisor'], version: 3 });
    const stale = await failureOf(
      identity.call(
        'changeStaffRoles',
        { userId: officerId, roles: ['officer'], agencyId: 'dlh', expectedVersion: 2, supervisorId: '' },
        serangAdmin,
      ),
    );
    expect(stale.code).toBe('STALE_VERSION');
    expect(stale.kind.http).toBe(409);
    expect((await identity.call('getUser', { userId: officerId }, serangAdmin)).user).toMatchObject({
      roles: ['officer', 'supervisor'],
      agencyId: 'dpupr',
    });
  });

  it('should not let a tenant admin remove their own admin role or deactivate themselves', async () => {
    const own = await failureOf(
      identity.call(
        'changeStaffRoles',
        { userId: serangAdmin.subject, roles: ['analyst'], agencyId: '', expectedVersion: 2, supervisorId: '' },
        serangAdmin,
      ),
    );
    expect(own.code).toBe('FORBIDDEN');
    const self = await failureOf(
      identity.call('deactivateUser', { userId: serangAdmin.subject, expectedVersion: 0 }, serangAdmin),
    );
    expect(self.code).toBe('FORBIDDEN');
  });

  it("should not let the admin of Kota Serang see or touch Kota Tangerang's staff", async () => {
    for (const attempt of [
      () => identity.call('getUser', { userId: tangerangOfficerId }, serangAdmin),
      () =>
        identity.call(
          'changeStaffRoles',
          { userId: tangerangOfficerId, roles: ['analyst'], agencyId: '', expectedVersion: 2, supervisorId: '' },
          serangAdmin,
        ),
      () => identity.call('deactivateUser', { userId: tangerangOfficerId, expectedVersion: 0 }, serangAdmin),
    ]) {
      // One at a time, each awaited: a rejected promise is never left unobserved.
      expect((await failureOf(attempt())).code).toBe('USER_NOT_FOUND');
    }
    const listed = await identity.call('listStaff', { agencyId: '' }, serangAdmin);
    expect(listed.users.map((user) => user.tenantId)).not.toContain('36.71');
    expect(
      (await identity.call('getUsers', { userIds: [tangerangOfficerId, officerId] }, serangAdmin)).users.map(
        (u) => u.id,
      ),
    ).toEqual([officerId]);
    const tangerang = await identity.db.collection('users').findOne({ _id: tangerangOfficerId as never });
    expect(tangerang).toMatchObject({ status: 'active', roles: ['officer'] });
  });

  it('should deactivate a staff member and keep an audit trail of every change, without secrets', async () => {
    const { user } = await identity.call('deactivateUser', { userId: officerId, expectedVersion: 3 }, serangAdmin);
    expect(user).toMatchObject({ status: 'deactivated', version: 4 });
    const officers = await identity.call(
      'listAgencyOfficers',
      { agencyId: 'dpupr', pageSize: 0, pageToken: '' },
      serangAdmin,
    );
    expect(officers.users).toEqual([]);

    const audit = await identity.db
      .collection('audit_log')
      .find({ targetId: officerId }, { projection: { _id: 0, at: 0 } })
      .sort({ at: 1 })
      .toArray();
    expect(audit.map((entry) => entry.action)).toEqual([
      'staff.created',
      'user.activated',
      'staff.roles_changed',
      'user.deactivated',
    ]);
    expect(audit[2]).toEqual({
      tenantId: '36.73',
      actorId: serangAdmin.subject,
      actorRoles: ['tenant_admin'],
      action: 'staff.roles_changed',
      targetId: officerId,
      changes: {
        roles: { from: ['officer'], to: ['officer', 'supervisor'] },
        agencyId: { from: 'dpupr', to: 'dpupr' },
        supervisorId: { from: null, to: null },
      },
    });
    expect(JSON.stringify(audit)).not.toMatch(/argon2|andi@|meja kayu/);
  });

  it('should publish the staff events in order with ids and roles only', async () => {
    const { kafkaBrokers } = infrastructureEndpoints();
    const records = await eventually(async () => {
      const all = await readTopicRecords({ brokers: kafkaBrokers, topic: `${ns.topicPrefix}balai.identity.users.v1` });
      const mine = all.filter((record) => record.key === officerId);
      expect(mine.map((record) => record.headers.ce_type)).toEqual([
        'id.balai.identity.user.registered.v1',
        'id.balai.identity.user.verified.v1',
        'id.balai.identity.user.roles_changed.v1',
        'id.balai.identity.user.deactivated.v1',
      ]);
      return mine;
    });
    expect(JSON.parse(records[2]?.value ?? '{}')).toEqual({
      userId: officerId,
      tenantId: '36.73',
      roles: ['officer', 'supervisor'],
      agencyId: 'dpupr',
      previousRoles: ['officer'],
      previousAgencyId: 'dpupr',
      actorId: serangAdmin.subject,
      changedAt: expect.any(String),
    });
    expect(records[0]?.headers).toMatchObject({
      ce_tenant: '36.73',
      ce_source: '/balai/identity',
      ce_subject: officerId,
    });
    expect(JSON.stringify(records)).not.toMatch(/Andi|andi@|serangkota/);
  });

  it('should record who a staff member reports to, and refuse an inactive supervisor or a loop', async () => {
    const head = await staffMember(serangAdmin, {
      fullName: 'Kepala Bidang',
      email: 'kabid@serangkota.go.id',
      roles: ['supervisor'],
      agencyId: 'dpupr',
    });
    const { user: lead } = await identity.call(
      'createStaff',
      {
        fullName: 'Ketua Tim',
        email: 'katim@serangkota.go.id',
        phone: '',
        roles: ['supervisor'],
        agencyId: 'dpupr',
        supervisorId: head.subject,
      },
      serangAdmin,
    );
    expect(lead).toMatchObject({ supervisorId: head.subject });
    // lead is still pending: nobody may report to them yet.
    const pending = await failureOf(
      identity.call(
        'createStaff',
        {
          fullName: 'Staf Baru',
          email: 'staf@serangkota.go.id',
          phone: '',
          roles: ['officer'],
          agencyId: 'dpupr',
          supervisorId: lead?.id ?? '',
        },
        serangAdmin,
      ),
    );
    expect([pending.code, pending.kind.http]).toEqual(['SUPERVISOR_NOT_ELIGIBLE', 422]);
    const deputy = await staffMember(serangAdmin, {
      fullName: 'Wakil Kepala',
      email: 'wakil@serangkota.go.id',
      roles: ['supervisor'],
      agencyId: 'dpupr',
      supervisorId: head.subject,
    });
    expect((await identity.call('getUser', { userId: deputy.subject }, serangAdmin)).user?.supervisorId).toBe(
      head.subject,
    );
    const headUser = (await identity.call('getUser', { userId: head.subject }, serangAdmin)).user;
    const loop = await failureOf(
      identity.call(
        'changeStaffRoles',
        {
          userId: head.subject,
          roles: ['supervisor'],
          agencyId: 'dpupr',
          expectedVersion: headUser?.version ?? 0,
          supervisorId: deputy.subject,
        },
        serangAdmin,
      ),
    );
    expect([loop.code, loop.kind.http]).toEqual(['SUPERVISOR_CYCLE', 409]);
    const self = await failureOf(
      identity.call(
        'changeStaffRoles',
        {
          userId: head.subject,
          roles: ['supervisor'],
          agencyId: 'dpupr',
          expectedVersion: headUser?.version ?? 0,
          supervisorId: head.subject,
        },
        serangAdmin,
      ),
    );
    expect(self.code).toBe('SUPERVISOR_CYCLE');
  });

  it('should keep agencies and settings per tenant, and let only an admin change them', async () => {
    const { agencies } = await identity.call('listAgencies', {}, { tenantId: '36.73', requestId: '', roles: [] });
    expect(agencies.map((agency) => agency.id)).toEqual(['dinkes', 'dishub', 'dlh', 'dpmptsp', 'dpupr']);
    const { agency } = await identity.call(
      'createAgency',
      { id: 'disdik', name: 'Dinas Pendidikan Kota Serang', shortName: 'Disdik' },
      serangAdmin,
    );
    expect(agency).toEqual({
      id: 'disdik',
      tenantId: '36.73',
      name: 'Dinas Pendidikan Kota Serang',
      shortName: 'Disdik',
    });
    expect(
      (await failureOf(identity.call('createAgency', { id: 'disdik', name: 'Lagi', shortName: 'Lagi' }, serangAdmin)))
        .code,
    ).toBe('AGENCY_EXISTS');
    const tangerang = await identity.call('listAgencies', {}, { tenantId: '36.71', requestId: '', roles: [] });
    expect(tangerang.agencies.map((a) => a.id)).not.toContain('disdik');

    await identity.call('updateTenantSettings', { set: { otpTtlMinutes: 15 }, clear: [] }, platformAdmin('36'));
    const updated = await identity.call(
      'updateTenantSettings',
      { set: { complaintReopenWindowDays: 30 }, clear: [] },
      serangAdmin,
    );
    expect(updated.settings).toMatchObject({
      otpTtlMinutes: 15,
      complaintReopenWindowDays: 30,
      defaultLocale: 'id-ID',
    });
    expect(updated.overrides).toEqual({ complaintReopenWindowDays: 30, defaultLocale: 'id-ID' });
    const cleared = await identity.call(
      'updateTenantSettings',
      { set: {}, clear: ['complaintReopenWindowDays'] },
      serangAdmin,
    );
    expect(cleared.settings?.complaintReopenWindowDays).toBe(14);
    const officerCaller = { ...serangAdmin, roles: ['officer'] };
    expect(
      (await failureOf(identity.call('updateTenantSettings', { set: { otpTtlMinutes: 5 }, clear: [] }, officerCaller)))
        .code,
    ).toBe('FORBIDDEN');
    expect(
      (await failureOf(identity.call('updateTenantSettings', { set: { otpTtlMinutes: 0 }, clear: [] }, serangAdmin)))
        .code,
    ).toBe('VALIDATION_FAILED');
  });
});
