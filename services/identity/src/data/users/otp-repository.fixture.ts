import type { OneTimeCodeDocument } from './one-time-code.schema.js';
import type { CodeSlot, OtpRepository } from './otp-repository.js';

const keyOf = (slot: CodeSlot) => [slot.tenantId, slot.userId, slot.channel, slot.purpose].join('|');

/**
 * The one-time codes of a unit test, in memory, kept by OtpRepository's rules: one code per
 * slot, replaced by the next; attempts counted and codes consumed only by a caller who saw the
 * current attempt count (compare-and-set).
 */
export function memoryOtpCodes() {
  const codes = new Map<string, OneTimeCodeDocument>();
  const repository: Pick<OtpRepository, 'find' | 'replace' | 'recordAttempt' | 'consume'> = {
    async find(slot) {
      const stored = codes.get(keyOf(slot));
      return stored ? { ...stored } : null;
    },
    async replace(slot, code) {
      codes.set(keyOf(slot), { _id: keyOf(slot), ...slot, ...code, attempts: 0 });
    },
    async recordAttempt(slot, seenAttempts) {
      const stored = codes.get(keyOf(slot));
      if (!stored || stored.attempts !== seenAttempts) return false;
      stored.attempts += 1;
      return true;
    },
    async consume(slot, attempts) {
      const stored = codes.get(keyOf(slot));
      if (!stored || stored.attempts !== attempts) return false;
      codes.delete(keyOf(slot));
      return true;
    },
  };
  /** The code stored for a slot, as the collection would hold it. */
  const stored = (slot: CodeSlot): OneTimeCodeDocument | null => codes.get(keyOf(slot)) ?? null;
  return { repository, stored };
}
