import { complaintsV1 } from '@balai/contracts';
import { AppError, type CallContext } from '@balai/platform';
import { describe, expect, it, vi } from 'vitest';
import { Open311Refusal } from './open311-errors.js';
import type { Open311RequestSearch } from './open311-request-parsing.js';
import { createOpen311Service, type Open311ServiceOptions, type Open311Upstreams } from './open311-service.js';
import { fakeOpen311Upstreams } from './open311-upstreams.fixture.js';

/* The Open311 operations against fake complaints and identity services: what is asked upstream, in
 * which pages, and how the answers and refusals come back in Open311's terms. */

const context: CallContext = { tenantId: '36.73', requestId: 'req-1', roles: [] };

function options(overrides: Partial<Open311ServiceOptions> = {}): Open311ServiceOptions {
  return {
    endpointUrl: 'https://api.balai.example/open311/v2',
    keyService: 'https://balai.example/oidc',
    contact: 'open311@balai.example',
    log: { warn: vi.fn() },
    ...overrides,
  };
}

function serviceOver(upstreams: Open311Upstreams, overrides: Partial<Open311ServiceOptions> = {}) {
  return createOpen311Service(upstreams, options(overrides));
}

function aComplaint(overrides: Partial<complaintsV1.Complaint> = {}): complaintsV1.Complaint {
  return complaintsV1.Complaint.fromPartial({
    id: 'c-1',
    tenantId: '36.73',
    categoryCode: 'roads.pothole',
    description: 'Lubang besar di Jalan Ahmad Yani',
    status: 'submitted',
    submittedAt: new Date('2026-11-20T03:00:00Z'),
    view: 'public',
    agencyId: 'dpupr',
    ...overrides,
  });
}

/** Complaints c-0, c-1, ... numbered from `from`. */
const complaintsNumbered = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => aComplaint({ id: `c-${from + index}` }));

const categories = complaintsV1.ListCategoriesResponse.fromPartial({
  categories: [
    { code: 'roads.pothole', nameId: 'Jalan berlubang', nameEn: 'Pothole' },
    { code: 'waste.illegal-dumping', nameId: 'Pembuangan sampah liar', nameEn: 'Illegal dumping' },
  ],
});
const listCategories = async () => categories;
const listAgencies = async () => ({
  agencies: [{ id: 'dpupr', tenantId: '36.73', name: 'Dinas Pekerjaan Umum dan Penataan Ruang', shortName: 'PUPR' }],
});

/** The refusal an operation rejected with, to compare its Open311 answer. */
async function refusalOf(pending: Promise<unknown>): Promise<Open311Refusal['response']> {
  const error = await pending.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Open311Refusal)) throw new Error(`expected an Open311Refusal, got ${String(error)}`);
  return error.response;
}

const filterSearch = (overrides: Partial<Extract<Open311RequestSearch, { kind: 'filter' }>> = {}) =>
  ({
    kind: 'filter',
    jurisdictionId: '36.73',
    serviceCodes: [],
    start: new Date('2026-11-01T00:00:00Z'),
    end: new Date('2026-11-28T00:00:00Z'),
    statuses: [],
    page: 1,
    pageSize: 1000,
    ...overrides,
  }) satisfies Open311RequestSearch;

describe('discovery', () => {
  it('should publish the GeoReport v2 endpoint and the updates extension at the same URL, in both formats', () => {
    const discovery = serviceOver(fakeOpen311Upstreams().upstreams).discovery();
    expect(discovery).toMatchObject({ contact: 'open311@balai.example', key_service: 'https://balai.example/oidc' });
    expect(discovery.endpoints.map((endpoint) => [endpoint.specification, endpoint.url, endpoint.formats])).toEqual([
      [
        'http://wiki.open311.org/GeoReport_v2',
        'https://api.balai.example/open311/v2',
        ['application/json', 'text/xml'],
      ],
      [
        'https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311',
        'https://api.balai.example/open311/v2',
        ['application/json', 'text/xml'],
      ],
    ]);
  });
});

