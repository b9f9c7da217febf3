import { describe, expect, it } from 'vitest';
import { staleVersion } from '../errors.js';
import { entityTag, expectedVersionOf, versionFromIfMatch } from './entity-tag.js';
import { toProblem } from './problem.js';

describe('entity tags', () => {
  it('should make a strong ETag of a version and read it back from If-Match', () => {
    expect(entityTag(7)).toBe('"v7"');
    expect(versionFromIfMatch(entityTag(7))).toBe(7);
    expect(versionFromIfMatch(' "v12" ')).toBe(12);
    expect(versionFromIfMatch(undefined)).toBeUndefined();
  });

  it.each(['*', 'W/"v7"', '"v7", "v8"', '"7"', 'v7', '"v0"', '"v07"', '', '"v2147483648"'])(
    'should refuse If-Match %j as INVALID_IF_MATCH',
    (header) => {
      expect(() => versionFromIfMatch(header)).toThrow(expect.objectContaining({ code: 'INVALID_IF_MATCH' }));
    },
  );

  it('should take the version from If-Match or expectedVersion, one required, both alike', () => {
    expect(expectedVersionOf('"v3"', undefined)).toBe(3);
    expect(expectedVersionOf(undefined, 3)).toBe(3);
    expect(expectedVersionOf('"v3"', 3)).toBe(3);
    expect(() => expectedVersionOf('"v3"', 4)).toThrow(expect.objectContaining({ code: 'IF_MATCH_CONFLICT' }));
    expect(() => expectedVersionOf(undefined, undefined)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: '/expectedVersion' })],
      }),
    );
  });

  it('should put the current version of a STALE_VERSION in its problem', () => {
    expect(toProblem(staleVersion(9))).toMatchObject({ status: 409, code: 'STALE_VERSION', currentVersion: 9 });
  });
});
