import { AppError, type CallContext, refuseProblems } from '@balai/platform';
import Type from 'typebox';
import type { User } from '../../data/users/user-repository.js';
import { normaliseMobile } from '../../domain/users/phone.js';
import { userRegisteredEvent } from '../../domain/users/user-events.js';
import {
  type AccountDeps,
  type AgencyStore,
  type AuditDeps,
  type MessageDeps,
  newAccountFields,
  newAccountProblems,
  newIdOf,
  readNewAccount,
  recordAudit,
  requireTenantAdmin,
  sendCode,
  type TenantStore,
  tenantWithSettings,
  type UserStore,
} from '../use-case-support.js';
import { validateStaffAssignment } from './staff-roles.js';
import { validateSupervisor } from './staff-supervisor.js';

/** What adding a staff member needs: the supervisor's read and the insert, the agency, the message path. */
export type CreateStaffDeps = AuditDeps &
  MessageDeps &
  Pick<AccountDeps, 'clock' | 'newId' | 'onCommitted'> & {
    users: Pick<UserStore, 'insert' | 'findById'>;
    agencies: Pick<AgencyStore, 'findById'>;
    tenants: Pick<TenantStore, 'chainOf'>;
    codes: Pick<AccountDeps['codes'], 'issue'>;
  };

export interface CreateStaffInput {
  fullName: string;
  email: string;
  phone: string;
  roles: string[];
  agencyId: string;
  /** Optional: the active staff member of the tenant the new member reports to. */
  supervisorId?: string;
}

/**
 * A new staff member's name and contacts. Their roles and agency (staff-roles.ts) and their
 * supervisor (staff-supervisor.ts) are checked after, each with its own answer.
 */
export const CreateStaffInputSchema = Type.Object(newAccountFields);

/**
 * A tenant admin (or a platform admin acting in the tenant) adds a staff member. The account
 * starts pending with no password; an activation code goes to the e-mail address (else the
 * phone) and the staff member sets a password with it (activate-account.ts). The caller is an
 * admin, so a taken e-mail or phone is reported plainly (LOGIN_TAKEN).
 */
export async function createStaff(deps: CreateStaffDeps, context: CallContext, input: CreateStaffInput): Promise<User> {
  const { tenantId, actorId } = requireTenantAdmin(context);
  const { tenant, settings } = await tenantWithSettings(deps.tenants, tenantId);

  const account = readNewAccount(input);
  const problems = newAccountProblems(CreateStaffInputSchema, account);
  refuseProblems(problems, 'The staff member is not valid');
  const email = account.email ?? null;
  const phone = account.phone === undefined ? null : normaliseMobile(account.phone);
  const { roles, agencyId } = await validateStaffAssignment(deps.agencies, tenantId, input);
  const supervisorId = await validateSupervisor(deps.users, tenantId, null, input.supervisorId);

  const now = deps.clock();
  const id = newIdOf(deps);
  const user: User = {
    _id: id,
    tenantId,
    kind: 'staff',
    fullName: account.fullName,
    nik: null,
    email,
    phone,
    emailVerified: false,
    phoneVerified: false,
    status: 'pending',
    roles,
    agencyId,
    supervisorId,
    passwordHash: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const event = userRegisteredEvent(user, actorId, context.traceparent);
  const result = await deps.users.insert(user, [event]);
  if (!result.inserted) {
    throw new AppError(
      'LOGIN_TAKEN',
      'Another account of this tenant already uses this e-mail address or phone number',
      result.conflicts.map((conflict) => ({
        field: conflict.login.kind === 'email' ? '/email' : '/phone',
        message: 'is already used',
      })),
    );
  }
  deps.onCommitted();
  await recordAudit(deps, {
    tenantId,
    actorId,
    actorRoles: context.roles,
    action: 'staff.created',
    targetId: id,
    changes: { kind: 'staff', roles, agencyId, supervisorId, status: 'pending' },
    at: now,
  });

  const channel = email ? 'email' : 'sms';
  const to = email ?? phone;
  // Through the contact's budget like every code (no per-address count: the caller is an admin,
  // who may add many staff from one office). Over budget, the member asks for it again (resend).
  if (to) {
    await sendCode(
      deps,
      { tenantId, userId: id, channel, purpose: 'staff-activation' },
      settings.staffActivationTtlHours * 3_600_000,
      {
        channel,
        to,
        template: 'staff-activation',
        locale: settings.defaultLocale,
        params: { hours: String(settings.staffActivationTtlHours), tenantName: tenant.name },
      },
    );
  }
  return user;
}
