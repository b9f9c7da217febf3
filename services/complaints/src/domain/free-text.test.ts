import { boundedText, fieldProblems } from '@balai/platform';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { catalogueText, firstCharacterProblem } from './free-text.js';

describe('free text as complaints checks it (boundedText)', () => {
  const text = (length: { min: number; max: number }) => Type.Object({ text: boundedText(length) });

  it('should check characters before length, and length once normalised', () => {
    expect(fieldProblems(text({ min: 1, max: 10 }), { text: 'ok\u0000' })).toEqual([
      { field: '/text', message: 'must not contain control characters (found U+0000)' },
    ]);
    expect(fieldProblems(text({ min: 1, max: 10 }), { text: ' \r\n ' })).toEqual([
      { field: '/text', message: 'must be 1 to 10 characters' },
    ]);
    expect(fieldProblems(text({ min: 1, max: 9 }), { text: 'a\r\nb\r\nc\r\nd\r\ne' })).toEqual([]);
    expect(fieldProblems(text({ min: 1, max: 10 }), { text: undefined })).toEqual([
      { field: '/text', message: 'must be 1 to 10 characters' },
    ]);
  });
});

describe('catalogue text', () => {
  it('should store it trimmed with whitespace runs as one space, and check each text as sent', () => {
    expect(catalogueText(' Jalan\t\r\nrusak  berat ')).toBe('Jalan rusak berat');
    expect(firstCharacterProblem(['jalan', 'halte\u007f', 'x\u0000'])).toBe(
      'must not contain control characters (found U+007F)',
    );
    expect(firstCharacterProblem(['jalan\trusak', 'baris\r\nbaru'])).toBeNull();
  });
});
