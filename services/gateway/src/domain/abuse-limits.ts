import { ConfigError } from '@balai/platform';

/**
 * Abuse limits, per class of route, counted per client address and per authenticated caller
 * (a user, or a partner app known by its api_key), in windows shared by every gateway instance.
 * They bound what one client can make the platform do: send codes, guess secrets, flood writes.
 * identity adds its own limits on what only it can see (per contact, per account).
 */
export const limitClasses = [
  'sign-in',
  'token',
  'registration',
  'verification',
  'open311-post',
  'writes',
  'reads',
] as const;
export type LimitClass = (typeof limitClasses)[number];

export interface Limit {
  max: number;
  windowMs: number;
}

/** A class's limits: per client address always, per caller where one is known. */
export interface ClassLimits {
  address: Limit;
  caller?: Limit;
}

export type Limits = Record<LimitClass, ClassLimits>;

const minute = 60_000;
const hour = 60 * minute;

/**
 * Defaults sized for real use: a citizen's whole journey stays far below them, a government
 * office behind one NAT address shares the per-address ones, and a script meets them within
 * seconds. RATE_LIMITS overrides any of them (see parseLimits).
 */
export const defaultLimits: Limits = {
  // The hosted login pages and the authorisation endpoint: a sign-in is about five requests.
  'sign-in': { address: { max: 120, windowMs: minute } },
  // Code exchange, refresh, revocation, introspection: a wrong client secret is guessed here.
  token: { address: { max: 60, windowMs: minute } },
  // Each registration sends an e-mail or an SMS.
  registration: { address: { max: 20, windowMs: hour } },
  // Proving a contact, activating an account, asking for a new code.
  verification: { address: { max: 60, windowMs: hour } },
  // Partner apps file their users' reports from their own servers: the partner's limit is the one that binds.
  'open311-post': { address: { max: 120, windowMs: minute }, caller: { max: 60, windowMs: minute } },
  writes: { address: { max: 600, windowMs: minute }, caller: { max: 60, windowMs: minute } },
  reads: { address: { max: 1200, windowMs: minute }, caller: { max: 300, windowMs: minute } },
};

const unitMs: Record<string, number> = { s: 1000, m: minute, h: hour, d: 24 * hour };

/**
 * Reads RATE_LIMITS: comma-separated `<class>.<address|caller>=<max>/<window>`, the window a
 * number and a unit (s, m, h, d), e.g. `token.address=30/1m,reads.caller=600/1m`. Classes and
 * scopes not named keep their defaults; `off` turns the limits off (a test bench, never production).
 */
export function parseLimits(spec: string): Limits | null {
  if (spec.trim() === 'off') return null;
  const limits: Limits = structuredClone(defaultLimits);
  const problems: string[] = [];
  for (const entry of spec.split(',')) {
    if (entry.trim() === '') continue;
    const match = /^\s*([a-z0-9-]+)\.(address|caller)\s*=\s*(\d{1,9})\s*\/\s*(\d{1,6})\s*([smhd])\s*$/.exec(entry);
    const limitClass = match?.[1] as LimitClass | undefined;
    if (!match || !limitClass || !limitClasses.includes(limitClass)) {
      problems.push(
        `RATE_LIMITS: "${entry.trim()}" is not <class>.<address|caller>=<max>/<n><s|m|h|d> with a class of ${limitClasses.join(', ')}`,
      );
      continue;
    }
    const windowMs = Number(match[4]) * (unitMs[match[5] as string] ?? minute);
    if (windowMs <= 0) {
      problems.push(`RATE_LIMITS: "${entry.trim()}" has an empty window`);
      continue;
    }
    limits[limitClass][match[2] as 'address' | 'caller'] = { max: Number(match[3]), windowMs };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return limits;
}
