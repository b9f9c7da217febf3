import { AppError, nikPattern } from '@balai/platform';

/**
 * Province codes of Kemendagri (Permendagri 72/2019 and the 2022 Papua provinces). A NIK's
 * first two digits are the province where it was issued.
 */
const provinceCodes = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '21',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '51',
  '52',
  '53',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '72',
  '73',
  '74',
  '75',
  '76',
  '81',
  '82',
  '91',
  '92',
  '93',
  '94',
  '95',
  '96',
]);

export interface Nik {
  value: string;
  /** Region of issue: province, regency/city and district codes ("36", "36.73", "36.73.01"). */
  province: string;
  regency: string;
  district: string;
  birthDate: string;
  sex: 'female' | 'male';
  sequence: number;
}

function invalid(reason: string): AppError {
  return new AppError('NIK_INVALID', `The NIK is not valid: ${reason}`, [{ field: 'nik', message: reason }]);
}

/**
 * Checks a Nomor Induk Kependudukan: 16 digits; digits 1–6 the region of issue (a known
 * province, regency and district not 00); digits 7–12 the birth date as DDMMYY with 40 added to
 * the day for women (a real date, not in the future); digits 13–16 a sequence from 0001.
 */
export function parseNik(input: string, today: Date = new Date()): Nik {
  const value = input.trim();
  if (!nikPattern.test(value)) throw invalid('it must be exactly 16 digits');
  const province = value.slice(0, 2);
  if (!provinceCodes.has(province)) throw invalid(`${province} is not a province code`);
  if (value.slice(2, 4) === '00') throw invalid('the regency code cannot be 00');
  if (value.slice(4, 6) === '00') throw invalid('the district code cannot be 00');
  let day = Number(value.slice(6, 8));
  const sex = day > 40 ? 'female' : 'male';
  if (day > 40) day -= 40;
  const month = Number(value.slice(8, 10));
  const yy = Number(value.slice(10, 12));
  // Two-digit years: a year after this one belongs to the previous century.
  const thisYear = today.getUTCFullYear();
  const year = 2000 + yy > thisYear ? 1900 + yy : 2000 + yy;
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || month < 1 || month > 12 || birth.getUTCDate() !== day || birth.getUTCMonth() !== month - 1) {
    throw invalid('digits 7–12 are not a birth date (DDMMYY, day + 40 for women)');
  }
  if (birth.getTime() > today.getTime()) throw invalid('the birth date is in the future');
  const sequence = Number(value.slice(12, 16));
  if (sequence === 0) throw invalid('the sequence number cannot be 0000');
  return {
    value,
    province,
    regency: `${province}.${value.slice(2, 4)}`,
    district: `${province}.${value.slice(2, 4)}.${value.slice(4, 6)}`,
    birthDate: birth.toISOString().slice(0, 10),
    sex,
    sequence,
  };
}
