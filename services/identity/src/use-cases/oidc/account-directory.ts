import type { Role } from '@balai/platform';

/** An account as the login page needs it. */
export interface LoginAccount {
  id: string;
  tenantId: string;
  status: 'pending' | 'active' | 'deactivated';
  /** Argon2id PHC string (see password-hasher.ts); absent for accounts that never set a password. */
  passwordHash?: string;
}

/** What tokens and userinfo say about an account. */
export interface AccountClaims {
  tenantId: string;
  roles: Role[];
  /** Staff only: the agency (OPD) the account belongs to. */
  agencyId?: string;
  fullName: string;
  email?: string;
  emailVerified: boolean;
  phone?: string;
  phoneVerified: boolean;
}

/**
 * The accounts the OIDC provider authenticates, as the provider sees them. The identity
 * service implements it over its user repository; tests may use an in-memory one.
 */
export interface AccountDirectory {
  /** The account holding this login (e-mail, mobile number or NIK, as typed) in the tenant; null when none. */
  findForLogin(tenantId: string, login: string): Promise<LoginAccount | null>;
  /**
   * The claims of an account by its id (the token subject); null when it is unknown or no
   * longer active, which also stops its refresh tokens from working.
   */
  claims(id: string): Promise<AccountClaims | null>;
  /** Stores a stronger hash of the password just verified (the hashing parameters were raised). */
  rehashed?(id: string, newHash: string): Promise<void>;
}

/** Tenants offered on the login page. */
export interface TenantChoices {
  list(): Promise<{ _id: string; name: string }[]>;
}
