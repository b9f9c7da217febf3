import { AppError, type CallContext, nik as nikField, refuseProblems, requireTenant } from '@balai/platform';
import Type from 'typebox';
import type { User } from '../../data/users/user-repository.js';
import { parseNik } from '../../domain/users/nik.js';
import { checkPassword } from '../../domain/users/password-policy.js';
import { normaliseMobile } from '../../domain/users/phone.js';
import { userRegisteredEvent } from '../../domain/users/user-events.js';
import {
  type AccountDeps,
  type AuditDeps,
  givenText,
  type MessageDeps,
  newAccountFields,
  newAccountProblems,
  newIdOf,
  readNewAccount,
  recordAudit,
  sendCode,
  sendNotice,
  type TenantStore,
  tenantWithSettings,
  type UserStore,
} from '../use-case-support.js';

/** What a registration reaches: it inserts the user, and reads back the holders of taken logins. */
export type RegisterCitizenDeps = AuditDeps &
  MessageDeps &
  Pick<AccountDeps, 'hasher' | 'clock' | 'newId' | 'onCommitted'> & {
    users: Pick<UserStore, 'insert' | 'findManyByIds'>;
    tenants: Pick<TenantStore, 'chainOf'>;
    codes: Pick<AccountDeps['codes'], 'issue'>;
    limits: Pick<AccountDeps['limits'], 'mayMessage' | 'requireCodeRequests'>;
  };

export interface RegisterCitizenInput {
  nik: string;
  fullName: string;
  /** At least one of email and phone; '' means not given (proto3 default). */
  email: string;
  phone: string;
  password: string;
}

export type Channel = 'email' | 'sms';

export interface RegisterCitizenResult {
  /** Where a code went, from the request's own contacts: the same whether or not they were taken. */
  channels: Channel[];
}

interface ValidRegistration {
  nik: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  password: string;
}

/**
 * A registration's fields as any gRPC caller may send them (not only the gateway). What they
 * mean is checked after: the NIK's region and birth date (NIK_INVALID), the phone as an
 * Indonesian mobile number (PHONE_INVALID), the password policy (PASSWORD_REJECTED).
 */
export const RegisterCitizenInputSchema = Type.Object({ ...newAccountFields, nik: nikField() });

/** Checks the request as gRPC sent it (any caller, not only the gateway). */
function validate(input: RegisterCitizenInput, tenantId: string, today: Date): ValidRegistration {
  const account = readNewAccount(input);
  const problems = newAccountProblems(RegisterCitizenInputSchema, {
    ...account,
    nik: givenText(input.nik, (text) => text.trim()),
  });
  refuseProblems(problems, 'The registration is not valid');

  const nik = parseNik(input.nik, today);
  // A tenant serves its province's residents: Kota Serang (36.73) accepts any NIK issued in Banten (36).
  if (nik.province !== tenantId.slice(0, 2)) {
    throw new AppError('NIK_INVALID', 'The NIK was not issued in this region', [
      { field: 'nik', message: "was not issued in the tenant's province" },
    ]);
  }
  const email = account.email ?? null;
  const phone = account.phone === undefined ? null : normaliseMobile(account.phone);
  const password = checkPassword(input.password, { nik: nik.value, email, phone });
  return { nik: nik.value, fullName: account.fullName, email, phone, password };
}

/**
 * A citizen registers themselves: the account is created pending and a code goes to each
 * contact given. The caller is anonymous, so the answer never tells whether the NIK, e-mail or
 * phone was already registered: when one is, nothing is created, the holder gets a notice
 * ("someone tried to register with your details") instead, and the answer is the same. The
 * password is hashed either way so both paths take about as long. Codes and notices go through
 * the contacts' budgets; the caller's address pays one code request per contact given
 * (abuse-limits.ts).
 */
export async function registerCitizen(
  deps: RegisterCitizenDeps,
  context: CallContext,
  input: RegisterCitizenInput,
): Promise<RegisterCitizenResult> {
  const tenantId = requireTenant(context);
  const { tenant, settings } = await tenantWithSettings(deps.tenants, tenantId);
  const now = deps.clock();
  const registration = validate(input, tenantId, now);
  const channels: Channel[] = [];
  if (registration.email) channels.push('email');
  if (registration.phone) channels.push('sms');
  // A code per contact given, counted for the caller's address before anything is looked up: a
  // taken contact counts the same, so TOO_MANY_ATTEMPTS says nothing about accounts.
  await deps.limits.requireCodeRequests(context.clientAddress, channels.length);
  const passwordHash = await deps.hasher.hash(registration.password);

  const id = newIdOf(deps);
  const user: User = {
    _id: id,
    tenantId,
    kind: 'citizen',
    fullName: registration.fullName,
    nik: registration.nik,
    email: registration.email,
    phone: registration.phone,
    emailVerified: false,
    phoneVerified: false,
    status: 'pending',
    roles: ['citizen'],
    agencyId: null,
    supervisorId: null,
    passwordHash,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const registered = userRegisteredEvent(user, '', context.traceparent);
  const result = await deps.users.insert(user, [registered]);
  const locale = settings.defaultLocale;
  const tenantName = tenant.name;

  if (!result.inserted) {
    // Tell each existing holder, at their own contact: never the address the caller typed
    // unless it is theirs, so the notice cannot be aimed at a stranger. Through the contact's
    // budget like every message, so repeating the registration cannot flood the holder.
    const holders = [...new Set(result.conflicts.map((conflict) => conflict.userId))];
    for (const holder of await deps.users.findManyByIds(tenantId, holders)) {
      const to = holder.email
        ? { channel: 'email' as const, to: holder.email }
        : holder.phone
          ? { channel: 'sms' as const, to: holder.phone }
          : null;
      if (to) await sendNotice(deps, { ...to, template: 'registration-attempt', locale, params: { tenantName } });
    }
    return { channels };
  }

  deps.onCommitted();
  await recordAudit(deps, {
    tenantId,
    actorId: id,
    actorRoles: [],
    action: 'user.registered',
    targetId: id,
    changes: { kind: 'citizen', roles: ['citizen'], channels },
    at: now,
  });
  const ttlMs = settings.otpTtlMinutes * 60_000;
  for (const channel of channels) {
    const to = channel === 'email' ? registration.email : registration.phone;
    if (!to) continue;
    // Over the contact's budget the account still exists, without a code: the citizen asks
    // again later (resend), and the answer stays the same.
    await sendCode(deps, { tenantId, userId: id, channel, purpose: 'verification' }, ttlMs, {
      channel,
      to,
      template: 'verification-code',
      locale,
      params: { minutes: String(settings.otpTtlMinutes), tenantName },
    });
  }
  return { channels };
}
