import { describe, expect, it } from 'vitest';
import { complaintIdForKey } from './complaint-id.js';

describe('complaintIdForKey', () => {
  it('should be a stable RFC 9562 version 5 UUID that changes with tenant, reporter or key', () => {
    const id = complaintIdForKey('36.73', 'user-1', 'k');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(complaintIdForKey('36.73', 'user-1', 'k')).toBe(id);
    expect(
      new Set([
        id,
        complaintIdForKey('36.71', 'user-1', 'k'),
        complaintIdForKey('36.73', 'user-2', 'k'),
        complaintIdForKey('36.73', 'user-1', 'l'),
      ]).size,
    ).toBe(4);
  });

  it('should not let a separator in one part forge another part', () => {
    expect(complaintIdForKey('36.73', 'a|b', 'c')).not.toBe(complaintIdForKey('36.73', 'a', 'b|c'));
  });
});
