import { AppError, type CallContext, requireTenant } from '@balai/platform';
import type { CodePurpose } from '../../data/users/one-time-code.schema.js';
import type { User, UserChanges } from '../../data/users/user-repository.js';
import { type LoginIdentifier, parseLogin } from '../../domain/users/login-identifier.js';
import { userEvent } from '../../domain/users/user-events.js';
import {
  type AccountDeps,
  type AuditDeps,
  type MessageDeps,
  recordAudit,
  sendCode,
  type TenantStore,
  tenantWithSettings,
  type UserStore,
} from '../use-case-support.js';

export type Channel = 'email' | 'sms';

/** What marking a contact proven needs: the user's write, and a re-read when it raced another. */
export type MarkVerifiedDeps = Pick<AccountDeps, 'clock' | 'onCommitted'> & {
  users: Pick<UserStore, 'update' | 'findById'>;
};

/** What proving a contact needs: the user by login, the code check, counted per client address. */
export type VerifyContactDeps = MarkVerifiedDeps &
  AuditDeps & {
    users: Pick<UserStore, 'findByLogin'>;
    codes: Pick<AccountDeps['codes'], 'verify'>;
    limits: Pick<AccountDeps['limits'], 'countFailedChecks'>;
  };

/** What sending a code again needs: the user by login, the tenant's settings, the message path. */
export type ResendCodeDeps = MessageDeps & {
  users: Pick<UserStore, 'findByLogin'>;
  tenants: Pick<TenantStore, 'chainOf'>;
  codes: Pick<AccountDeps['codes'], 'issue'>;
  limits: Pick<AccountDeps['limits'], 'requireCodeRequests'>;
};

/** The one answer to every failed proof, so a caller learns nothing about accounts or codes. */
export function verificationFailed(): AppError {
  return new AppError('VERIFICATION_FAILED', 'The code is wrong, expired or used up; ask for a new one');
}

/** A contact login (e-mail or phone) and its channel; a NIK is not a contact. */
export function contactOf(login: unknown): { login: LoginIdentifier; channel: Channel } | null {
  const identifier = parseLogin(login);
  if (!identifier || identifier.kind === 'nik') return null;
  return { login: identifier, channel: identifier.kind === 'email' ? 'email' : 'sms' };
}

/** Whether the user's contact on the channel is already proven. */
function isVerified(user: User, channel: Channel): boolean {
  return channel === 'email' ? user.emailVerified : user.phoneVerified;
}

/**
 * Marks a proven contact, activating a pending account, with the verified event in the same
 * write. Retries once on a concurrent change (for example both contacts proven at once).
 */
export async function markVerified(
  deps: MarkVerifiedDeps,
  context: CallContext,
  user: User,
  channel: Channel,
  extra: UserChanges = {},
): Promise<User> {
  let current = user;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const now = deps.clock();
    const activated = current.status === 'pending';
    const changes: UserChanges = {
      ...extra,
      ...(channel === 'email' ? { emailVerified: true } : { phoneVerified: true }),
      ...(activated ? { status: 'active' as const } : {}),
    };
    const event = userEvent('id.balai.identity.user.verified.v1', current, now, context.traceparent, {
      userId: current._id,
      tenantId: current.tenantId,
      kind: current.kind,
      channel,
      activated,
      verifiedAt: now,
    });
    const result = await deps.users.update(current.tenantId, current._id, current.version, changes, [event]);
    if (result.outcome === 'updated') {
      deps.onCommitted();
      return result.user;
    }
    if (result.outcome === 'not_found') break;
    const reread = await deps.users.findById(current.tenantId, current._id);
    if (!reread || reread.status === 'deactivated') break;
    current = reread;
  }
  throw verificationFailed();
}

/**
 * A citizen proves a contact with the code sent to it (public). Success activates a pending
 * account; any failure — unknown contact, wrong, expired or exhausted code, deactivated
 * account — is the same VERIFICATION_FAILED. Failures count against the caller's address:
 * past the day's, TOO_MANY_ATTEMPTS before anything is looked up.
 */
export async function verifyContact(
  deps: VerifyContactDeps,
  context: CallContext,
  input: { login: string; code: string },
): Promise<{ channel: Channel; status: User['status'] }> {
  const tenantId = requireTenant(context);
  return deps.limits.countFailedChecks(context.clientAddress, () => proveContact(deps, context, tenantId, input));
}

async function proveContact(
  deps: VerifyContactDeps,
  context: CallContext,
  tenantId: string,
  input: { login: string; code: string },
): Promise<{ channel: Channel; status: User['status'] }> {
  const contact = contactOf(input.login);
  if (!contact || typeof input.code !== 'string') throw verificationFailed();
  const user = await deps.users.findByLogin(tenantId, contact.login.value);
  if (!user || user.status === 'deactivated') throw verificationFailed();
  const slot = { tenantId, userId: user._id, channel: contact.channel, purpose: 'verification' as const };
  if (!(await deps.codes.verify(slot, input.code))) throw verificationFailed();
  const verified = await markVerified(deps, context, user, contact.channel);
  await recordAudit(deps, {
    tenantId,
    actorId: user._id,
    actorRoles: user.roles,
    action: 'user.contact_verified',
    targetId: user._id,
    changes: { channel: contact.channel, status: { from: user.status, to: verified.status } },
    at: deps.clock(),
  });
  return { channel: contact.channel, status: verified.status };
}

/**
 * Sends a new code to a contact still waiting for one (public): a verification code for a
 * citizen's unproven contact, an activation code for a pending staff member. Always the same
 * empty answer, whether the contact is unknown, already proven, or over its budget (asked again
 * too soon, or too often today). Every request counts against the caller's address first:
 * past the day's, TOO_MANY_ATTEMPTS, whatever the contact.
 */
export async function resendCode(deps: ResendCodeDeps, context: CallContext, input: { login: string }): Promise<void> {
  const tenantId = requireTenant(context);
  await deps.limits.requireCodeRequests(context.clientAddress, 1);
  const contact = contactOf(input.login);
  if (!contact) return;
  const user = await deps.users.findByLogin(tenantId, contact.login.value);
  if (!user || user.status === 'deactivated' || isVerified(user, contact.channel)) return;
  const purpose: CodePurpose = user.kind === 'staff' ? 'staff-activation' : 'verification';
  if (purpose === 'staff-activation' && user.status !== 'pending') return;
  const { tenant, settings } = await tenantWithSettings(deps.tenants, tenantId);
  const ttlMs =
    purpose === 'verification' ? settings.otpTtlMinutes * 60_000 : settings.staffActivationTtlHours * 3_600_000;
  await sendCode(deps, { tenantId, userId: user._id, channel: contact.channel, purpose }, ttlMs, {
    channel: contact.channel,
    to: contact.login.value,
    template: purpose === 'verification' ? 'verification-code' : 'staff-activation',
    locale: settings.defaultLocale,
    params: {
      tenantName: tenant.name,
      ...(purpose === 'verification'
        ? { minutes: String(settings.otpTtlMinutes) }
        : { hours: String(settings.staffActivationTtlHours) }),
    },
  });
}