describe('services and service definitions', () => {
  it("should list the tenant's active categories, named in the locale asked for", async () => {
    const fake = fakeOpen311Upstreams({ complaints: { listCategories } });
    const services = await serviceOver(fake.upstreams).services(context, 'en');
    expect(services.map((service) => [service.service_code, service.service_name])).toEqual([
      ['roads.pothole', 'Pothole'],
      ['waste.illegal-dumping', 'Illegal dumping'],
    ]);
    expect(fake.calls).toEqual([{ method: 'listCategories', context }]);
    expect(fake.requests.listCategories).toEqual([{ includeInactive: false }]);
  });

  it("should answer an unknown service_code as Open311's 404 and leave other failures as they are", async () => {
    const fake = fakeOpen311Upstreams({
      complaints: {
        getCategory: async ({ code }) => {
          if (code === 'roads.sinkhole') throw new AppError('CATEGORY_NOT_FOUND');
          throw new AppError('UPSTREAM_TIMEOUT');
        },
      },
    });
    const open311 = serviceOver(fake.upstreams);
    expect(await refusalOf(open311.serviceDefinition(context, 'roads.sinkhole', 'id'))).toEqual({
      status: 404,
      errors: [{ code: 404, description: 'service_code provided was not found' }],
    });
    await expect(open311.serviceDefinition(context, 'roads.pothole', 'id')).rejects.toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
    });
  });

  it("should answer a category's attributes as its service definition", async () => {
    const fake = fakeOpen311Upstreams({
      complaints: {
        getCategory: async () => ({
          category: complaintsV1.Category.fromPartial({
            code: 'roads.pothole',
            attributes: [
              { code: 'severity', datatype: 'string', required: true, labelId: 'Seberapa parah', labelEn: 'How bad' },
            ],
          }),
        }),
      },
    });
    const definition = await serviceOver(fake.upstreams).serviceDefinition(context, 'roads.pothole', 'id');
    expect(definition.service_code).toBe('roads.pothole');
    expect(definition.attributes.map((attribute) => [attribute.code, attribute.required])).toEqual([
      ['severity', true],
    ]);
    expect(fake.requests.getCategory).toEqual([{ code: 'roads.pothole' }]);
  });
});

