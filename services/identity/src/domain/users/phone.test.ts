import { describe, expect, it } from 'vitest';
import { normaliseMobile } from './phone.js';

describe('Indonesian mobile numbers', () => {
  it('should normalise the usual ways of writing one to +62', () => {
    for (const input of [
      '081234567890',
      '0812-3456-7890',
      '62 812 3456 7890',
      '+62 (812) 3456-7890',
      ' +6281234567890 ',
    ]) {
      expect(normaliseMobile(input)).toBe('+6281234567890');
    }
    expect(normaliseMobile('0811234567')).toBe('+62811234567');
  });

  it('should refuse landlines, foreign numbers, wrong lengths and letters', () => {
    for (const input of ['0254123456', '+6521234567', '08123', '0812345678901234', '0812abc4567', '', '+62']) {
      expect(() => normaliseMobile(input)).toThrowError(expect.objectContaining({ code: 'PHONE_INVALID' }));
    }
  });
});
