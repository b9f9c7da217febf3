import type { Logger, Role } from '@balai/platform';
import type { PasswordHasher } from '../../domain/users/password-hasher.js';
import { userRegisteredEvent } from '../../domain/users/user-events.js';
import type { User, UserRepository } from './user-repository.js';

interface DemoAccount {
  tenantId: string;
  /** Stable, so a restart finds the account instead of seeding it twice. */
  id: string;
  fullName: string;
  email: string;
  roles: Role[];
  agencyId?: string;
  /** The demo account this one reports to (escalations go there). */
  supervisorId?: string;
  nik?: string;
}

/** Someone for each role of Kota Serang, and an admin and officer of Kota Tangerang to try isolation with. */
const demoAccounts: DemoAccount[] = [
  {
    tenantId: '36.73',
    id: 'demo-36.73-warga',
    fullName: 'Siti Aminah',
    email: 'warga@serang.example',
    roles: ['citizen'],
    nik: '3673014508900001',
  },
  {
    tenantId: '36.73',
    id: 'demo-36.73-petugas',
    fullName: 'Budi Santoso',
    email: 'petugas.pupr@serang.example',
    roles: ['officer'],
    agencyId: 'dpupr',
    supervisorId: 'demo-36.73-supervisor',
  },
  {
    tenantId: '36.73',
    id: 'demo-36.73-supervisor',
    fullName: 'Dewi Lestari',
    email: 'supervisor.pupr@serang.example',
    roles: ['supervisor'],
    agencyId: 'dpupr',
  },
  {
    tenantId: '36.73',
    id: 'demo-36.73-analis',
    fullName: 'Rudi Hartono',
    email: 'analis@serang.example',
    roles: ['analyst'],
  },
  {
    tenantId: '36.73',
    id: 'demo-36.73-admin',
    fullName: 'Admin Kota Serang',
    email: 'admin@serang.example',
    roles: ['tenant_admin'],
  },
  {
    tenantId: '36.71',
    id: 'demo-36.71-admin',
    fullName: 'Admin Kota Tangerang',
    email: 'admin@tangerang.example',
    roles: ['tenant_admin'],
  },
  {
    tenantId: '36.71',
    id: 'demo-36.71-petugas',
    fullName: 'Agus Salim',
    email: 'petugas.pupr@tangerang.example',
    roles: ['officer'],
    agencyId: 'dpupr',
  },
];

/**
 * Seeds the demo accounts, active and verified, all with the one password the local setup
 * generated (`./balai up` keeps it in .data/, never in git). Existing accounts are left alone.
 */
export async function seedDemoAccounts(
  deps: {
    users: Pick<UserRepository, 'findById' | 'insert'>;
    hasher: Pick<PasswordHasher, 'hash'>;
    clock: () => Date;
    logger: Logger;
  },
  password: string,
): Promise<void> {
  const passwordHash = await deps.hasher.hash(password);
  let seeded = 0;
  for (const account of demoAccounts) {
    if (await deps.users.findById(account.tenantId, account.id)) continue;
    const now = deps.clock();
    const user: User = {
      _id: account.id,
      tenantId: account.tenantId,
      kind: account.roles.includes('citizen') ? 'citizen' : 'staff',
      fullName: account.fullName,
      nik: account.nik ?? null,
      email: account.email,
      phone: null,
      emailVerified: true,
      phoneVerified: false,
      status: 'active',
      roles: account.roles,
      agencyId: account.agencyId ?? null,
      supervisorId: account.supervisorId ?? null,
      passwordHash,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const registered = userRegisteredEvent(user, '');
    const result = await deps.users.insert(user, [registered]);
    if (result.inserted) seeded += 1;
  }
  deps.logger.info({ seeded, accounts: demoAccounts.length }, 'demo accounts seeded');
}
