import { describe, expect, it } from 'vitest';
import { checkPassword, passwordProblems } from './password-policy.js';

const context = { nik: '3673011708900001', email: 'siti.rahma@example.id', phone: '+6281234567890' };
const messages = (password: unknown) => passwordProblems(password, context).map((problem) => problem.message);

describe('password policy', () => {
  it('should accept a long passphrase with no composition rules', () => {
    expect(messages('kopi tubruk pagi hari')).toEqual([]);
    expect(messages('semuahurufkecil')).toEqual([]);
    expect(checkPassword('kopi tubruk pagi hari', context)).toBe('kopi tubruk pagi hari');
  });

  it('should refuse fewer than 10 or more than 128 characters, counting characters not bytes', () => {
    expect(messages('pendek123')).toEqual(['must have at least 10 characters']);
    expect(messages(`${'a'.repeat(64)}${'b'.repeat(65)}`)).toEqual(['must have at most 128 characters']);
    // Nine emoji are 18 UTF-16 units but nine characters.
    expect(messages(`${'🙂🌶'.repeat(4)}🙂`)).toEqual(['must have at least 10 characters']);
    expect(messages('🙂🌶'.repeat(5))).toEqual([]);
  });

  it('should refuse one character repeated and well-known passwords, in any case', () => {
    expect(messages('zzzzzzzzzzzz')).toContain('must not be one character repeated');
    expect(messages('Bismillah123')).toEqual(['is too common; choose another']);
    expect(messages('1234567890')).toEqual(['is too common; choose another']);
  });

  it("should refuse a password containing the account's NIK, e-mail local part or phone digits", () => {
    expect(messages('x3673011708900001x')).toEqual(['must not contain the NIK']);
    expect(messages('Siti.Rahma-2026!')).toEqual(['must not contain the e-mail address']);
    expect(messages('hp 0812-3456-7890 ku')).toEqual(['must not contain the phone number']);
  });

  it('should refuse what is not a string', () => {
    expect(messages({ $gt: '' })).toEqual(['must be a string']);
  });

  it('should throw PASSWORD_REJECTED listing the problems', () => {
    expect(() => checkPassword('pendek', context)).toThrowError(
      expect.objectContaining({
        code: 'PASSWORD_REJECTED',
        details: [expect.objectContaining({ field: '/password' })],
      }),
    );
  });
});
