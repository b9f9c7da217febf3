import { LocalisedAppError } from '../errors.js';

/*
 * Optimistic concurrency over HTTP (docs/api-conventions.md, "Concurrency"). A versioned resource
 * answers `ETag: "v<version>"`; a write takes the version it read either as `If-Match` or as the
 * body's `expectedVersion`. The tag names the aggregate's version, not the bytes of one
 * representation: what a caller may see of it (view, allowedActions) varies by caller and time,
 * the version only when the resource changes, and that is what a write must be checked against.
 * It is still a strong validator, as If-Match (strong comparison, RFC 9110 §13.1.1) requires.
 */

const entityTagPattern = /^"v([1-9][0-9]{0,9})"$/;

/** The ETag of a resource at `version`: `"v7"`. */
export function entityTag(version: number): string {
  return `"v${version}"`;
}

/**
 * The version an If-Match header names, or undefined when there is none. Exactly one strong tag
 * of ours is accepted: a weak tag never matches under strong comparison, a list would name
 * several versions for one write, and `*` ("whatever it is now") would turn the check off, so
 * each is INVALID_IF_MATCH (400) rather than a write that silently skips the check.
 */
export function versionFromIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  const match = entityTagPattern.exec(value);
  const version = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(version) || version > 2_147_483_647) {
    const star = value === '*';
    throw new LocalisedAppError('INVALID_IF_MATCH', {
      en: {
        message: star
          ? 'If-Match: * is not accepted: send the ETag you read'
          : 'If-Match must be one ETag as this API sent it, for example "v7"',
        details: [{ field: '/if-match', in: 'header', message: 'must be one ETag as read, for example "v7"' }],
      },
      id: {
        message: star
          ? 'If-Match: * tidak diterima: kirim ETag yang Anda baca'
          : 'If-Match harus satu ETag seperti yang dikirim API ini, misalnya "v7"',
        details: [{ field: '/if-match', in: 'header', message: 'harus satu ETag seperti yang dibaca, misalnya "v7"' }],
      },
    });
  }
  return version;
}

/**
 * The version a write is checked against: If-Match or the body's expectedVersion, one of them
 * required; both given must name the same version (else IF_MATCH_CONFLICT).
 */
export function expectedVersionOf(ifMatch: string | string[] | undefined, expectedVersion: number | undefined): number {
  const fromHeader = versionFromIfMatch(ifMatch);
  if (fromHeader !== undefined && expectedVersion !== undefined && fromHeader !== expectedVersion) {
    throw new LocalisedAppError('IF_MATCH_CONFLICT', {
      en: {
        message: `If-Match names version ${fromHeader}, expectedVersion ${expectedVersion}: send one, or both the same`,
      },
      id: {
        message: `If-Match menyebut versi ${fromHeader}, expectedVersion ${expectedVersion}: kirim salah satu, atau keduanya sama`,
      },
    });
  }
  const version = fromHeader ?? expectedVersion;
  if (version === undefined) {
    throw new LocalisedAppError('VALIDATION_FAILED', {
      en: {
        message: 'The version last read is required',
        details: [
          { field: '/expectedVersion', in: 'body', message: 'is required unless an If-Match header names the version' },
        ],
      },
      id: {
        message: 'Versi yang terakhir dibaca wajib dikirim',
        details: [
          { field: '/expectedVersion', in: 'body', message: 'wajib diisi kecuali header If-Match menyebut versinya' },
        ],
      },
    });
  }
  return version;
}
