import { describe, expect, it } from 'vitest';
import { aCategory } from '../data/complaint-test-factories.fixture.js';
import { validateCategory } from './categories.js';

describe('validateCategory', () => {
  const { names, group, keywords, agencyId, slaHours, anonymousAllowed, attributes, active } =
    aCategory('public-facilities.damaged');
  const input = { names, group, keywords, agencyId, slaHours, anonymousAllowed, attributes, active };

  it('should accept the demo category, with its Indonesian and English names', () => {
    expect(validateCategory('public-facilities.damaged', input).problems).toEqual([]);
  });

  it('should refuse control characters in names, keywords, attribute descriptions and value names', () => {
    const [first, ...others] = attributes;
    const broken = {
      ...input,
      names: { id: 'Fasilitas\u0000rusak', en: names.en },
      keywords: [...keywords, 'halte\u007f'],
      attributes: [
        {
          ...(first as (typeof attributes)[number]),
          labels: { id: 'Fasilitas apa?\u000b', en: 'Which facility?' },
          values: [{ key: 'x', names: { id: 'X', en: 'X\u0085' } }],
        },
        ...others,
      ],
    };
    expect(validateCategory('public-facilities.damaged', broken).problems).toEqual([
      { field: '/names/id', message: 'must not contain control characters (found U+0000)' },
      { field: '/keywords', message: 'must not contain control characters (found U+007F)' },
      { field: '/attributes/0/labels/id', message: 'must not contain control characters (found U+000B)' },
      { field: '/attributes/0/values', message: 'must not contain control characters (found U+0085)' },
    ]);
  });
});
