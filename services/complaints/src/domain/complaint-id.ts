import { createHash } from 'node:crypto';

/** Namespace of Balai complaint ids (a random UUID, fixed for ever: changing it changes every derived id). */
const complaintNamespace = Buffer.from('6f1c1d2e8a4b4f0e9d3c2b1a0f9e8d7c', 'hex');

/**
 * The id of a complaint submitted with an idempotency key: a UUIDv5 (RFC 9562) of the tenant,
 * the reporter and the key, so a retry of the same submission lands on the same `_id` and the
 * insert clashes instead of filing twice. An exact-`_id` clash is the uniqueness every
 * MongoDB-compatible server enforces (FerretDB included). Keys are per reporter: another
 * reporter's identical key is another complaint.
 */
export function complaintIdForKey(tenantId: string, reporterId: string, idempotencyKey: string): string {
  const name = JSON.stringify([tenantId, reporterId, idempotencyKey]);
  const hash = createHash('sha1').update(complaintNamespace).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A fingerprint of what was submitted, to tell an idempotent retry from a key reused for another complaint. */
export function submissionFingerprint(submission: unknown): string {
  return createHash('sha256').update(JSON.stringify(submission)).digest('base64url');
}
