import { AppError, type CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { accountDeps, aUser } from '../account-deps.fixture.js';
import { activateAccount } from './activate-account.js';
import { resendCode, verifyContact } from './verify-contact.js';

const anonymous: CallContext = { tenantId: '36.73', requestId: 'r-1', roles: [] };

describe('verifyContact', () => {
  it('should prove the contact, activate the account and write the verified event with the change', async () => {
    const { deps, users, codes, onCommitted } = accountDeps();
    users.add(aUser());
    codes.verify.mockResolvedValue(true);
    expect(await verifyContact(deps, anonymous, { login: 'SITI@example.id', code: '246810' })).toEqual({
      channel: 'email',
      status: 'active',
    });
    expect(codes.verify).toHaveBeenCalledWith(
      { tenantId: '36.73', userId: 'u-1', channel: 'email', purpose: 'verification' },
      '246810',
    );
    const [tenantId, id, version, changes, events] = users.update.mock.calls[0] ?? [];
    expect([tenantId, id, version, changes]).toEqual(['36.73', 'u-1', 1, { emailVerified: true, status: 'active' }]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'id.balai.identity.user.verified.v1',
        data: expect.objectContaining({ channel: 'email', activated: true, kind: 'citizen' }),
      }),
    ]);
    expect(onCommitted).toHaveBeenCalled();
  });

  it('should retry on a concurrent change to the user and apply on the fresh version', async () => {
    const { deps, users, codes } = accountDeps();
    // The phone was proven between the read of the login and the write.
    users.add(aUser({ version: 2, status: 'active', phoneVerified: true }));
    users.findByLogin.mockResolvedValueOnce(aUser());
    codes.verify.mockResolvedValue(true);
    await verifyContact(deps, anonymous, { login: 'siti@example.id', code: '246810' });
    expect(users.update).toHaveBeenLastCalledWith('36.73', 'u-1', 2, { emailVerified: true }, expect.any(Array));
  });

  it('should give one failure for a wrong code, an unknown contact, a deactivated account and a NIK', async () => {
    const { deps, users, codes } = accountDeps();
    users.add(aUser(), aUser({ _id: 'u-gone', nik: null, email: 'gone@example.id', status: 'deactivated' }));
    const attempts = [
      async () => {
        codes.verify.mockResolvedValue(false);
        return verifyContact(deps, anonymous, { login: 'siti@example.id', code: '000000' });
      },
      async () => verifyContact(deps, anonymous, { login: 'nobody@example.id', code: '246810' }),
      async () => {
        codes.verify.mockResolvedValue(true);
        return verifyContact(deps, anonymous, { login: 'gone@example.id', code: '246810' });
      },
      async () => verifyContact(deps, anonymous, { login: '3673011708900001', code: '246810' }),
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toMatchObject({ code: 'VERIFICATION_FAILED' });
    }
    expect(users.update).not.toHaveBeenCalled();
  });

  it("should check the code counted against the caller's address, and stop at TOO_MANY_ATTEMPTS before looking up", async () => {
    const { deps, users, codes, limits } = accountDeps();
    const fromAddress = { ...anonymous, clientAddress: '203.0.113.7' };
    users.add(aUser());
    codes.verify.mockResolvedValue(false);
    await expect(verifyContact(deps, fromAddress, { login: 'siti@example.id', code: '000000' })).rejects.toMatchObject({
      code: 'VERIFICATION_FAILED',
    });
    expect(limits.countFailedChecks).toHaveBeenCalledWith('203.0.113.7', expect.any(Function));

    limits.countFailedChecks.mockRejectedValue(new AppError('TOO_MANY_ATTEMPTS'));
    users.findByLogin.mockClear();
    codes.verify.mockClear();
    await expect(verifyContact(deps, fromAddress, { login: 'siti@example.id', code: '246810' })).rejects.toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
    });
    expect(users.findByLogin).not.toHaveBeenCalled();
    expect(codes.verify).not.toHaveBeenCalled();
  });
});

