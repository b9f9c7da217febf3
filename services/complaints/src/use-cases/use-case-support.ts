import type { ErrorDetail } from '@balai/platform';

export const eventSource = '/balai/complaints';

/** A category code of the catalogue: "roads.pothole". */
export const categoryCodePattern = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
/** An agency (OPD) id as identity keeps them: "dpupr". */
export const agencyIdPattern = /^[a-z][a-z0-9-]{1,31}$/;

export function isCategoryCode(value: string): boolean {
  return value.length <= 64 && categoryCodePattern.test(value);
}

/** What is wrong with a point given as latitude and longitude, as field details. */
export function pointProblems(latitude: unknown, longitude: unknown): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (typeof latitude !== 'number' || !Number.isFinite(latitude) || Math.abs(latitude) > 90) {
    problems.push({ field: '/latitude', message: 'must be between -90 and 90' });
  }
  if (typeof longitude !== 'number' || !Number.isFinite(longitude) || Math.abs(longitude) > 180) {
    problems.push({ field: '/longitude', message: 'must be between -180 and 180' });
  }
  return problems;
}
