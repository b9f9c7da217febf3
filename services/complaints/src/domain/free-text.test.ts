import { describe, expect, it } from 'vitest';
import { textProblems } from './free-text.js';

describe('textProblems', () => {
  it('should check characters before length, and length once normalised', () => {
    expect(textProblems('/text', 'ok\u0000', { min: 1, max: 10 })).toEqual([
      { field: '/text', message: 'must not contain control characters (found U+0000)' },
    ]);
    expect(textProblems('/text', ' \r\n ', { min: 1, max: 10 })).toEqual([
      { field: '/text', message: 'must be 1 to 10 characters' },
    ]);
    expect(textProblems('/text', 'a\r\nb\r\nc\r\nd\r\ne', { min: 1, max: 9 })).toEqual([]);
    expect(textProblems('/text', undefined, { min: 1, max: 10 })).toEqual([
      { field: '/text', message: 'must be 1 to 10 characters' },
    ]);
  });
});
