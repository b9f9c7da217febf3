import { isAppError } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { parseNik } from './nik.js';

const today = new Date('2026-11-29T00:00:00Z');

function reasonOf(nik: string): string {
  try {
    parseNik(nik, today);
  } catch (error) {
    if (isAppError(error) && error.code === 'NIK_INVALID') return error.details[0]?.message ?? '';
    throw error;
  }
  throw new Error(`${nik} was accepted`);
}

describe('NIK', () => {
  it('should read region, birth date, sex and sequence from a man’s NIK', () => {
    expect(parseNik('3673011708900001', today)).toEqual({
      value: '3673011708900001',
      province: '36',
      regency: '36.73',
      district: '36.73.01',
      birthDate: '1990-08-17',
      sex: 'male',
      sequence: 1,
    });
  });

  it('should read a woman’s birth day with 40 added', () => {
    expect(parseNik('3671015702050123', today)).toMatchObject({ birthDate: '2005-02-17', sex: 'female' });
  });

  it('should put two-digit years after this year in the previous century', () => {
    expect(parseNik('3673010101300001', today).birthDate).toBe('1930-01-01');
    expect(parseNik('3673010101260001', today).birthDate).toBe('2026-01-01');
  });

  it('should refuse what is not 16 digits', () => {
    for (const nik of ['367301170890000', '36730117089000012', '36730117089000a1', '']) {
      expect(reasonOf(nik)).toMatch(/16 digits/);
    }
  });

  it('should refuse an unknown province and 00 regency or district codes', () => {
    expect(reasonOf('3773011708900001')).toMatch(/province/);
    expect(reasonOf('3600011708900001')).toMatch(/regency/);
    expect(reasonOf('3673001708900001')).toMatch(/district/);
  });

  it('should refuse birth dates that do not exist, including via the +40 encoding', () => {
    expect(reasonOf('3673013102900001')).toMatch(/birth date/); // 31 February
    expect(reasonOf('3673017102900001')).toMatch(/birth date/); // 31 (+40) February
    expect(reasonOf('3673013508900001')).toMatch(/birth date/); // day 35
    expect(reasonOf('3673011713900001')).toMatch(/birth date/); // month 13
    expect(reasonOf('3673010000900001')).toMatch(/birth date/);
  });

  it('should refuse a birth date in the future', () => {
    expect(reasonOf('3673010112260001')).toMatch(/future/);
  });

  it('should refuse the sequence 0000', () => {
    expect(reasonOf('3673011708900000')).toMatch(/sequence/);
  });
});