describe('submitRequest', () => {
  const submission = complaintsV1.SubmitComplaintRequest.fromPartial({
    categoryCode: 'roads.pothole',
    description: 'Lubang besar di depan pasar',
    latitude: -6.12,
    longitude: 106.15,
    idempotencyKey: 'partner-req-77',
  });

  it("should file the submission in the partner's context and answer the new id", async () => {
    const fake = fakeOpen311Upstreams({
      complaints: {
        submitComplaint: async () => ({ complaint: aComplaint({ id: 'c-new' }), created: true, nearbyOpen: [] }),
      },
    });
    const partner: CallContext = { ...context, subject: 'partner-1', roles: ['open311_partner'] };
    expect(await serviceOver(fake.upstreams).submitRequest(partner, submission)).toBe('c-new');
    expect(fake.calls).toEqual([{ method: 'submitComplaint', context: partner }]);
    expect(fake.requests.submitComplaint).toEqual([submission]);
  });

  it("should name the form's fields in the service's refusal, and leave other failures as they are", async () => {
    const fake = fakeOpen311Upstreams({
      complaints: {
        submitComplaint: async ({ categoryCode }) => {
          if (categoryCode === 'roads.pothole') {
            throw new AppError('VALIDATION_FAILED', 'The complaint is not valid', [
              { field: '/attributes/road_type', message: 'must be one of city, provincial, village' },
            ]);
          }
          throw new AppError('UPSTREAM_UNAVAILABLE');
        },
      },
    });
    const open311 = serviceOver(fake.upstreams);
    expect(await refusalOf(open311.submitRequest(context, submission))).toEqual({
      status: 400,
      errors: [{ code: 400, description: 'attribute[road_type] must be one of city, provincial, village' }],
    });
    await expect(open311.submitRequest(context, { ...submission, categoryCode: 'waste.bins' })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
  });
});

describe('searchRequests', () => {
  it('should ask ListComplaints for the filter, its end inclusive, and name services and agencies', async () => {
    const fake = fakeOpen311Upstreams({
      complaints: { listCategories, listComplaints: async () => ({ complaints: [aComplaint()], nextPageToken: '' }) },
      identity: { listAgencies },
    });
    const search = filterSearch({ serviceCodes: ['roads.pothole'], statuses: ['open'], page: 2, pageSize: 50 });
    const found = await serviceOver(fake.upstreams).searchRequests(context, search, 'id');
    expect(fake.requests.listComplaints).toEqual([
      complaintsV1.ListComplaintsRequest.fromPartial({
        categoryCodes: ['roads.pothole'],
        statuses: ['submitted', 'in_progress'],
        submittedFrom: new Date('2026-11-01T00:00:00Z'),
        submittedBefore: new Date('2026-11-28T00:00:00.001Z'),
        order: 'newest',
        page: 2,
        pageSize: 50,
      }),
    ]);
    expect(found).toEqual([
      expect.objectContaining({
        service_request_id: 'c-1',
        service_name: 'Jalan berlubang',
        agency_responsible: 'Dinas Pekerjaan Umum dan Penataan Ruang',
      }),
    ]);
    expect(fake.calls.every((call) => call.context === context)).toBe(true);
  });

  it('should ask for named requests alone, as one page of their number', async () => {
    const fake = fakeOpen311Upstreams({
      complaints: { listCategories, listComplaints: async () => ({ complaints: [], nextPageToken: '' }) },
      identity: { listAgencies },
    });
    const search: Open311RequestSearch = { kind: 'ids', jurisdictionId: null, serviceRequestIds: ['c-2', 'c-9'] };
    await serviceOver(fake.upstreams).searchRequests(context, search, 'id');
    expect(fake.requests.listComplaints).toEqual([
      complaintsV1.ListComplaintsRequest.fromPartial({
        complaintIds: ['c-2', 'c-9'],
        order: 'newest',
        page: 1,
        pageSize: 2,
      }),
    ]);
  });

  it('should serve a page over 100 from the upstream pages covering it, and cut it to size', async () => {
    const fake = fakeOpen311Upstreams({
      complaints: {
        listCategories,
        listComplaints: async ({ page }) => ({
          complaints: complaintsNumbered((page - 1) * 100, 100),
          nextPageToken: 'more',
        }),
      },
      identity: { listAgencies },
    });
    const found = await serviceOver(fake.upstreams).searchRequests(
      context,
      filterSearch({ page: 2, pageSize: 150 }),
      'id',
    );
    const pages = fake.requests.listComplaints;
    expect(pages.map((request) => [request.page, request.pageSize])).toEqual([
      [2, 100],
      [3, 100],
    ]);
    expect(found.map((request) => request.service_request_id)).toEqual(
      complaintsNumbered(150, 150).map((complaint) => complaint.id),
    );
  });

  it('should stop at the last upstream page', async () => {
    const fake = fakeOpen311Upstreams({
      complaints: {
        listCategories,
        listComplaints: async ({ page }) =>
          page < 3
            ? { complaints: complaintsNumbered((page - 1) * 100, 100), nextPageToken: 'more' }
            : { complaints: complaintsNumbered(200, 7), nextPageToken: '' },
      },
      identity: { listAgencies },
    });
    const found = await serviceOver(fake.upstreams).searchRequests(context, filterSearch(), 'id');
    expect(found).toHaveLength(207);
    expect(fake.requests.listComplaints).toHaveLength(3);
  });

  it("should answer agency ids, and note it, when identity's directory cannot be read", async () => {
    const warn = vi.fn();
    const fake = fakeOpen311Upstreams({
      complaints: { listCategories, listComplaints: async () => ({ complaints: [aComplaint()], nextPageToken: '' }) },
    });
    const found = await serviceOver(fake.upstreams, { log: { warn } }).searchRequests(context, filterSearch(), 'id');
    expect(found[0]?.agency_responsible).toBe('dpupr');
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: 'req-1', err: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) }),
      expect.stringMatching(/agency names unavailable/),
    );
  });

  it('should fail the search when the catalogue cannot be read', async () => {
    const fake = fakeOpen311Upstreams({
      complaints: { listComplaints: async () => ({ complaints: [aComplaint()], nextPageToken: '' }) },
      identity: { listAgencies },
    });
    await expect(serviceOver(fake.upstreams).searchRequests(context, filterSearch(), 'id')).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
  });
});

