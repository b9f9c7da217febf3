import { type CallContext, requireTenant } from '@balai/platform';
import { checkPassword } from '../../domain/users/password-policy.js';
import { type AccountDeps, recordAudit } from '../use-case-support.js';
import { contactOf, markVerified, type VerifyContactDeps, verificationFailed } from './verify-contact.js';

/** What activation needs: what proving a contact needs, and the hasher for the new password. */
export type ActivateAccountDeps = VerifyContactDeps & Pick<AccountDeps, 'hasher'>;

/**
 * A new staff member sets their password with the activation code sent to them (public). The
 * code proves the contact too. Any failure other than a policy-breaking password is the one
 * VERIFICATION_FAILED; the policy is checked first, against the typed login only, so its
 * answer reveals nothing about accounts. Failed code checks count against the caller's address
 * (TOO_MANY_ATTEMPTS past the day's), as in verifyContact.
 */
export async function activateAccount(
  deps: ActivateAccountDeps,
  context: CallContext,
  input: { login: string; code: string; newPassword: string },
): Promise<{ status: 'active' }> {
  const tenantId = requireTenant(context);
  const contact = contactOf(input.login);
  if (!contact || typeof input.code !== 'string') throw verificationFailed();
  const password = checkPassword(input.newPassword, {
    email: contact.channel === 'email' ? contact.login.value : null,
    phone: contact.channel === 'sms' ? contact.login.value : null,
  });
  const user = await deps.limits.countFailedChecks(context.clientAddress, async () => {
    const pending = await deps.users.findByLogin(tenantId, contact.login.value);
    if (pending?.kind !== 'staff' || pending.status !== 'pending') throw verificationFailed();
    const slot = { tenantId, userId: pending._id, channel: contact.channel, purpose: 'staff-activation' as const };
    if (!(await deps.codes.verify(slot, input.code))) throw verificationFailed();
    const passwordHash = await deps.hasher.hash(password);
    await markVerified(deps, context, pending, contact.channel, { passwordHash });
    return pending;
  });
  await recordAudit(deps, {
    tenantId,
    actorId: user._id,
    actorRoles: user.roles,
    action: 'user.activated',
    targetId: user._id,
    changes: { channel: contact.channel, status: { from: 'pending', to: 'active' }, passwordSet: true },
    at: deps.clock(),
  });
  return { status: 'active' };
}
