import type { CallContext } from '@balai/platform';
import { eventually, infrastructureEndpoints, readTopicRecords, testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturingSender, failureOf, startIdentityFor } from './identity-fixture.js';

const ns = testNamespace(import.meta.filename);
const sender = new CapturingSender();
let identity: Awaited<ReturnType<typeof startIdentityFor>>;

const serang: CallContext = { tenantId: '36.73', requestId: '', roles: [] };
const password = 'kopi tubruk pagi hari';

beforeAll(async () => {
  identity = await startIdentityFor(ns, sender);
});

afterAll(async () => {
  await identity?.stop();
});

function registration(overrides: Partial<Record<'nik' | 'fullName' | 'email' | 'phone' | 'password', string>> = {}) {
  return { nik: '3673011708900001', fullName: 'Siti Rahmawati', email: '', phone: '', password, ...overrides };
}

describe('citizen self-registration over gRPC', () => {
  let citizenId = '';

  it('should register, send a code, verify the contact and then count the citizen as verified', async () => {
    const answer = await identity.call(
      'registerCitizen',
      registration({ email: 'Siti.Rahmawati@Example.ID', phone: '0812-3456-7890' }),
      serang,
    );
    expect(answer).toEqual({ channels: ['email', 'sms'] });
    expect(sender.to('siti.rahmawati@example.id')).toEqual([
      expect.objectContaining({ channel: 'email', template: 'verification-code', locale: 'id-ID' }),
    ]);
    expect(sender.to('+6281234567890')).toEqual([expect.objectContaining({ channel: 'sms' })]);

    const verified = await identity.call(
      'verifyContact',
      { login: 'siti.rahmawati@example.id', code: sender.lastCode('siti.rahmawati@example.id') },
      serang,
    );
    expect(verified).toEqual({ channel: 'email', status: 'active' });

    const user = await identity.db.collection('users').findOne({ email: 'siti.rahmawati@example.id' });
    citizenId = String(user?._id);
    expect(user).toMatchObject({ status: 'active', emailVerified: true, phoneVerified: false, roles: ['citizen'] });
    const check = await identity.call(
      'checkVerifiedCitizen',
      { userId: citizenId },
      { ...serang, subject: citizenId, roles: ['citizen'] },
    );
    expect(check).toEqual({ verified: true, reason: '' });
  });

  it('should answer a registration with a taken NIK exactly as a new one, and notify the holder instead', async () => {
    const before = sender.messages.length;
    const answer = await identity.call(
      'registerCitizen',
      registration({ email: 'penyusup@example.id', fullName: 'Orang Lain' }),
      serang,
    );
    expect(answer).toEqual({ channels: ['email'] });
    const sent = sender.messages.slice(before);
    // No code to the stranger's address: a notice to the holder's own contact.
    expect(sent).toEqual([
      expect.objectContaining({
        to: 'siti.rahmawati@example.id',
        template: 'registration-attempt',
        params: { tenantName: 'Kota Serang' },
      }),
    ]);
    expect(await identity.db.collection('users').countDocuments({ email: 'penyusup@example.id' })).toBe(0);
    // The half-made reservation of the new address was released.
    expect(
      await identity.db.collection('login_names').countDocuments({ _id: '36.73|email:penyusup@example.id' as never }),
    ).toBe(0);
  });

  it('should answer a taken phone number written differently the same way too', async () => {
    const answer = await identity.call(
      'registerCitizen',
      registration({ nik: '3673015708950002', phone: '+62 812 3456 7890', fullName: 'Dewi Lestari' }),
      serang,
    );
    expect(answer).toEqual({ channels: ['sms'] });
    expect(sender.messages.at(-1)).toMatchObject({ template: 'registration-attempt', to: 'siti.rahmawati@example.id' });
  });

  it('should kill a code after five wrong attempts, so even the right code then fails', async () => {
    await identity.call(
      'registerCitizen',
      registration({ nik: '3673016108920003', phone: '081298765432', fullName: 'Budi Santoso' }),
      serang,
    );
    const code = sender.lastCode('+6281298765432');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const error = await failureOf(identity.call('verifyContact', { login: '081298765432', code: wrong }, serang));
      expect(error.code).toBe('VERIFICATION_FAILED');
    }
    const error = await failureOf(identity.call('verifyContact', { login: '0812 9876 5432', code }, serang));
    expect(error.code).toBe('VERIFICATION_FAILED');
    const user = await identity.db.collection('users').findOne({ phone: '+6281298765432' });
    expect(user).toMatchObject({ status: 'pending', phoneVerified: false });
  });

  it('should give the same failure for an unknown contact, and the same empty answer to a resend for it', async () => {
    const error = await failureOf(
      identity.call('verifyContact', { login: 'nobody@example.id', code: '123456' }, serang),
    );
    expect(error.code).toBe('VERIFICATION_FAILED');
    const before = sender.messages.length;
    expect(await identity.call('resendCode', { login: 'nobody@example.id' }, serang)).toEqual({});
    // A resend within a minute of the last code is answered the same and sends nothing.
    expect(await identity.call('resendCode', { login: '081298765432' }, serang)).toEqual({});
    expect(sender.messages.length).toBe(before);
  });

  it("should refuse a NIK issued outside the tenant's province, and a weak password", async () => {
    const outside = await failureOf(
      identity.call('registerCitizen', registration({ nik: '3173011708900001', email: 'a@example.id' }), serang),
    );
    expect(outside.code).toBe('NIK_INVALID');
    const weak = await failureOf(
      identity.call(
        'registerCitizen',
        registration({ nik: '3671011708900004', email: 'a@example.id', password: 'password123' }),
        serang,
      ),
    );
    expect(weak.code).toBe('PASSWORD_REJECTED');
    // A Kota Tangerang NIK is from Banten too: Kota Serang accepts it.
    expect(
      await identity.call(
        'registerCitizen',
        registration({ nik: '3671011708900004', email: 'warga.tangerang@example.id' }),
        serang,
      ),
    ).toEqual({ channels: ['email'] });
  });

  it('should treat operator-looking strings as plain values, never as queries', async () => {
    for (const login of ['{"$gt":""}', '$gt', '36.73|email:siti.rahmawati@example.id']) {
      const error = await failureOf(identity.call('verifyContact', { login, code: '123456' }, serang));
      expect(error.code).toBe('VERIFICATION_FAILED');
    }
    const user = await failureOf(
      identity.call('getUser', { userId: '{"$ne":null}' }, { ...serang, subject: 'x', roles: ['officer'] }),
    );
    expect(user.code).toBe('USER_NOT_FOUND');
  });

  it('should reclaim a login name a crashed registration left pointing at no user', async () => {
    const loginNames = identity.db.collection<{ _id: string; userId: string; createdAt: Date }>('login_names');
    await loginNames.insertOne({
      _id: '36.73|email:yatim@example.id',
      userId: 'crashed-before-its-user-was-written',
      createdAt: new Date(Date.now() - 10 * 60_000),
    });
    await identity.call(
      'registerCitizen',
      registration({ nik: '3673012005880005', email: 'yatim@example.id', fullName: 'Ahmad Yatim' }),
      serang,
    );
    expect(sender.to('yatim@example.id').map((message) => message.template)).toEqual(['verification-code']);
    const user = await identity.db.collection('users').findOne({ email: 'yatim@example.id' });
    expect(await loginNames.findOne({ _id: '36.73|email:yatim@example.id' })).toMatchObject({ userId: user?._id });
  });

  it('should leave a login name of a registration still in flight alone', async () => {
    const loginNames = identity.db.collection<{ _id: string; userId: string; createdAt: Date }>('login_names');
    await loginNames.insertOne({ _id: '36.73|email:baru@example.id', userId: 'in-flight', createdAt: new Date() });
    await identity.call(
      'registerCitizen',
      registration({ nik: '3673012005880006', email: 'baru@example.id', fullName: 'Rudi Baru' }),
      serang,
    );
    expect(sender.to('baru@example.id')).toEqual([]);
    expect(await loginNames.findOne({ _id: '36.73|email:baru@example.id' })).toMatchObject({ userId: 'in-flight' });
    expect(await loginNames.countDocuments({ _id: '36.73|nik:3673012005880006' })).toBe(0);
  });

  it('should publish registration and verification events that carry no personal data', async () => {
    const topic = `${ns.topicPrefix}balai.identity.users.v1`;
    const { kafkaBrokers } = infrastructureEndpoints();
    const records = await eventually(async () => {
      const all = await readTopicRecords({ brokers: kafkaBrokers, topic });
      const mine = all.filter((record) => record.key === citizenId);
      expect(mine.map((record) => record.headers.ce_type)).toEqual([
        'id.balai.identity.user.registered.v1',
        'id.balai.identity.user.verified.v1',
      ]);
      return all;
    });
    expect(JSON.parse(records.find((record) => record.key === citizenId)?.value ?? '{}')).toEqual({
      userId: citizenId,
      tenantId: '36.73',
      kind: 'citizen',
      roles: ['citizen'],
      registeredAt: expect.any(String),
    });
    const everything = JSON.stringify(records.map((record) => [record.value, record.headers]));
    for (const personal of ['3673011708900001', 'siti', 'Siti', '81234567890', 'example.id', 'Rahmawati']) {
      expect(everything).not.toContain(personal);
    }
  });
});
