import { describe, expect, it } from 'vitest';
import type { CategoryAttribute } from '../data/category.schema.js';
import { validateAttributeDefinitions, validateAttributeValues } from './category-attributes.js';

const attribute = (overrides: Partial<CategoryAttribute>): CategoryAttribute => ({
  code: 'a',
  datatype: 'string',
  required: false,
  order: 0,
  labels: { id: '', en: '' },
  values: [],
  ...overrides,
});
const list = [
  { key: 'x', names: { id: 'X', en: 'X' } },
  { key: 'y', names: { id: 'Y', en: 'Y' } },
];

describe('validateAttributeValues', () => {
  it.each([
    ['number', '12.5', true],
    ['number', '1e3', false],
    ['number', 'dua', false],
    ['datetime', '2026-11-28T08:00:00Z', true],
    ['datetime', '2026-11-28', true],
    ['datetime', '28/11/2026', false],
    ['string', 'T-12', true],
    ['string', 'x'.repeat(201), false],
    ['text', 'x'.repeat(4000), true],
    ['singlevaluelist', 'x', true],
    ['singlevaluelist', 'z', false],
  ] as const)('should check a %s value %j (valid: %s)', (datatype, value, valid) => {
    const { problems } = validateAttributeValues(
      [attribute({ datatype, values: datatype.endsWith('list') ? list : [] })],
      [{ code: 'a', values: [value] }],
    );
    expect(problems.length === 0).toBe(valid);
  });

  it('should take several distinct values for a multivaluelist only', () => {
    const multi = attribute({ datatype: 'multivaluelist', values: list });
    expect(validateAttributeValues([multi], [{ code: 'a', values: ['x', 'y'] }]).problems).toEqual([]);
    expect(validateAttributeValues([multi], [{ code: 'a', values: ['x', 'x'] }]).problems).toHaveLength(1);
    const single = attribute({ datatype: 'singlevaluelist', values: list });
    expect(validateAttributeValues([single], [{ code: 'a', values: ['x', 'y'] }]).problems).toEqual([
      { field: '/attributes/a', message: 'takes one value' },
    ]);
  });

  it('should require required attributes, refuse unknown and repeated codes, and order by definition', () => {
    const definitions = [attribute({ code: 'b', order: 2 }), attribute({ code: 'a', order: 1, required: true })];
    expect(
      validateAttributeValues(definitions, [
        { code: 'c', values: ['1'] },
        { code: 'b', values: ['1'] },
        { code: 'b', values: ['2'] },
      ]).problems.map((p) => p.field),
    ).toEqual(['/attributes/c', '/attributes/b', '/attributes/a']);
    expect(
      validateAttributeValues(definitions, [
        { code: 'b', values: [' 2 '] },
        { code: 'a', values: ['1'] },
      ]),
    ).toEqual({
      problems: [],
      values: [
        { code: 'a', values: ['1'] },
        { code: 'b', values: ['2'] },
      ],
    });
  });
});

describe('validateAttributeValues: characters', () => {
  it.each(['string', 'text'] as const)(
    'should refuse control characters in a %s value, even where trimming would drop them',
    (datatype) => {
      for (const value of ['rusak\u0000parah', 'rusak\u000b', '\u000crusak', 'a\u0085b', 'a\rb']) {
        expect(
          validateAttributeValues([attribute({ datatype })], [{ code: 'a', values: [value] }]).problems,
          value,
        ).toEqual([
          {
            field: '/attributes/a',
            message: expect.stringMatching(/^must not contain control characters \(found U\+00/),
          },
        ]);
      }
    },
  );

  it('should keep any script and emoji, and store CRLF line endings as LF', () => {
    expect(
      validateAttributeValues(
        [attribute({ datatype: 'text' })],
        [{ code: 'a', values: ['Tiang miring 😬\r\n\t电线杆 '] }],
      ),
    ).toEqual({ problems: [], values: [{ code: 'a', values: ['Tiang miring 😬\n\t电线杆'] }] });
  });
});

describe('validateAttributeDefinitions', () => {
  it('should accept the Open311 datatypes with values for lists only', () => {
    expect(
      validateAttributeDefinitions([
        attribute({ code: 'a' }),
        attribute({ code: 'b', datatype: 'multivaluelist', values: list }),
      ]),
    ).toEqual([]);
  });

  it('should refuse a list without values, values on a plain type, an unknown datatype and a repeated code', () => {
    const problems = validateAttributeDefinitions([
      attribute({ code: 'a', datatype: 'singlevaluelist' }),
      attribute({ code: 'b', values: list }),
      attribute({ code: 'c', datatype: 'colour' as never }),
      attribute({ code: 'a' }),
    ]);
    expect(problems.map((p) => p.field)).toEqual([
      '/attributes/0/values',
      '/attributes/1/values',
      '/attributes/2/datatype',
      '/attributes/3/code',
    ]);
  });
});
