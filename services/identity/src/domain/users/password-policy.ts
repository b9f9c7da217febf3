import { AppError, type ErrorDetail } from '@balai/platform';

const minPasswordLength = 10;
const maxPasswordLength = 128;

/**
 * Passwords seen most in breach corpora and local favourites (NIST 800-63B asks for a check
 * against known-bad passwords, not for composition rules). Short on purpose: the length rule
 * already excludes most of the usual lists.
 */
const commonPasswords = new Set([
  '1234567890',
  '0123456789',
  '1234567891',
  '12345678910',
  '0987654321',
  '1q2w3e4r5t',
  'qwertyuiop',
  'asdfghjkl;',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  'iloveyou12',
  'iloveyou123',
  'qwerty1234',
  'qwerty12345',
  'abcdefghij',
  'abc1234567',
  'aaaaaaaaaa',
  'indonesia1',
  'indonesia123',
  'indonesia45',
  'bismillah1',
  'bismillah123',
  'sayang1234',
  'sayangku123',
  'rahasia123',
  'katasandi123',
  'admin12345',
  'administrator',
  'welcome123',
  'selamatdatang',
  'merdeka1945',
  'jakarta123',
]);

/** What the password must not contain: the account's own identifiers. */
export interface PasswordContext {
  nik?: string | null;
  email?: string | null;
  phone?: string | null;
}

/**
 * NIST SP 800-63B style: 10 to 128 characters (any, spaces included), not a single repeated
 * character, not a well-known password, not containing the NIK, the e-mail's local part or the
 * phone number's digits. No composition rules: they make passwords worse, not stronger.
 */
export function passwordProblems(password: unknown, context: PasswordContext = {}): ErrorDetail[] {
  const field = '/password';
  if (typeof password !== 'string') return [{ field, message: 'must be a string' }];
  const length = [...password].length;
  if (length < minPasswordLength) return [{ field, message: `must have at least ${minPasswordLength} characters` }];
  if (length > maxPasswordLength) return [{ field, message: `must have at most ${maxPasswordLength} characters` }];
  const lower = password.toLowerCase();
  const problems: ErrorDetail[] = [];
  if (new Set(lower).size === 1) problems.push({ field, message: 'must not be one character repeated' });
  if (commonPasswords.has(lower)) problems.push({ field, message: 'is too common; choose another' });
  const digits = password.replace(/\D/g, '');
  const identifiers: Array<[string | null | undefined, string]> = [
    [context.nik, 'must not contain the NIK'],
    [context.email?.split('@')[0]?.toLowerCase(), 'must not contain the e-mail address'],
  ];
  for (const [value, message] of identifiers) {
    if (value && value.length >= 4 && lower.includes(value)) problems.push({ field, message });
  }
  // The national part of the number (8123456789), however the password writes it.
  const phone = context.phone?.replace(/^\+62/, '');
  if (phone && digits.includes(phone)) problems.push({ field, message: 'must not contain the phone number' });
  return problems;
}

/** Throws PASSWORD_REJECTED naming every problem. */
export function checkPassword(password: unknown, context: PasswordContext = {}): string {
  const problems = passwordProblems(password, context);
  if (problems.length > 0) throw new AppError('PASSWORD_REJECTED', 'Choose a different password', problems);
  return password as string;
}
