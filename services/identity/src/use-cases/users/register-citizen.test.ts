import { AppError, type CallContext } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { accountDeps, aUser } from '../account-deps.fixture.js';
import { registerCitizen } from './register-citizen.js';

const anonymous: CallContext = { tenantId: '36.73', requestId: 'r-1', roles: [] };
const input = {
  nik: '3673011708900001',
  fullName: '  Siti   Rahmawati ',
  email: 'Siti@Example.ID',
  phone: '0812-3456-7890',
  password: 'kopi tubruk pagi hari',
};

describe('registerCitizen', () => {
  it('should create a pending citizen with its registered event in one write, then send a code per contact', async () => {
    const { deps, users, codes, sent, onCommitted, audit } = accountDeps();
    expect(await registerCitizen(deps, anonymous, input)).toEqual({ channels: ['email', 'sms'] });
    const [user, outbox] = users.insert.mock.calls[0] ?? [];
    expect(user).toMatchObject({
      _id: 'u-new',
      tenantId: '36.73',
      kind: 'citizen',
      fullName: 'Siti Rahmawati',
      email: 'siti@example.id',
      phone: '+6281234567890',
      status: 'pending',
      roles: ['citizen'],
      passwordHash: '$argon2id$new',
    });
    expect(outbox).toEqual([
      expect.objectContaining({
        type: 'id.balai.identity.user.registered.v1',
        subject: 'u-new',
        data: {
          userId: 'u-new',
          tenantId: '36.73',
          kind: 'citizen',
          roles: ['citizen'],
          registeredAt: expect.any(String),
        },
      }),
    ]);
    expect(onCommitted).toHaveBeenCalledAfter(users.insert);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'user.registered', targetId: 'u-new' }),
    );
    // Banten's 15 minutes reach its city.
    expect(codes.issue).toHaveBeenCalledWith(
      { tenantId: '36.73', userId: 'u-new', channel: 'email', purpose: 'verification' },
      15 * 60_000,
    );
    expect(sent.map((message) => [message.channel, message.to, message.template])).toEqual([
      ['email', 'siti@example.id', 'verification-code'],
      ['sms', '+6281234567890', 'verification-code'],
    ]);
    expect(sent[0]?.params).toEqual({ code: '246810', minutes: '15', tenantName: 'Kota Serang' });
  });

  it('should answer a taken NIK or contact exactly as a new registration and notify the holder instead', async () => {
    const fresh = accountDeps();
    const freshAnswer = await registerCitizen(fresh.deps, anonymous, input);

    const { deps, users, codes, sent, hasher, onCommitted } = accountDeps();
    // The holder has the NIK and the phone number; the e-mail address is new.
    users.add(aUser({ _id: 'u-holder', nik: input.nik, email: 'holder@example.id', phone: '+6281234567890' }));
    expect(await registerCitizen(deps, anonymous, input)).toEqual(freshAnswer);
    expect(hasher.hash).toHaveBeenCalledTimes(1);
    expect(codes.issue).not.toHaveBeenCalled();
    expect(onCommitted).not.toHaveBeenCalled();
    expect(sent).toEqual([
      {
        channel: 'email',
        to: 'holder@example.id',
        template: 'registration-attempt',
        locale: 'id-ID',
        params: { tenantName: 'Kota Serang' },
      },
    ]);
  });

  it("should send every code and notice through the contact's budget, and nothing over it, with the same answer", async () => {
    const { deps, users, codes, limits, sent } = accountDeps();
    limits.mayMessage.mockResolvedValue(false);
    expect(await registerCitizen(deps, anonymous, input)).toEqual({ channels: ['email', 'sms'] });
    expect(limits.mayMessage.mock.calls).toEqual([
      [expect.objectContaining({ channel: 'email', to: 'siti@example.id' }), 'verification-code', { code: true }],
      [expect.objectContaining({ channel: 'sms', to: '+6281234567890' }), 'verification-code', { code: true }],
    ]);
    // No code is made over budget, so one the contact already holds stays valid.
    expect(codes.issue).not.toHaveBeenCalled();
    expect(users.insert).toHaveBeenCalled();

    // Someone else holds the NIK: the holder's notice is over budget too.
    const taken = accountDeps();
    taken.limits.mayMessage.mockResolvedValue(false);
    taken.users.add(aUser({ _id: 'u-holder', nik: input.nik, email: 'holder@example.id' }));
    expect(await registerCitizen(taken.deps, anonymous, input)).toEqual({ channels: ['email', 'sms'] });
    expect(taken.limits.mayMessage).toHaveBeenLastCalledWith(
      expect.objectContaining({ channel: 'email', to: 'holder@example.id' }),
      'registration-attempt',
      { code: false },
    );
    expect(sent).toEqual([]);
    expect(taken.sent).toEqual([]);
  });

  it("should count a code request per contact against the caller's address before looking anything up", async () => {
    const { deps, users, hasher, limits } = accountDeps();
    const fromAddress = { ...anonymous, clientAddress: '203.0.113.7' };
    await registerCitizen(deps, fromAddress, input);
    expect(limits.requireCodeRequests).toHaveBeenCalledWith('203.0.113.7', 2);
    await registerCitizen(deps, fromAddress, { ...input, phone: '' });
    expect(limits.requireCodeRequests).toHaveBeenLastCalledWith('203.0.113.7', 1);

    // Past the address's day: refused the same whether the contacts are taken or not, with nothing done.
    limits.requireCodeRequests.mockRejectedValue(new AppError('TOO_MANY_ATTEMPTS'));
    users.insert.mockClear();
    hasher.hash.mockClear();
    await expect(registerCitizen(deps, fromAddress, input)).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(users.insert).not.toHaveBeenCalled();
    expect(hasher.hash).not.toHaveBeenCalled();
  });

  it('should answer the same when sending fails, and keep the recipient out of the log', async () => {
    const { deps, sender, logger } = accountDeps();
    sender.send.mockRejectedValue(new Error('smtp refused siti@example.id'));
    expect(await registerCitizen(deps, anonymous, input)).toEqual({ channels: ['email', 'sms'] });
    expect(logger.error).toHaveBeenCalled();
    expect(JSON.stringify(logger.error.mock.calls)).not.toContain('siti@example.id');
  });

  it('should refuse a NIK from another province, even one valid elsewhere, and write nothing', async () => {
    const { deps, users, hasher } = accountDeps();
    await expect(registerCitizen(deps, anonymous, { ...input, nik: '3173011708900001' })).rejects.toMatchObject({
      code: 'NIK_INVALID',
    });
    expect(users.insert).not.toHaveBeenCalled();
    expect(hasher.hash).not.toHaveBeenCalled();
  });

  it('should ask for a contact, refuse a bad e-mail, a weak password and non-string values', async () => {
    const { deps, users } = accountDeps();
    await expect(registerCitizen(deps, anonymous, { ...input, email: '', phone: '' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(registerCitizen(deps, anonymous, { ...input, email: 'siti@' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: '/email', message: 'is not an e-mail address' }],
    });
    await expect(registerCitizen(deps, anonymous, { ...input, password: 'siti12345678' })).rejects.toMatchObject({
      code: 'PASSWORD_REJECTED',
    });
    const injected = { ...input, nik: { $gt: '' } as unknown as string };
    await expect(registerCitizen(deps, anonymous, injected)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(users.insert).not.toHaveBeenCalled();
  });

  it('should refuse a call without a tenant, and an unknown tenant', async () => {
    const { deps } = accountDeps();
    await expect(registerCitizen(deps, { ...anonymous, tenantId: '' }, input)).rejects.toMatchObject({
      code: 'TENANT_REQUIRED',
    });
    await expect(registerCitizen(deps, { ...anonymous, tenantId: '36.99' }, input)).rejects.toMatchObject({
      code: 'UNKNOWN_TENANT',
    });
  });
});
