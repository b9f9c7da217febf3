import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';

/** What the lifecycle and fault runs share: where `./balai up` runs, the tenant, the limits a load needs, option parsers. */

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where `./balai up` keeps its state: the same rule as tools/cli/src/settings.ts. */
export const dataDir = process.env.BALAI_DATA_DIR ? resolve(process.env.BALAI_DATA_DIR) : join(root, '.data');
/** Kota Serang, where `./balai up` seeds the demo accounts the runs sign in as. */
export const tenant = '36.73';

/**
 * The gateway's abuse limits (services/gateway/src/api/rate-limits.ts) stop one client within
 * seconds: 60 writes a minute per caller. `./balai up` passes its environment to the services,
 * so a load test raises them there, keeping the limits (and their store, which every request
 * consults) in the path. tests/e2e raise them the same way.
 */
export const loadTestRateLimits = [
  'sign-in.address=100000/1m',
  'token.address=100000/1m',
  'writes.address=10000000/1m',
  'writes.caller=10000000/1m',
  'reads.address=10000000/1m',
  'reads.caller=10000000/1m',
].join(',');

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return parsed;
}

export function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return parsed;
}

export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a number above 0');
  return parsed;
}
