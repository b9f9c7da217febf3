import { AppError } from '@balai/platform';

/**
 * Normalises an Indonesian mobile number to E.164 (+628…). Accepts the forms people write:
 * 0812-3456-7890, 62 812 3456 7890, +62 (812) 3456789. Mobile numbers start with 8 after the
 * country code and have 9–12 digits after it.
 */
export function normaliseMobile(input: string): string {
  const compact = input.trim().replace(/[\s().-]/g, '');
  const national = /^(?:\+62|62|0)(\d+)$/.exec(compact)?.[1];
  if (!national || !/^8\d{8,11}$/.test(national)) {
    throw new AppError(
      'PHONE_INVALID',
      'Give an Indonesian mobile number such as 0812 3456 7890 or +62 812 3456 7890',
      [{ field: 'phone', message: 'is not an Indonesian mobile number' }],
    );
  }
  return `+62${national}`;
}
