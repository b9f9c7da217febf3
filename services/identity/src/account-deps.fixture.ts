import type { Logger } from '@balai/platform';
import { type Mock, vi } from 'vitest';
import type { NotificationMessage } from './notification-sender.js';
import type { TenantDocument } from './tenant.schema.js';
import type { AccountDeps } from './use-case-support.js';
import type { User, UserRepository } from './user-repository.js';

export const now = new Date('2026-11-29T08:00:00.000Z');

const tenants: Record<string, TenantDocument> = {
  '36': { _id: '36', name: 'Provinsi Banten', parentId: null, defaultLocale: 'id-ID', settings: { otpTtlMinutes: 15 } },
  '36.73': { _id: '36.73', name: 'Kota Serang', parentId: '36', defaultLocale: 'id-ID' },
  '36.71': { _id: '36.71', name: 'Kota Tangerang', parentId: '36', defaultLocale: 'en' },
};

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

/** The mocks behind an AccountDeps, for a test to program and inspect. */
export interface AccountDepsMocks {
  deps: AccountDeps;
  users: Mocked<
    Pick<
      UserRepository,
      'insert' | 'findByLogin' | 'findById' | 'findManyByIds' | 'listStaff' | 'update' | 'updatePasswordHash'
    >
  >;
  agencies: Mocked<Pick<AccountDeps['agencies'], 'findById' | 'insert' | 'list'>>;
  codes: Mocked<Pick<AccountDeps['codes'], 'issue' | 'verify'>>;
  limits: Mocked<Pick<AccountDeps['limits'], 'mayMessage' | 'requireCodeRequests' | 'countFailedChecks'>>;
  audit: Mocked<Pick<AccountDeps['audit'], 'record'>>;
  sender: Mocked<AccountDeps['sender']>;
  sent: NotificationMessage[];
  hasher: Mocked<AccountDeps['hasher']>;
  onCommitted: Mock<() => void>;
  chainOf: Mock<(id: string) => Promise<TenantDocument[]>>;
}

/**
 * Use-case collaborators as strict mocks: our own repositories and adapters, so a test states
 * what each returns. The tenant chain is the demo one (Banten sets a 15-minute code lifetime).
 */
export function accountDeps(): AccountDepsMocks {
  const sent: NotificationMessage[] = [];
  const users: AccountDepsMocks['users'] = {
    insert: vi.fn<UserRepository['insert']>().mockResolvedValue({ inserted: true }),
    findByLogin: vi.fn<UserRepository['findByLogin']>().mockResolvedValue(null),
    findById: vi.fn<UserRepository['findById']>().mockResolvedValue(null),
    findManyByIds: vi.fn<UserRepository['findManyByIds']>().mockResolvedValue([]),
    listStaff: vi.fn<UserRepository['listStaff']>().mockResolvedValue([]),
    update: vi.fn<UserRepository['update']>(async (_tenant, id, version, changes) => ({
      outcome: 'updated',
      user: aUser({ _id: id, ...changes, version: version + 1 }),
    })),
    updatePasswordHash: vi.fn<UserRepository['updatePasswordHash']>(),
  };
  const agencies: AccountDepsMocks['agencies'] = {
    findById: vi.fn(async (tenantId: string, id: string) =>
      ['dpupr', 'dlh'].includes(id) ? { id, tenantId, name: id, shortName: id, createdAt: now } : null,
    ),
    insert: vi.fn().mockResolvedValue(true),
    list: vi.fn().mockResolvedValue([]),
  };
  const chainOf = vi.fn(async (id: string): Promise<TenantDocument[]> => {
    const chain: TenantDocument[] = [];
    for (let next: string | null = id; next !== null && tenants[next]; next = tenants[next]?.parentId ?? null) {
      chain.push(tenants[next] as TenantDocument);
    }
    return chain;
  });
  const codes: AccountDepsMocks['codes'] = {
    issue: vi.fn<AccountDeps['codes']['issue']>().mockResolvedValue('246810'),
    verify: vi.fn<AccountDeps['codes']['verify']>().mockResolvedValue(false),
  };
  // Within every limit unless a test says otherwise; the rules themselves: abuse-limits.test.ts.
  const limits: AccountDepsMocks['limits'] = {
    mayMessage: vi.fn<AccountDeps['limits']['mayMessage']>().mockResolvedValue(true),
    requireCodeRequests: vi.fn<AccountDeps['limits']['requireCodeRequests']>().mockResolvedValue(),
    countFailedChecks: vi.fn(<T>(_address: string | undefined, check: () => Promise<T>) => check()),
  };
  const audit: AccountDepsMocks['audit'] = { record: vi.fn<AccountDeps['audit']['record']>().mockResolvedValue() };
  const sender: AccountDepsMocks['sender'] = {
    send: vi.fn(async (message: NotificationMessage) => void sent.push(message)),
  };
  const hasher: AccountDepsMocks['hasher'] = {
    hash: vi.fn<AccountDeps['hasher']['hash']>().mockResolvedValue('$argon2id$new'),
  };
  const onCommitted = vi.fn<() => void>();
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() } as unknown as Logger;
  const deps = {
    users,
    agencies,
    tenants: { chainOf },
    codes,
    limits,
    audit,
    sender,
    hasher,
    clock: () => now,
    newId: () => 'u-new',
    onCommitted,
    logger,
  } as unknown as AccountDeps;
  return { deps, users, agencies, codes, limits, audit, sender, sent, hasher, onCommitted, chainOf };
}