describe('request and token', () => {
  const getComplaint: Open311Upstreams['complaints']['getComplaint'] = async ({ complaintId }) => {
    if (complaintId !== 'c-1') throw new AppError('COMPLAINT_NOT_FOUND');
    return { complaint: aComplaint() };
  };
  const notFound = (description: string) => ({ status: 404, errors: [{ code: 404, description }] });

  it('should answer one service request with its names', async () => {
    const fake = fakeOpen311Upstreams({ complaints: { listCategories, getComplaint }, identity: { listAgencies } });
    const found = await serviceOver(fake.upstreams).request(context, 'c-1', 'en');
    expect(found).toMatchObject({ service_request_id: 'c-1', service_name: 'Pothole', status: 'open' });
    expect(fake.requests.getComplaint).toEqual([{ complaintId: 'c-1' }]);
  });

  it('should answer 404 for an unknown id, and for a malformed one without asking for it', async () => {
    const fake = fakeOpen311Upstreams({ complaints: { listCategories, getComplaint }, identity: { listAgencies } });
    const open311 = serviceOver(fake.upstreams);
    expect(await refusalOf(open311.request(context, 'c-404', 'id'))).toEqual(
      notFound('service_request_id provided was not found'),
    );
    expect(await refusalOf(open311.request(context, '$where', 'id'))).toEqual(
      notFound('service_request_id provided was not found'),
    );
    expect(fake.requests.getComplaint).toEqual([{ complaintId: 'c-404' }]);
  });

  it("should resolve a token to its request's id, and answer 404 naming the token for an unknown one", async () => {
    const fake = fakeOpen311Upstreams({ complaints: { getComplaint } });
    const open311 = serviceOver(fake.upstreams);
    expect(await open311.token(context, 'c-1')).toEqual({ token: 'c-1', service_request_id: 'c-1' });
    expect(await refusalOf(open311.token(context, 'c-404'))).toEqual(notFound('token provided was not found'));
    expect(await refusalOf(open311.token(context, '../x'))).toEqual(notFound('token provided was not found'));
  });
});

describe('updates', () => {
  const window = { start: new Date('2026-11-25T00:00:00Z'), end: new Date('2026-11-26T00:00:00Z') };
  const entry = (overrides: Partial<complaintsV1.TimelineEntry>) =>
    complaintsV1.TimelineEntry.fromPartial({ visibility: 'public', actorRole: 'officer', ...overrides });

  /** ListComplaints with `pages` pages of 100, each page's token the next page's number. */
  const paged =
    (pages: number): Open311Upstreams['complaints']['listComplaints'] =>
    async ({ pageToken }) => {
      const number = pageToken === '' ? 1 : Number(pageToken);
      return { complaints: complaintsNumbered(0, 100), nextPageToken: number < pages ? String(number + 1) : '' };
    };

  it("should read every complaint changed since the window's start and keep the public entries inside it", async () => {
    const changed = aComplaint({
      timeline: [
        entry({ id: 'e-0', action: 'submit', at: new Date('2026-11-24T23:00:00Z'), toStatus: 'submitted' }),
        entry({ id: 'e-1', action: 'assign', at: new Date('2026-11-25T02:00:00Z'), toStatus: 'in_progress' }),
        entry({ id: 'e-2', action: 'comment', at: new Date('2026-11-25T03:00:00Z'), visibility: 'internal' }),
        entry({ id: 'e-3', action: 'comment', at: new Date('2026-11-26T00:00:00.001Z') }),
      ],
    });
    const fake = fakeOpen311Upstreams({
      complaints: { listComplaints: async () => ({ complaints: [changed], nextPageToken: '' }) },
    });
    const updates = await serviceOver(fake.upstreams).updates(context, window);
    expect(updates.map((update) => [update.update_id, update.status])).toEqual([['e-1', 'in_progress']]);
    expect(fake.requests.listComplaints).toEqual([
      complaintsV1.ListComplaintsRequest.fromPartial({
        updatedFrom: window.start,
        order: 'updated',
        includeTimeline: true,
        pageSize: 100,
        pageToken: '',
      }),
    ]);
  });

  it('should follow the page tokens to the last page', async () => {
    const fake = fakeOpen311Upstreams({ complaints: { listComplaints: paged(3) } });
    await serviceOver(fake.upstreams).updates(context, window);
    const pages = fake.requests.listComplaints;
    expect(pages.map((request) => request.pageToken)).toEqual(['', '2', '3']);
  });

  it('should refuse a window in which more than 1000 requests changed, after reading 1000', async () => {
    const fake = fakeOpen311Upstreams({ complaints: { listComplaints: paged(11) } });
    expect(await refusalOf(serviceOver(fake.upstreams).updates(context, window))).toEqual({
      status: 400,
      errors: [
        {
          code: 400,
          description: 'More than 1000 service requests changed since start_date; ask for a later start_date',
        },
      ],
    });
    expect(fake.requests.listComplaints).toHaveLength(10);
  });
});
