import { type Mock, type MockInstance, vi } from 'vitest';
import type { NotificationMessage } from '../clients/notification-sender.js';
import { type MemoryAgencies, memoryAgencies } from '../data/agencies/agency-repository.fixture.js';
import { type MemoryTenants, memoryTenants } from '../data/tenants/tenant-repository.fixture.js';
import { type MemoryUsers, memoryUsers } from '../data/users/user-repository.fixture.js';
import type { User } from '../data/users/user-repository.js';
import type { AccountDeps } from './use-case-support.js';

export const now = new Date('2026-11-29T08:00:00.000Z');

/** A user with the fields a test does not care about filled in. */
export function aUser(overrides: Partial<User> = {}): User {
  return {
    _id: 'u-1',
    tenantId: '36.73',
    kind: 'citizen',
    fullName: 'Siti Rahmawati',
    nik: '3673011708900001',
    email: 'siti@example.id',
    phone: null,
    emailVerified: false,
    phoneVerified: false,
    status: 'pending',
    roles: ['citizen'],
    agencyId: null,
    supervisorId: null,
    passwordHash: '$argon2id$stub',
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

type Mocked<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? Mock<T[K]> : never };
type Limits = AccountDeps['limits'];

/** The fakes behind an AccountDeps, for a test to set up, program and inspect. */
export interface AccountDepsFakes {
  deps: AccountDeps;
  users: MemoryUsers;
  agencies: MemoryAgencies;
  tenants: MemoryTenants;
  codes: Mocked<AccountDeps['codes']>;
  limits: Mocked<Pick<Limits, 'mayMessage' | 'requireCodeRequests'>> & {
    countFailedChecks: MockInstance<Limits['countFailedChecks']>;
  };
  audit: Mocked<AccountDeps['audit']>;
  sender: Mocked<AccountDeps['sender']>;
  /** What the sender was given, in order. */
  sent: NotificationMessage[];
  hasher: Mocked<AccountDeps['hasher']>;
  onCommitted: Mock<() => void>;
  logger: Mocked<AccountDeps['logger']>;
}

/**
 * Use-case collaborators for a unit test. The stores (users, agencies, tenants) are in-memory
 * fakes that keep the repositories' rules, so a test sets up the world with `users.add(...)`;
 * the services around them (codes, limits, audit, sender, hasher) are strict mocks, so a test
 * states what each answers. The tenants are Banten (which sets a 15-minute code lifetime) and
 * two of its cities; Kota Serang has the agencies dpupr and dlh.
 */
export function accountDeps(): AccountDepsFakes {
  const sent: NotificationMessage[] = [];
  const users = memoryUsers(() => now);
  const agencies = memoryAgencies(
    { id: 'dpupr', tenantId: '36.73', name: 'dpupr', shortName: 'dpupr', createdAt: now },
    { id: 'dlh', tenantId: '36.73', name: 'dlh', shortName: 'dlh', createdAt: now },
  );
  const tenants = memoryTenants(
    { _id: '36', name: 'Provinsi Banten', parentId: null, defaultLocale: 'id-ID', settings: { otpTtlMinutes: 15 } },
    { _id: '36.73', name: 'Kota Serang', parentId: '36', defaultLocale: 'id-ID' },
    { _id: '36.71', name: 'Kota Tangerang', parentId: '36', defaultLocale: 'en' },
  );
  const codes: Mocked<AccountDeps['codes']> = {
    issue: vi.fn<AccountDeps['codes']['issue']>().mockResolvedValue('246810'),
    verify: vi.fn<AccountDeps['codes']['verify']>().mockResolvedValue(false),
  };
  // Within every limit unless a test says otherwise; the rules themselves: abuse-limits.test.ts.
  const limits = {
    mayMessage: vi.fn<Limits['mayMessage']>().mockResolvedValue(true),
    requireCodeRequests: vi.fn<Limits['requireCodeRequests']>().mockResolvedValue(),
    countFailedChecks: <T>(_address: string | undefined, check: () => Promise<T>): Promise<T> => check(),
  };
  // A spy on the method itself: a mock's own signature would lose the check's result type.
  const countFailedChecks = vi.spyOn(limits, 'countFailedChecks');
  const audit: Mocked<AccountDeps['audit']> = { record: vi.fn<AccountDeps['audit']['record']>().mockResolvedValue() };
  const sender: Mocked<AccountDeps['sender']> = {
    send: vi.fn(async (message: NotificationMessage) => void sent.push(message)),
  };
  const hasher: Mocked<AccountDeps['hasher']> = {
    hash: vi.fn<AccountDeps['hasher']['hash']>().mockResolvedValue('$argon2id$new'),
  };
  const onCommitted = vi.fn<() => void>();
  const logger: Mocked<AccountDeps['logger']> = { error: vi.fn(), info: vi.fn() };
  const deps: AccountDeps = {
    users,
    agencies,
    tenants,
    codes,
    limits,
    audit,
    sender,
    hasher,
    clock: () => now,
    newId: () => 'u-new',
    onCommitted,
    logger,
  };
  return {
    deps,
    users,
    agencies,
    tenants,
    codes,
    limits: { ...limits, countFailedChecks },
    audit,
    sender,
    sent,
    hasher,
    onCommitted,
    logger,
  };
}