describe('resendCode', () => {
  it("should send a new code to a citizen's unproven contact", async () => {
    const { deps, users, codes, sent } = accountDeps();
    users.add(aUser({ phone: '+6281234567890' }));
    await resendCode(deps, anonymous, { login: '0812 3456 7890' });
    expect(codes.issue).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'sms', purpose: 'verification' }),
      15 * 60_000,
    );
    expect(sent).toEqual([expect.objectContaining({ to: '+6281234567890', template: 'verification-code' })]);
  });

  it('should send nothing for an unknown, proven or over-budget contact, and answer the same', async () => {
    const { deps, users, codes, limits, sent } = accountDeps();
    users.add(
      aUser(),
      aUser({ _id: 'u-proven', nik: null, email: 'proven@example.id', emailVerified: true, status: 'active' }),
    );
    expect(await resendCode(deps, anonymous, { login: 'nobody@example.id' })).toBeUndefined();
    expect(await resendCode(deps, anonymous, { login: 'proven@example.id' })).toBeUndefined();
    limits.mayMessage.mockResolvedValue(false);
    expect(await resendCode(deps, anonymous, { login: 'siti@example.id' })).toBeUndefined();
    expect(limits.mayMessage).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'email', to: 'siti@example.id' }),
      'verification-code',
      { code: true },
    );
    expect(codes.issue).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });

  it("should count every request against the caller's address first, whatever the contact", async () => {
    const { deps, users, limits } = accountDeps();
    const fromAddress = { ...anonymous, clientAddress: '203.0.113.7' };
    await resendCode(deps, fromAddress, { login: 'not a contact' });
    await resendCode(deps, fromAddress, { login: 'nobody@example.id' });
    expect(limits.requireCodeRequests.mock.calls).toEqual([
      ['203.0.113.7', 1],
      ['203.0.113.7', 1],
    ]);
    limits.requireCodeRequests.mockRejectedValue(new AppError('TOO_MANY_ATTEMPTS'));
    users.findByLogin.mockClear();
    await expect(resendCode(deps, fromAddress, { login: 'nobody@example.id' })).rejects.toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
    });
    expect(users.findByLogin).not.toHaveBeenCalled();
  });
});

describe('activateAccount', () => {
  const staff = aUser({ kind: 'staff', nik: null, roles: ['officer'], agencyId: 'dpupr', passwordHash: null });

  it('should set the password, prove the contact and activate a pending staff member', async () => {
    const { deps, users, codes, hasher } = accountDeps();
    users.add(staff);
    codes.verify.mockResolvedValue(true);
    expect(
      await activateAccount(deps, anonymous, {
        login: 'siti@example.id',
        code: '246810',
        newPassword: 'meja kayu jati tua',
      }),
    ).toEqual({ status: 'active' });
    expect(codes.verify).toHaveBeenCalledWith(expect.objectContaining({ purpose: 'staff-activation' }), '246810');
    expect(hasher.hash).toHaveBeenCalledWith('meja kayu jati tua');
    expect(users.update.mock.calls[0]?.[3]).toEqual({
      passwordHash: '$argon2id$new',
      emailVerified: true,
      status: 'active',
    });
  });

  it('should refuse a citizen, an active account and a wrong code alike, and a weak password first', async () => {
    for (const user of [aUser(), { ...staff, status: 'active' as const }, staff]) {
      const { deps, users, codes } = accountDeps();
      codes.verify.mockResolvedValue(false);
      users.add(user);
      await expect(
        activateAccount(deps, anonymous, {
          login: 'siti@example.id',
          code: '246810',
          newPassword: 'meja kayu jati tua',
        }),
      ).rejects.toMatchObject({ code: 'VERIFICATION_FAILED' });
      expect(users.update).not.toHaveBeenCalled();
    }
    const { deps, users } = accountDeps();
    users.add(staff);
    await expect(
      activateAccount(deps, anonymous, { login: 'siti@example.id', code: '246810', newPassword: 'siti-1234567' }),
    ).rejects.toMatchObject({ code: 'PASSWORD_REJECTED' });
    expect(users.update).not.toHaveBeenCalled();
  });

  it("should check the code counted against the caller's address", async () => {
    const { deps, users, limits } = accountDeps();
    users.add(staff);
    limits.countFailedChecks.mockRejectedValue(new AppError('TOO_MANY_ATTEMPTS'));
    const input = { login: 'siti@example.id', code: '246810', newPassword: 'meja kayu jati tua' };
    await expect(activateAccount(deps, { ...anonymous, clientAddress: '203.0.113.7' }, input)).rejects.toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
    });
    expect(limits.countFailedChecks).toHaveBeenCalledWith('203.0.113.7', expect.any(Function));
    expect(users.update).not.toHaveBeenCalled();
  });
});
