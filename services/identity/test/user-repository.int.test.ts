import { connectMongo, createLogger } from '@balai/platform';
import { infrastructureEndpoints, testNamespace } from '@balai/testkit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginNameModel, userModel } from '../src/data/users/user.schema.js';
import { UserRepository } from '../src/data/users/user-repository.js';
import { aUser } from '../src/use-cases/account-deps.fixture.js';

const ns = testNamespace(import.meta.filename);
let connection: Connection;
let users: UserRepository;

/** u-1's mobile number, which a later insert asks for again. */
const phone = '+6281234567890';

beforeAll(async () => {
  connection = await connectMongo({
    url: infrastructureEndpoints().mongoUrl,
    dbName: ns.database('identity'),
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  const model = userModel(connection);
  const names = loginNameModel(connection);
  for (const m of [model, names]) await m.createCollection();
  await model.syncIndexes();
  users = new UserRepository(model, names, { clock: () => new Date() });
  expect(await users.insert(aUser({ phone }), [])).toEqual({ inserted: true });
  expect(
    await users.insert(aUser({ _id: 'u-2', tenantId: '36.71', nik: null, email: 'siti@example.id', phone: null }), []),
  ).toEqual({ inserted: true });
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

describe('user repository on the real server', () => {
  it('should find a user by any login form, normalised as at registration, in its own tenant only', async () => {
    for (const login of ['SITI@example.id ', '0812-3456-7890', '+62 812 3456 7890', '3673011708900001']) {
      expect((await users.findByLogin('36.73', login))?._id, login).toBe('u-1');
    }
    expect((await users.findByLogin('36.71', 'siti@example.id'))?._id).toBe('u-2');
    expect(await users.findByLogin('36.71', '081234567890')).toBeNull();
    expect(await users.findByLogin('36.73', 'not a login')).toBeNull();
  });

  it('should report which logins are taken and keep none of a refused insert reserved', async () => {
    const result = await users.insert(
      aUser({ _id: 'u-3', nik: '3673015708950002', email: 'new@example.id', phone }),
      [],
    );
    expect(result).toEqual({
      inserted: false,
      conflicts: [{ login: { kind: 'phone', value: phone }, userId: 'u-1' }],
    });
    expect(await users.findByLogin('36.73', 'new@example.id')).toBeNull();
    expect(
      await users.insert(aUser({ _id: 'u-3', nik: '3673015708950002', email: 'new@example.id', phone: null }), []),
    ).toEqual({
      inserted: true,
    });
  });

  it('should scope reads by id to the tenant, except the one documented unscoped read', async () => {
    expect(await users.findById('36.71', 'u-1')).toBeNull();
    expect((await users.findManyByIds('36.73', ['u-2', 'u-1', 'u-1', 'nope'])).map((user) => user._id)).toEqual([
      'u-1',
    ]);
    expect((await users.findByIdAnyTenant('u-2'))?.tenantId).toBe('36.71');
    expect(await users.findById('36.73', 'u-1')).not.toHaveProperty('outbox');
  });

  it('should coerce operator objects to plain strings instead of running them as queries', async () => {
    const injected = { $ne: null } as unknown as string;
    expect(await users.findById(injected, 'u-1')).toBeNull();
    expect(await users.findById('36.73', injected)).toBeNull();
    expect(await users.findByLogin('36.73', injected)).toBeNull();
    expect(await users.listStaff(injected)).toEqual([]);
  });

  it('should update at the expected version only, and re-hash a password without a new version', async () => {
    expect(await users.update('36.73', 'u-1', 5, { status: 'active' }, [])).toEqual({
      outcome: 'stale',
      currentVersion: 1,
    });
    expect(await users.update('36.71', 'u-1', 1, { status: 'active' }, [])).toEqual({ outcome: 'not_found' });
    const updated = await users.update('36.73', 'u-1', 1, { status: 'active', emailVerified: true }, []);
    expect(updated).toMatchObject({ outcome: 'updated', user: { status: 'active', emailVerified: true, version: 2 } });
    await users.updatePasswordHash('36.73', 'u-1', '$argon2id$stronger');
    expect(await users.findById('36.73', 'u-1')).toMatchObject({ passwordHash: '$argon2id$stronger', version: 2 });
    await users.updatePasswordHash('36.71', 'u-1', '$argon2id$other-tenant');
    expect((await users.findById('36.73', 'u-1'))?.passwordHash).toBe('$argon2id$stronger');
  });
});
