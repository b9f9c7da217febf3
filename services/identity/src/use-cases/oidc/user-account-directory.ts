import type { UserRepository } from '../../data/users/user-repository.js';
import type { AccountDirectory } from './account-directory.js';

/** The login page's view of the users: by login within a tenant, claims by subject. */
export function userAccountDirectory(
  users: Pick<UserRepository, 'findByLogin' | 'findByIdAnyTenant' | 'updatePasswordHash'>,
): AccountDirectory {
  return {
    async findForLogin(tenantId, login) {
      const user = await users.findByLogin(tenantId, login);
      if (!user) return null;
      return {
        id: user._id,
        tenantId: user.tenantId,
        status: user.status,
        ...(user.passwordHash ? { passwordHash: user.passwordHash } : {}),
      };
    },
    async claims(id) {
      // A deactivated or unknown subject has no claims, which also ends its refresh tokens.
      const user = await users.findByIdAnyTenant(id);
      if (user?.status !== 'active') return null;
      return {
        tenantId: user.tenantId,
        roles: user.roles,
        ...(user.agencyId ? { agencyId: user.agencyId } : {}),
        fullName: user.fullName,
        ...(user.email ? { email: user.email } : {}),
        emailVerified: user.emailVerified,
        ...(user.phone ? { phone: user.phone } : {}),
        phoneVerified: user.phoneVerified,
      };
    },
    async rehashed(id, newHash) {
      const user = await users.findByIdAnyTenant(id);
      if (user) await users.updatePasswordHash(user.tenantId, id, newHash);
    },
  };
}
