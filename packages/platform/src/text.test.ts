import { describe, expect, it } from 'vitest';
import { normaliseText, textCharacterProblem } from './text.js';

describe('textCharacterProblem', () => {
  it.each([
    ['Indonesian', 'Jalan berlubang di depan pasar, sangat berbahaya.'],
    ['accents', 'Café à côté, señal dañada, Übergang gesperrt'],
    ['emoji, with a zero-width joiner', 'Banjir lagi 😡🌧️ 👨‍👩‍👧'],
    ['other scripts', '道路に穴があります。 طريق مكسور. Дорога разбита. ถนนชำรุด'],
    ['tabs and line breaks', 'baris 1\n\tbaris 2\n'],
    ['CRLF line endings', 'baris 1\r\nbaris 2\r\n'],
    ['line and paragraph separators', 'a\u2028b\u2029c'],
    ['a character beyond the basic plane', '𝔸 𠜎'],
  ])('should accept %s in multi-line text', (_name, text) => {
    expect(textCharacterProblem(text, 'multi')).toBeNull();
  });

  it.each([
    ['NUL', 'Lubang\u0000besar', 'must not contain control characters (found U+0000)'],
    ['a bell', 'a\u0007b', 'must not contain control characters (found U+0007)'],
    ['a vertical tab at the end', 'Lubang besar\u000b', 'must not contain control characters (found U+000B)'],
    ['a form feed', '\u000cLubang', 'must not contain control characters (found U+000C)'],
    ['escape', 'a\u001b[31mred', 'must not contain control characters (found U+001B)'],
    ['a lone carriage return', 'baris 1\rbaris 2', 'must not contain control characters (found U+000D)'],
    ['DEL', 'a\u007fb', 'must not contain control characters (found U+007F)'],
    ['a C1 control (NEL)', 'a\u0085b', 'must not contain control characters (found U+0085)'],
    ['a C1 control (CSI)', 'a\u009bb', 'must not contain control characters (found U+009B)'],
    ['a lone high surrogate', 'a\ud83db', 'must not contain unpaired surrogates or non-characters (found U+D83D)'],
    ['a lone low surrogate', 'a\ude00', 'must not contain unpaired surrogates or non-characters (found U+DE00)'],
    ['U+FFFE', 'a\ufffe', 'must not contain unpaired surrogates or non-characters (found U+FFFE)'],
    ['U+FFFF', '\uffffa', 'must not contain unpaired surrogates or non-characters (found U+FFFF)'],
    ['U+FDD0', 'a\ufdd0', 'must not contain unpaired surrogates or non-characters (found U+FDD0)'],
    ['U+10FFFF', 'a\u{10ffff}', 'must not contain unpaired surrogates or non-characters (found U+10FFFF)'],
  ])('should refuse %s', (_name, text, problem) => {
    expect(textCharacterProblem(text, 'multi')).toBe(problem);
    expect(textCharacterProblem(text, 'single')).toBe(problem);
  });

  it('should refuse tabs and line breaks in single-line text', () => {
    expect(textCharacterProblem('Siti\tAminah', 'single')).toBe('must not contain control characters (found U+0009)');
    expect(textCharacterProblem('Siti\nAminah', 'single')).toBe('must not contain control characters (found U+000A)');
    expect(textCharacterProblem('Siti\r\nAminah', 'single')).toBe('must not contain control characters (found U+000D)');
    expect(textCharacterProblem('Siti Aminah 😀', 'single')).toBeNull();
  });
});

describe('normaliseText', () => {
  it('should store CRLF line endings as LF and trim', () => {
    expect(normaliseText('  baris 1\r\nbaris 2\r\n')).toBe('baris 1\nbaris 2');
  });
});
