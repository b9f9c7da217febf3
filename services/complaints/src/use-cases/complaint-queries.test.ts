import { AppError, type CallContext } from '@balai/platform';
import { describe, expect, it, vi } from 'vitest';
import { emptyListFilter } from '../data/complaint-list-query.js';
import type { Complaint } from '../data/complaint-repository.js';
import { aComplaint, callers } from '../data/complaint-test-factories.fixture.js';
import { geohashOf } from '../domain/complaint-geohash.js';
import {
  decodePageToken,
  encodePageToken,
  findNearbyComplaints,
  type ListComplaintsInput,
  listComplaints,
  parseListRequest,
  queryFingerprint,
} from './complaint-queries.js';

const now = new Date('2026-12-01T08:00:00.000Z');
const partner: CallContext = {
  tenantId: '36.73',
  requestId: 'r-1',
  subject: 'partner-app',
  roles: ['open311_partner'],
};

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function fieldsOf(error: AppError): string[] {
  return error.details.map((detail) => detail.field ?? '');
}

function setupList(found: Complaint[] = []) {
  const repository = { list: vi.fn(async () => found) };
  return { repository, deps: { repository, clock: () => now } };
}

describe('page tokens', () => {
  const position = { key: new Date('2026-11-30T10:00:00.000Z'), id: 'c-17' };

  it('should give back the position it encoded for the same query', () => {
    const token = encodePageToken(position, 'fp-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, 'fp-1')).toEqual(position);
  });

  it('should refuse a token of a query with other filters', () => {
    const token = encodePageToken(position, 'fp-1');
    expect(() => decodePageToken(token, 'fp-2')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: '/pageToken' })],
      }),
    );
  });

  it.each([
    ['garbage', 'not a token!'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['a wrong shape', Buffer.from(JSON.stringify({ k: 'x', i: 1, f: 'fp-1' })).toString('base64url')],
    ['an id with operators', Buffer.from(JSON.stringify({ k: 1, i: '{"$gt":""}', f: 'fp-1' })).toString('base64url')],
    ['null', Buffer.from('null').toString('base64url')],
  ])('should refuse %s with VALIDATION_FAILED', (_name, token) => {
    expect(() => decodePageToken(token, 'fp-1')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('should fingerprint the query, not the moving "now" of the overdue filter', () => {
    const at = (overdueAt: Date | null) => queryFingerprint('36.73', { ...emptyListFilter(), overdueAt }, 'due');
    expect(at(now)).toBe(at(new Date(now.getTime() + 60_000)));
    expect(at(now)).not.toBe(at(null));
    expect(queryFingerprint('36.73', emptyListFilter(), 'due')).not.toBe(
      queryFingerprint('36.73', emptyListFilter(), 'newest'),
    );
    expect(queryFingerprint('36.73', emptyListFilter(), 'due')).not.toBe(
      queryFingerprint('36.71', emptyListFilter(), 'due'),
    );
  });
});

describe('parseListRequest', () => {
  it('should give staff every filter and resolve "me" to the caller', () => {
    const parsed = parseListRequest(
      callers.officer,
      { assignee: 'me', agencyId: 'dpupr', statuses: ['in_progress', 'submitted'], overdueOnly: true },
      now,
    );
    expect(parsed.filter).toMatchObject({
      assignedOfficerId: 'officer-1',
      agencyId: 'dpupr',
      statuses: ['in_progress', 'submitted'],
      overdueAt: now,
    });
    expect(parsed.order).toBe('due');
    expect(parsed.page).toEqual({ after: null, skip: 0, size: 20, includeTimeline: false });
    expect(parseListRequest(callers.supervisor, { assignee: 'none' }, now).filter.assignedOfficerId).toBe('');
  });

  it.each([
    ['a citizen', callers.reporter],
    ['an anonymous caller', callers.anonymous],
    ['a partner app', partner],
    ['an analyst', callers.analyst],
  ])('should refuse the assignee filter to %s with FORBIDDEN', (_name, context) => {
    expect(() => parseListRequest(context, { assignee: 'none' }, now)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('should scope "mine" to the caller and refuse it without one', () => {
    expect(parseListRequest(callers.reporter, { mine: true }, now).filter.reporterId).toBe('citizen-1');
    expect(() => parseListRequest(callers.anonymous, { mine: true }, now)).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });

  it('should refuse a call without a tenant', () => {
    expect(() => parseListRequest({ ...callers.officer, tenantId: '' }, {}, now)).toThrow(
      expect.objectContaining({ code: 'TENANT_REQUIRED' }),
    );
  });

  it('should name every bad field at once', () => {
    const bad: ListComplaintsInput = {
      statuses: ['open'],
      agencyId: '{"$ne":1}',
      categoryCodes: ['Roads Pothole'],
      complaintIds: Array.from({ length: 101 }, (_, index) => `c-${index}`),
      submittedFrom: new Date('2026-12-01T00:00:00Z'),
      submittedBefore: new Date('2026-11-01T00:00:00Z'),
      updatedFrom: new Date('invalid'),
      order: 'oldest',
      pageSize: 101,
      page: -1,
    };
    let error: AppError | undefined;
    try {
      parseListRequest(callers.officer, bad, now);
    } catch (thrown) {
      error = thrown as AppError;
    }
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error as AppError)).toEqual([
      '/statuses',
      '/agencyId',
      '/categoryCodes',
      '/complaintIds',
      '/submittedBefore',
      '/updatedFrom',
      '/order',
      '/pageSize',
      '/page',
    ]);
  });

  it('should refuse a page number together with a page token, and deep offset pages', () => {
    const token = encodePageToken({ key: now, id: 'c-1' }, 'whatever');
    expect(() => parseListRequest(callers.officer, { page: 2, pageToken: token }, now)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: '/page' })] }),
    );
    expect(() => parseListRequest(callers.officer, { page: 102, pageSize: 100 }, now)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(parseListRequest(callers.officer, { page: 3, pageSize: 10 }, now).page).toMatchObject({
      skip: 20,
      size: 10,
    });
  });

  it('should take the same set of statuses in any order as the same query', () => {
    const a = parseListRequest(callers.officer, { statuses: ['submitted', 'in_progress'] }, now);
    const b = parseListRequest(callers.officer, { statuses: ['in_progress', 'submitted', 'submitted'] }, now);
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});

describe('listComplaints', () => {
  const complaints = [1, 2, 3].map((n) =>
    aComplaint({
      _id: `c-${n}`,
      slaDueAt: new Date(`2026-11-2${n}T00:00:00Z`),
      assignedOfficerId: 'officer-1',
      citizenReference: 'counter-7',
      timeline: [],
    }),
  );

  it('should read one more than the page and hand out a token after the last item shown', async () => {
    const { repository, deps } = setupList(complaints);
    const page = await listComplaints(deps, callers.officer, { pageSize: 2 });
    expect(page.views.map((view) => view.complaint._id)).toEqual(['c-1', 'c-2']);
    expect(repository.list).toHaveBeenCalledWith('36.73', expect.anything(), 'due', {
      after: null,
      skip: 0,
      limit: 3,
      includeTimeline: false,
    });
    const fingerprint = parseListRequest(callers.officer, { pageSize: 2 }, now).fingerprint;
    expect(decodePageToken(page.nextPageToken, fingerprint)).toEqual({
      key: new Date('2026-11-22T00:00:00Z'),
      id: 'c-2',
    });
  });

  it('should hand out no token on the last page', async () => {
    const { deps } = setupList(complaints);
    expect((await listComplaints(deps, callers.officer, { pageSize: 3 })).nextPageToken).toBe('');
  });

  it('should pass the decoded position of a token to the repository', async () => {
    const { repository, deps } = setupList(complaints);
    const first = await listComplaints(deps, callers.officer, { pageSize: 2, order: 'due' });
    await listComplaints(deps, callers.officer, { pageSize: 2, pageToken: first.nextPageToken });
    expect(repository.list).toHaveBeenLastCalledWith('36.73', expect.anything(), 'due', {
      after: { key: new Date('2026-11-22T00:00:00Z'), id: 'c-2' },
      skip: 0,
      limit: 3,
      includeTimeline: false,
    });
  });

  it('should refuse a token from the same list with other filters, before reading', async () => {
    const { repository, deps } = setupList(complaints);
    const first = await listComplaints(deps, callers.officer, { pageSize: 2 });
    repository.list.mockClear();
    const error = await errorOf(
      listComplaints(deps, callers.officer, { pageSize: 2, pageToken: first.nextPageToken, statuses: ['submitted'] }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(repository.list).not.toHaveBeenCalled();
  });

  it('should show staff the staff view and everyone else the public view', async () => {
    const { deps } = setupList(complaints);
    const staff = await listComplaints(deps, callers.officer, {});
    expect(staff.views[0]).toMatchObject({ kind: 'staff', complaint: { assignedOfficerId: 'officer-1' } });
    const citizen = await listComplaints(deps, callers.otherCitizen, {});
    expect(citizen.views[0]).toMatchObject({
      kind: 'public',
      complaint: { assignedOfficerId: '', reporterId: '', citizenReference: '' },
    });
    expect(citizen.views.every((view) => view.overdue)).toBe(true);
  });
});

describe('findNearbyComplaints', () => {
  const here = { latitude: -6.12, longitude: 106.15 };
  const at = (id: string, northMeters: number, overrides: Partial<Complaint> = {}) => {
    const latitude = here.latitude + northMeters / 111_195;
    return aComplaint({
      _id: id,
      location: { latitude, longitude: here.longitude },
      geohash: geohashOf(latitude, here.longitude),
      ...overrides,
    });
  };
  const setupNearby = (found: Complaint[]) => {
    const repository = { findNearbyCandidates: vi.fn(async () => found) };
    return {
      repository,
      deps: { repository, clock: () => now, nearby: { radiusMeters: 150, maxAgeDays: 30 } },
    };
  };

  it('should keep those within the radius, nearest first, in the public view, without the one just filed', async () => {
    const { repository, deps } = setupNearby([
      at('far', 400),
      at('mid', 100, { assignedOfficerId: 'officer-1' }),
      at('near', 20),
      at('self', 0),
    ]);
    const found = await findNearbyComplaints(deps, callers.officer, { categoryCode: 'roads.pothole', ...here }, 'self');
    expect(found.map((entry) => entry.view.complaint._id)).toEqual(['near', 'mid']);
    expect(found[0]?.distanceMeters).toBeCloseTo(20, 0);
    expect(found.every((entry) => entry.view.kind === 'public' && entry.view.complaint.assignedOfficerId === '')).toBe(
      true,
    );
    expect(repository.findNearbyCandidates).toHaveBeenCalledWith('36.73', {
      categoryCode: 'roads.pothole',
      cellPrefixes: expect.arrayContaining([geohashOf(here.latitude, here.longitude).slice(0, 7)]),
      submittedFrom: new Date(now.getTime() - 30 * 86_400_000),
      limit: 500,
    });
  });

  it('should return at most 10', async () => {
    const { deps } = setupNearby(Array.from({ length: 15 }, (_, n) => at(`c-${n}`, n * 5)));
    const found = await findNearbyComplaints(deps, callers.anonymous, { categoryCode: 'roads.pothole', ...here });
    expect(found.map((entry) => entry.view.complaint._id)).toEqual(Array.from({ length: 10 }, (_, n) => `c-${n}`));
  });

  it('should refuse a bad point or category before reading', async () => {
    const { repository, deps } = setupNearby([]);
    const error = await errorOf(
      findNearbyComplaints(deps, callers.reporter, { categoryCode: 'Roads!', latitude: 91, longitude: Number.NaN }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['/categoryCode', '/latitude', '/longitude']);
    expect(repository.findNearbyCandidates).not.toHaveBeenCalled();
  });
});
