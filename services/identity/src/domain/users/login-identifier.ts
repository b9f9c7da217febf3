import { emailPattern, nikPattern } from '@balai/platform';
import { normaliseMobile } from './phone.js';

export type LoginKind = 'email' | 'phone' | 'nik';

/** A normalised login identifier: what registration stores and login looks up. */
export interface LoginIdentifier {
  kind: LoginKind;
  value: string;
}

/** An e-mail address as identity stores and looks it up: trimmed and lower-cased. */
export function foldEmail(input: string): string {
  return input.trim().toLowerCase();
}

/**
 * Lower-cased and trimmed, or null when it is not an e-mail address. Only the platform's loose
 * pattern, not the whole e-mail field: a login finds whatever address an account holds.
 */
export function normaliseEmail(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const value = foldEmail(input);
  return value.length <= 254 && emailPattern.test(value) ? value : null;
}

/**
 * Reads what a person types as their login: an e-mail address, a mobile number in any of the
 * usual Indonesian forms, or a NIK. Normalised the way registration stores them; null when it
 * is none of these (never throws, so a login form cannot tell why).
 */
export function parseLogin(input: unknown): LoginIdentifier | null {
  if (typeof input !== 'string' || input.length > 254) return null;
  const trimmed = input.trim();
  if (trimmed.includes('@')) {
    const email = normaliseEmail(trimmed);
    return email ? { kind: 'email', value: email } : null;
  }
  // 16 digits is a NIK: a mobile number has at most 14 digits with its country code.
  if (nikPattern.test(trimmed)) return { kind: 'nik', value: trimmed };
  try {
    return { kind: 'phone', value: normaliseMobile(trimmed) };
  } catch {
    return null;
  }
}

/** The `_id` of a login name: unique per tenant. */
export function loginNameKey(tenantId: string, login: LoginIdentifier): string {
  return `${String(tenantId)}|${login.kind}:${String(login.value)}`;
}

/** The login identifiers a user holds. */
export function loginsOf(user: { email: string | null; phone: string | null; nik: string | null }): LoginIdentifier[] {
  const logins: LoginIdentifier[] = [];
  if (user.email) logins.push({ kind: 'email', value: user.email });
  if (user.phone) logins.push({ kind: 'phone', value: user.phone });
  if (user.nik) logins.push({ kind: 'nik', value: user.nik });
  return logins;
}
