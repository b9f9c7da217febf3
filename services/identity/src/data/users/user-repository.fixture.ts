import { vi } from 'vitest';
import { loginNameKey, loginsOf, parseLogin } from '../../domain/users/login-identifier.js';
import {
  compareStaffOrder,
  type LoginConflict,
  maxUsersPerRead,
  type User,
  type UserRepository,
} from './user-repository.js';

/**
 * The users of a unit test, in memory, kept by UserRepository's rules: login names unique per
 * tenant, every read scoped to the tenant (another tenant's user is not found), writes only at
 * the version read. Every method is a spy: a test reads the events a write carried from its
 * call, and can make one call answer otherwise (a change that raced it, say).
 */
export function memoryUsers(clock: () => Date) {
  const users = new Map<string, User>();
  const loginNames = new Map<string, string>();

  // Copies in and out, as documents are: a caller's later edit never reaches the store.
  const stored = (tenantId: string, id: string): User | null => {
    const user = users.get(String(id));
    return user && user.tenantId === String(tenantId) ? structuredClone(user) : null;
  };
  const store = (user: User) => users.set(user._id, structuredClone(user));
  const conflictsOf = (user: User): LoginConflict[] =>
    loginsOf(user).flatMap((login) => {
      const holder = loginNames.get(loginNameKey(user.tenantId, login));
      return holder !== undefined && holder !== user._id ? [{ login, userId: holder }] : [];
    });
  const reserve = (user: User) => {
    for (const login of loginsOf(user)) loginNames.set(loginNameKey(user.tenantId, login), user._id);
  };

  return {
    insert: vi.fn<UserRepository['insert']>(async (user) => {
      const conflicts = conflictsOf(user);
      if (conflicts.length > 0) return { inserted: false, conflicts };
      reserve(user);
      store(user);
      return { inserted: true };
    }),
    findByLogin: vi.fn<UserRepository['findByLogin']>(async (tenantId, login) => {
      const identifier = parseLogin(login);
      const holder = identifier ? loginNames.get(loginNameKey(tenantId, identifier)) : undefined;
      return holder === undefined ? null : stored(tenantId, holder);
    }),
    findById: vi.fn<UserRepository['findById']>(async (tenantId, id) => stored(tenantId, id)),
    findManyByIds: vi.fn<UserRepository['findManyByIds']>(async (tenantId, ids) =>
      [...new Set(ids.map(String))]
        .slice(0, maxUsersPerRead)
        .map((id) => stored(tenantId, id))
        .filter((user): user is User => user !== null),
    ),
    listStaff: vi.fn<UserRepository['listStaff']>(async (tenantId, agencyId) =>
      [...users.values()]
        .filter((user) => user.tenantId === tenantId && user.kind === 'staff')
        .filter((user) => agencyId === undefined || user.agencyId === agencyId)
        .sort(compareStaffOrder)
        .map((user) => structuredClone(user)),
    ),
    update: vi.fn<UserRepository['update']>(async (tenantId, id, expectedVersion, changes) => {
      const current = stored(tenantId, id);
      if (!current) return { outcome: 'not_found' };
      if (current.version !== expectedVersion) return { outcome: 'stale', currentVersion: current.version };
      const updated: User = { ...current, ...changes, version: current.version + 1, updatedAt: clock() };
      store(updated);
      return { outcome: 'updated', user: structuredClone(updated) };
    }),
    updatePasswordHash: vi.fn<UserRepository['updatePasswordHash']>(async (tenantId, id, hash) => {
      const current = stored(tenantId, id);
      if (current) store({ ...current, passwordHash: hash });
    }),

    /** Stores users as they are, with their login names: the world a test starts from. */
    add(...seeded: User[]): void {
      for (const user of seeded) {
        reserve(user);
        store(user);
      }
    },
  };
}

export type MemoryUsers = ReturnType<typeof memoryUsers>;
