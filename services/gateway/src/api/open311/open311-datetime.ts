/**
 * GeoReport v2 datetimes are W3C datetimes (ISO 8601 profile). The gateway writes them with the
 * tenant's UTC offset (`2026-11-29T13:05:00+07:00`) so that clients showing the string as is show
 * local time, and reads them with any offset.
 */

export const DEFAULT_OPEN311_TIME_ZONE = 'Asia/Jakarta';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build; there is one per time zone the gateway serves. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone: a configuration error, found at the first render.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows the IANA time zone (for validating configuration). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function zonedParts(date: Date, timeZone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  return parts;
}

/** "GMT+07:00" → "+07:00"; "GMT" (UTC itself) → "+00:00". */
function offsetOf(parts: Record<string, string>): string {
  const match = /^GMT([+-]\d{2}:\d{2})?$/.exec(parts.timeZoneName ?? '');
  if (!match) throw new Error(`unexpected time zone name ${parts.timeZoneName}`);
  return match[1] ?? '+00:00';
}

/** Formats an instant as a W3C datetime in the given zone, to the second, with its offset. */
export function formatOpen311Datetime(date: Date, timeZone: string = DEFAULT_OPEN311_TIME_ZONE): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('cannot format an invalid Date');
  const p = zonedParts(date, timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offsetOf(p)}`;
}

/** The zone's UTC offset at an instant, in minutes east of UTC. */
function offsetMinutesAt(instant: number, timeZone: string): number {
  const offset = offsetOf(zonedParts(new Date(instant), timeZone));
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

// W3C datetime: a full date, optionally a time (hh:mm, :ss, fraction) which then needs a zone.
const w3cDatetime =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2})))?$/;

/**
 * Reads a W3C datetime. A date alone means the start of that day in `timeZone`. A time without
 * a zone designator is refused: the W3C profile requires one, and guessing would shift searches.
 * Returns null for anything else, including impossible dates such as 2026-02-30.
 */
export function parseOpen311Datetime(value: string, timeZone: string = DEFAULT_OPEN311_TIME_ZONE): Date | null {
  const match = w3cDatetime.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone, zoneHours, zoneMinutes] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour ?? 0);
  const mi = Number(minute ?? 0);
  const s = Number(second ?? 0);
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wallClock = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(wallClock);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  if (zone === undefined) {
    // Midnight in the zone: correct the guess once more for zones whose offset changes that day.
    let instant = wallClock - offsetMinutesAt(wallClock, timeZone) * 60_000;
    instant = wallClock - offsetMinutesAt(instant, timeZone) * 60_000;
    return new Date(instant);
  }
  if (zone === 'Z') return new Date(wallClock);
  const zh = Number(zoneHours);
  const zm = Number(zoneMinutes);
  if (zh > 23 || zm > 59) return null;
  const sign = zone.startsWith('-') ? -1 : 1;
  return new Date(wallClock - sign * (zh * 60 + zm) * 60_000);
}
