import { describe, expect, it } from 'vitest';
import { type ComplaintListFilter, emptyListFilter, listQuery, nearbyQuery } from './complaint-list-query.js';

const now = new Date('2026-12-01T08:00:00.000Z');

describe('listQuery', () => {
  it('should always start with the tenant and AND every filter', () => {
    const filter: ComplaintListFilter = {
      ...emptyListFilter(),
      statuses: ['submitted', 'in_progress'],
      agencyId: 'dpupr',
      assignedOfficerId: '',
      categoryCodes: ['roads.pothole'],
      complaintIds: ['c-1', 'c-2'],
      reporterId: 'citizen-1',
      submittedFrom: new Date('2026-11-01T00:00:00Z'),
      updatedBefore: new Date('2026-12-01T00:00:00Z'),
    };
    const { filter: query, sort } = listQuery('36.73', filter, 'due', null);
    expect(query.$and).toEqual([
      { tenantId: '36.73' },
      { status: { $in: ['submitted', 'in_progress'] } },
      { agencyId: 'dpupr' },
      { assignedOfficerId: '' },
      { categoryCode: { $in: ['roads.pothole'] } },
      { _id: { $in: ['c-1', 'c-2'] } },
      { reporterId: 'citizen-1' },
      { submittedAt: { $gte: new Date('2026-11-01T00:00:00Z') } },
      { updatedAt: { $lt: new Date('2026-12-01T00:00:00Z') } },
    ]);
    expect(sort).toEqual({ slaDueAt: 1, _id: 1 });
  });

  it('should make overdue mean open and past the deadline as of the given instant', () => {
    const { filter } = listQuery('36.73', { ...emptyListFilter(), overdueAt: now }, 'due', null);
    expect(filter.$and.slice(1)).toEqual([
      { status: { $in: ['submitted', 'in_progress'] } },
      { slaDueAt: { $lt: now } },
    ]);
  });

  it.each([
    ['due', 'slaDueAt', '$gt', 1],
    ['newest', 'submittedAt', '$lt', -1],
    ['updated', 'updatedAt', '$gt', 1],
  ] as const)('should resume the %s order strictly after the last (key, id)', (order, field, beyond, direction) => {
    const key = new Date('2026-11-30T00:00:00Z');
    const { filter, sort } = listQuery('36.73', emptyListFilter(), order, { key, id: 'c-9' });
    expect(filter.$and.at(-1)).toEqual({
      $or: [{ [field]: { [beyond]: key } }, { [field]: key, _id: { [beyond]: 'c-9' } }],
    });
    expect(sort).toEqual({ [field]: direction, _id: direction });
  });

  it('should turn operator objects smuggled in as values into plain strings', () => {
    const injected = { $ne: null } as unknown as string;
    const { filter } = listQuery(injected, { ...emptyListFilter(), agencyId: injected }, 'due', null);
    expect(filter.$and[0]).toEqual({ tenantId: '[object Object]' });
    expect(filter.$and[1]).toEqual({ agencyId: '[object Object]' });
  });

  it('should look for open complaints of the category in the cells, anchored at the start', () => {
    const query = nearbyQuery('36.73', {
      categoryCode: 'roads.pothole',
      cellPrefixes: ['qqguy', 'qqguz'],
      submittedFrom: now,
    });
    expect(query.$and).toEqual([
      { tenantId: '36.73' },
      { categoryCode: 'roads.pothole' },
      { status: { $in: ['submitted', 'in_progress'] } },
      { submittedAt: { $gte: now } },
      { geohash: { $regex: '^(?:qqguy|qqguz)' } },
    ]);
    expect(() => nearbyQuery('36.73', { categoryCode: 'x', cellPrefixes: ['.*'], submittedFrom: now })).toThrow();
    expect(() => nearbyQuery('36.73', { categoryCode: 'x', cellPrefixes: [], submittedFrom: now })).toThrow();
  });
});
