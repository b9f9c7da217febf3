import { complaintsV1 } from '@balai/contracts';
import { AppError, toGrpcStatus } from '@balai/platform';
import type { Metadata } from '@grpc/grpc-js';
import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeServices } from '../../clients/upstreams.fixture.js';
import { accessToken, newSigningKey, type SigningKey, testGateway } from '../test-gateway.fixture.js';
import type { Open311Upstreams } from './open311-service.js';

/*
 * The Open311 service request endpoints against a fake complaints service and a fake identity
 * token endpoint: what goes upstream (mapping, caller context) and what comes back (JSON and
 * XML, Open311 error arrays).
 */

/** The methods Open311 calls, each faked by a handler that reads its own request message. */
type Faked = Open311Upstreams['complaints'] & Open311Upstreams['identity'];
type Handlers = { [M in keyof Faked]?: (request: Parameters<Faked[M]>[0], metadata: Metadata) => unknown };
/** Any request Open311 sends, as the tests read its fields. */
type SentRequest = Partial<
  complaintsV1.ListCategoriesRequest &
    complaintsV1.GetCategoryRequest &
    complaintsV1.GetComplaintRequest &
    complaintsV1.ListComplaintsRequest &
    complaintsV1.SubmitComplaintRequest
>;

interface FakeComplaints {
  /** Complaints' methods, and identity's listAgencies; one without a handler is down. */
  handlers: Handlers;
  calls: Array<{ method: string; request: SentRequest; metadata: Metadata }>;
}

function fakeUpstreams(fake: FakeComplaints): Partial<FakeServices> {
  /** A generated client's method, answered by the handler (an AppError as its gRPC status). */
  const grpcMethod =
    <Request extends SentRequest>(
      method: string,
      handler: ((request: Request, metadata: Metadata) => unknown) | undefined,
    ) =>
    (
      request: Request,
      metadata: Metadata,
      _options: unknown,
      callback: (error: Error | null, response?: unknown) => void,
    ) => {
      fake.calls.push({ method, request, metadata });
      Promise.resolve()
        .then(() => {
          if (!handler) throw new AppError('UPSTREAM_UNAVAILABLE', 'not faked');
          return handler(request, metadata);
        })
        .then(
          (response) => callback(null, response),
          (error: unknown) => {
            const status = toGrpcStatus(error);
            callback(Object.assign(new Error(status.details ?? ''), status));
          },
        );
    };
  // Every other method of the services is down (fakeUpstreams).
  const { handlers } = fake;
  return {
    complaints: {
      listCategories: grpcMethod('listCategories', handlers.listCategories),
      getCategory: grpcMethod('getCategory', handlers.getCategory),
      getComplaint: grpcMethod('getComplaint', handlers.getComplaint),
      listComplaints: grpcMethod('listComplaints', handlers.listComplaints),
      submitComplaint: grpcMethod('submitComplaint', handlers.submitComplaint),
    },
    identity: { listAgencies: grpcMethod('listAgencies', handlers.listAgencies) },
  };
}

const submittedAt = new Date('2026-11-20T03:00:00.000Z');

function aComplaint(overrides: Partial<complaintsV1.Complaint> = {}): complaintsV1.Complaint {
  return complaintsV1.Complaint.fromPartial({
    id: 'c-1',
    tenantId: '36.73',
    categoryCode: 'roads.pothole',
    description: 'Lubang besar di Jalan Ahmad Yani',
    latitude: -6.12,
    longitude: 106.15,
    status: 'submitted',
    version: 1,
    submittedAt,
    updatedAt: submittedAt,
    slaDueAt: new Date('2026-11-23T03:00:00.000Z'),
    view: 'public',
    address: 'Jl. Ahmad Yani 5',
    mediaUrls: ['https://img.example/1.jpg'],
    agencyId: 'dpupr',
    ...overrides,
  });
}

const categories = complaintsV1.ListCategoriesResponse.fromPartial({
  categories: [
    { code: 'roads.pothole', nameId: 'Jalan berlubang', nameEn: 'Pothole', attributes: [] },
    { code: 'waste.illegal-dumping', nameId: 'Pembuangan sampah liar', nameEn: 'Illegal dumping' },
  ],
});

const apiKey = Buffer.from('partner-1:partner-secret').toString('base64url');
const partnerForm = {
  api_key: apiKey,
  jurisdiction_id: 'serangkota.go.id',
  service_code: 'roads.pothole',
  lat: '-6.1201',
  long: '106.1502',
  address_string: 'Jl. Ahmad Yani 5, Serang',
  description: 'Lubang besar di depan pasar, berbahaya bagi motor',
  media_url: 'https://img.example/partner.jpg',
  email: 'warga@example.id',
  first_name: 'Siti',
  last_name: 'Aminah',
  phone: '+62 812 3456 7890',
  device_id: 'device-9',
  account_id: 'acct-42',
  'attribute[road_type]': 'city',
  'attribute[severity]': 'high',
};

let key: SigningKey;
let partnerToken: string;
let app: FastifyInstance;
let fake: FakeComplaints;
let tokenEndpoint: ReturnType<typeof vi.fn>;

beforeAll(async () => {
  key = await newSigningKey('open311-key');
  partnerToken = await accessToken(key, {
    roles: ['open311_partner'],
    tenantId: '36.73',
    subject: 'partner-1',
    extra: { client_id: 'partner-1' },
  });
});

async function start(handlers: FakeComplaints['handlers'] = {}) {
  fake = { handlers: { listCategories: () => categories, ...handlers }, calls: [] };
  tokenEndpoint = vi.fn(async (_url: unknown, init?: RequestInit) => {
    const basic = String((init?.headers as Record<string, string> | undefined)?.authorization);
    const valid = basic === `Basic ${Buffer.from('partner-1:partner-secret').toString('base64')}`;
    return new Response(
      JSON.stringify(
        valid ? { access_token: partnerToken, token_type: 'Bearer', expires_in: 300 } : { error: 'invalid_client' },
      ),
      { status: valid ? 200 : 401, headers: { 'content-type': 'application/json' } },
    );
  });
  app = await testGateway(
    [key],
    {
      PUBLIC_URL: 'https://api.balai.example',
      OPEN311_JURISDICTIONS: 'serangkota.go.id=36.73,tangerangkota.go.id=36.71',
    },
    { upstreams: fakeUpstreams(fake), open311Fetch: tokenEndpoint as unknown as typeof fetch },
  );
  await app.ready();
  return app;
}

afterEach(() => app?.close());

const xmlParser = new XMLParser({ isArray: (name) => ['request', 'error', 'request_update'].includes(name) });

function post(format: 'json' | 'xml', form: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString(),
  });
}

function without(form: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([name]) => !names.includes(name)));
}

/** The same error array in JSON and, on the .xml path, in XML. */
async function expectErrorsBoth(
  call: (format: 'json' | 'xml') => Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>,
  status: number,
  descriptions: RegExp[],
) {
  const json = await call('json');
  expect(json.statusCode).toBe(status);
  expect(json.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(json.body)).toEqual(
    descriptions.map((description) => ({ code: status, description: expect.stringMatching(description) })),
  );
  const xml = await call('xml');
  expect(xml.statusCode).toBe(status);
  expect(xml.headers['content-type']).toMatch(/^text\/xml/);
  const errors = xmlParser.parse(xml.body).errors.error as Array<{ code: number; description: string }>;
  expect(errors.map((error) => error.code)).toEqual(descriptions.map(() => status));
  descriptions.forEach((description, index) => {
    expect(errors[index]?.description).toMatch(description);
  });
}

const submitted = () => ({ complaint: aComplaint({ id: 'c-new' }), created: true, nearbyOpen: [] });

describe('POST /open311/v2/requests', () => {
  it('should file the form as the partner, in its tenant, with attributes and the reporter contact', async () => {
    await start({ submitComplaint: submitted });
    const response = await post('json', partnerForm, { 'idempotency-key': 'partner-req-77' });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual([{ service_request_id: 'c-new', account_id: 'acct-42' }]);

    const call = fake.calls.find((each) => each.method === 'submitComplaint');
    expect(call?.request).toEqual(
      complaintsV1.SubmitComplaintRequest.fromPartial({
        categoryCode: 'roads.pothole',
        description: 'Lubang besar di depan pasar, berbahaya bagi motor',
        latitude: -6.1201,
        longitude: 106.1502,
        attributes: [
          { code: 'road_type', values: ['city'] },
          { code: 'severity', values: ['high'] },
        ],
        address: 'Jl. Ahmad Yani 5, Serang',
        mediaUrls: ['https://img.example/partner.jpg'],
        idempotencyKey: 'partner-req-77',
        reporterContact: {
          email: 'warga@example.id',
          firstName: 'Siti',
          lastName: 'Aminah',
          phone: '+62 812 3456 7890',
          deviceId: 'device-9',
          accountId: 'acct-42',
        },
      }),
    );
    expect(call?.metadata.get('x-balai-tenant')).toEqual(['36.73']);
    expect(call?.metadata.get('x-balai-subject')).toEqual(['partner-1']);
    expect(call?.metadata.get('x-balai-roles')).toEqual(['open311_partner']);
  });

  it('should answer in XML as the specification shows, and take a multivaluelist as attribute[code][]', async () => {
    await start({ submitComplaint: submitted });
    const form = new URLSearchParams(without(partnerForm, 'account_id'));
    form.append('attribute[hazards][]', 'traffic');
    form.append('attribute[hazards][]', 'flooding');
    const response = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.xml',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      payload: form.toString(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(response.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><service_requests><request><service_request_id>c-new</service_request_id>' +
        '<service_notice/><account_id/></request></service_requests>',
    );
    const request = fake.calls.find((each) => each.method === 'submitComplaint')?.request;
    expect(request?.attributes).toContainEqual({ code: 'hazards', values: ['traffic', 'flooding'] });
  });

  it('should take the jurisdiction from the api_key when none is sent, and accept a flat JSON body', async () => {
    await start({ submitComplaint: submitted });
    const response = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: without(partnerForm, 'jurisdiction_id'),
    });
    expect(response.statusCode).toBe(200);
    expect(fake.calls.find((each) => each.method === 'submitComplaint')?.metadata.get('x-balai-tenant')).toEqual([
      '36.73',
    ]);
  });

  it('should exchange an api_key once and answer later requests from the cache', async () => {
    await start({ submitComplaint: submitted });
    await post('json', partnerForm);
    await post('json', partnerForm);
    expect(tokenEndpoint).toHaveBeenCalledOnce();
  });

  it.each([
    ['service_code is missing', without(partnerForm, 'service_code'), [/^service_code is required$/]],
    [
      'there is no location',
      without(partnerForm, 'lat', 'long', 'address_string'),
      [/^A location is required: lat and long, address_string or address_id$/],
    ],
    ['only an address is given', without(partnerForm, 'lat', 'long'), [/^lat and long are required/]],
    ['lat is out of range', { ...partnerForm, lat: '91' }, [/^lat must be/]],
    ['long is not a number', { ...partnerForm, long: 'east' }, [/^long must be/]],
    ['half a coordinate is sent', without(partnerForm, 'long'), [/^lat and long must be sent together$/]],
    ['the description is missing', without(partnerForm, 'description'), [/^description is required$/]],
    ['the description is too short', { ...partnerForm, description: 'Lubang' }, [/^description must be at least 10/]],
    [
      'media_url is not https',
      { ...partnerForm, media_url: 'http://img.example/a.jpg' },
      [/^media_url must be an https URL$/],
    ],
    ['email is not an address', { ...partnerForm, email: 'warga' }, [/^email is not valid$/]],
  ])('should answer 400 naming the field when %s, without calling upstream', async (_name, form, errors) => {
    await start({ submitComplaint: submitted });
    await expectErrorsBoth((format) => post(format, form), 400, errors);
    expect(fake.calls.filter((each) => each.method === 'submitComplaint')).toEqual([]);
    expect(tokenEndpoint).not.toHaveBeenCalled();
  });

  it('should answer 400 for an Idempotency-Key that is not visible ASCII', async () => {
    await start({ submitComplaint: submitted });
    await expectErrorsBoth((format) => post(format, partnerForm, { 'idempotency-key': 'x'.repeat(201) }), 400, [
      /^Idempotency-Key must be/,
    ]);
  });

  it('should answer 403 without an api_key, and 403 "Invalid api_key" for a key identity refuses', async () => {
    await start({ submitComplaint: submitted });
    await expectErrorsBoth((format) => post(format, without(partnerForm, 'api_key')), 403, [/^api_key is required$/]);
    const forged = Buffer.from('partner-1:wrong-secret').toString('base64url');
    await expectErrorsBoth((format) => post(format, { ...partnerForm, api_key: forged }), 403, [/^Invalid api_key$/]);
    await expectErrorsBoth((format) => post(format, { ...partnerForm, api_key: 'not a key' }), 403, [
      /^Invalid api_key$/,
    ]);
    expect(fake.calls.filter((each) => each.method === 'submitComplaint')).toEqual([]);
  });

  it("should answer 403 for a jurisdiction other than the key's tenant and 404 for an unknown one", async () => {
    await start({ submitComplaint: submitted });
    await expectErrorsBoth((format) => post(format, { ...partnerForm, jurisdiction_id: 'tangerangkota.go.id' }), 403, [
      /^The api_key is not valid for jurisdiction_id tangerangkota\.go\.id$/,
    ]);
    await expectErrorsBoth((format) => post(format, { ...partnerForm, jurisdiction_id: 'bandung.go.id' }), 404, [
      /^jurisdiction_id provided was not found$/,
    ]);
    expect(fake.calls.filter((each) => each.method === 'submitComplaint')).toEqual([]);
  });

  it("should answer 400 'service_code provided was not found' and name attribute fields from the service's refusal", async () => {
    await start({
      submitComplaint: (request: complaintsV1.SubmitComplaintRequest) => {
        if (request.categoryCode === 'roads.sinkhole') {
          throw new AppError('VALIDATION_FAILED', 'The complaint is not valid', [
            { field: '/categoryCode', message: "is not in the tenant's service catalogue" },
          ]);
        }
        throw new AppError('VALIDATION_FAILED', 'The complaint is not valid', [
          { field: '/attributes/road_type', message: 'must be one of city, provincial, village' },
          { field: '/reporterContact/firstName', message: 'must be at most 100 characters' },
        ]);
      },
    });
    await expectErrorsBoth((format) => post(format, { ...partnerForm, service_code: 'roads.sinkhole' }), 400, [
      /^service_code provided was not found$/,
    ]);
    await expectErrorsBoth((format) => post(format, partnerForm), 400, [
      /^attribute\[road_type\] must be one of city, provincial, village$/,
      /^first_name must be at most 100 characters$/,
    ]);
  });

  it('should answer 503 in Open311 form when identity cannot be reached', async () => {
    await start({ submitComplaint: submitted });
    tokenEndpoint.mockRejectedValue(new TypeError('fetch failed'));
    await expectErrorsBoth((format) => post(format, partnerForm), 503, [/temporarily unavailable/]);
  });

  it('should refuse a nested JSON body with an Open311 400', async () => {
    await start({ submitComplaint: submitted });
    const response = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: { ...partnerForm, service_code: { $ne: '' } },
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual([{ code: 400, description: 'service_code must be a plain value' }]);
  });
});

describe('GET /open311/v2/requests', () => {
  const resolved = aComplaint({
    id: 'c-2',
    status: 'resolved',
    resolutionNote: 'Sudah ditambal',
    updatedAt: new Date('2026-11-21T03:00:00.000Z'),
    mediaUrls: [],
    address: '',
  });

  it('should map the filters to ListComplaints and the complaints to public service requests', async () => {
    await start({ listComplaints: () => ({ complaints: [aComplaint(), resolved], nextPageToken: '' }) });
    const response = await app.inject({
      method: 'GET',
      url:
        '/open311/v2/requests.json?jurisdiction_id=36.73&service_code=roads.pothole,waste.illegal-dumping' +
        '&status=open&start_date=2026-11-01T00:00:00Z&end_date=2026-11-28T00:00:00Z&page=2&page_size=50',
    });
    expect(response.statusCode).toBe(200);
    const list = fake.calls.find((each) => each.method === 'listComplaints');
    expect(list?.request).toMatchObject({
      categoryCodes: ['roads.pothole', 'waste.illegal-dumping'],
      statuses: ['submitted', 'in_progress'],
      submittedFrom: new Date('2026-11-01T00:00:00Z'),
      submittedBefore: new Date('2026-11-28T00:00:00.001Z'),
      order: 'newest',
      page: 2,
      pageSize: 50,
      includeTimeline: false,
      mine: false,
    });
    expect(list?.metadata.get('x-balai-roles')).toEqual([]);
    expect(JSON.parse(response.body)).toEqual([
      {
        service_request_id: 'c-1',
        status: 'open',
        status_notes: null,
        service_name: 'Jalan berlubang',
        service_code: 'roads.pothole',
        description: 'Lubang besar di Jalan Ahmad Yani',
        agency_responsible: 'dpupr',
        service_notice: null,
        requested_datetime: '2026-11-20T10:00:00+07:00',
        updated_datetime: '2026-11-20T10:00:00+07:00',
        expected_datetime: '2026-11-23T10:00:00+07:00',
        address: 'Jl. Ahmad Yani 5',
        address_id: null,
        zipcode: null,
        lat: -6.12,
        long: 106.15,
        media_url: 'https://img.example/1.jpg',
      },
      expect.objectContaining({
        service_request_id: 'c-2',
        status: 'closed',
        status_notes: 'Sudah ditambal',
        address: null,
        media_url: null,
      }),
    ]);
  });

  it('should read status=closed as every finished state, and both as no status filter', async () => {
    await start({ listComplaints: () => ({ complaints: [], nextPageToken: '' }) });
    await app.inject({ method: 'GET', url: '/open311/v2/requests.json?jurisdiction_id=36.73&status=closed' });
    await app.inject({ method: 'GET', url: '/open311/v2/requests.json?jurisdiction_id=36.73&status=open,closed' });
    const [closed, both] = fake.calls.filter((each) => each.method === 'listComplaints');
    expect(closed?.request.statuses).toEqual(['resolved', 'closed', 'rejected', 'duplicate', 'cancelled']);
    expect(both?.request.statuses).toHaveLength(7);
  });

  it('should let service_request_id override every other parameter', async () => {
    await start({ listComplaints: () => ({ complaints: [resolved], nextPageToken: '' }) });
    const response = await app.inject({
      method: 'GET',
      url: '/open311/v2/requests.json?jurisdiction_id=36.73&service_request_id=c-2,c-9&status=open&page=3',
    });
    expect(response.statusCode).toBe(200);
    const list = fake.calls.find((each) => each.method === 'listComplaints');
    expect(list?.request).toMatchObject({ complaintIds: ['c-2', 'c-9'], statuses: [], page: 1, pageSize: 2 });
    expect(JSON.parse(response.body)).toHaveLength(1);
  });

  it('should serve a page of 1000 (the default) from pages of 100, stopping at the last', async () => {
    const hundred = Array.from({ length: 100 }, (_, index) => aComplaint({ id: `c-${index}` }));
    await start({
      listComplaints: (request: complaintsV1.ListComplaintsRequest) =>
        request.page < 3
          ? { complaints: hundred, nextPageToken: 'more' }
          : { complaints: hundred.slice(0, 7), nextPageToken: '' },
    });
    const response = await app.inject({ method: 'GET', url: '/open311/v2/requests.json?jurisdiction_id=36.73' });
    expect(JSON.parse(response.body)).toHaveLength(207);
    const pages = fake.calls.filter((each) => each.method === 'listComplaints').map((each) => each.request);
    expect(pages.map((page) => [page.page, page.pageSize])).toEqual([
      [1, 100],
      [2, 100],
      [3, 100],
    ]);
  });

  it('should cut an Open311 page that does not fall on upstream pages', async () => {
    const page = (number: number) =>
      Array.from({ length: 100 }, (_, index) => aComplaint({ id: `c-${(number - 1) * 100 + index}` }));
    await start({
      listComplaints: (request: complaintsV1.ListComplaintsRequest) => ({
        complaints: page(request.page),
        nextPageToken: 'more',
      }),
    });
    const response = await app.inject({
      method: 'GET',
      url: '/open311/v2/requests.json?jurisdiction_id=36.73&page=2&page_size=150',
    });
    const ids = (JSON.parse(response.body) as Array<{ service_request_id: string }>).map(
      (each) => each.service_request_id,
    );
    expect(ids).toHaveLength(150);
    expect(ids[0]).toBe('c-150');
    expect(ids.at(-1)).toBe('c-299');
  });

  it('should answer the same requests in XML', async () => {
    await start({ listComplaints: () => ({ complaints: [aComplaint(), resolved], nextPageToken: '' }) });
    const response = await app.inject({ method: 'GET', url: '/open311/v2/requests.xml?jurisdiction_id=36.73' });
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    const requests = xmlParser.parse(response.body).service_requests.request as Array<Record<string, unknown>>;
    expect(requests.map((request) => [request.service_request_id, request.status, request.service_name])).toEqual([
      ['c-1', 'open', 'Jalan berlubang'],
      ['c-2', 'closed', 'Jalan berlubang'],
    ]);
    expect(requests[1]?.status_notes).toBe('Sudah ditambal');
  });

  it.each([
    ['start_date=yesterday', /^start_date must be a W3C datetime/],
    ['end_date=2026-11-28T10:00', /^end_date must be a W3C datetime/],
    ['start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z', /may not span more than 90 days/],
    ['start_date=2026-11-10T00:00:00Z&end_date=2026-11-01T00:00:00Z', /^end_date is before start_date$/],
    ['status=pending', /^status must be open, closed or both/],
    ['page=0', /^page must be a whole number/],
    ['page_size=1001', /^page_size must be a whole number from 1 to 1000$/],
    ['service_code=$ne', /^service_code "\$ne" is not valid$/],
  ])('should answer 400 for %s', async (query, description) => {
    await start({ listComplaints: () => ({ complaints: [], nextPageToken: '' }) });
    await expectErrorsBoth(
      (format) => app.inject({ method: 'GET', url: `/open311/v2/requests.${format}?jurisdiction_id=36.73&${query}` }),
      400,
      [description],
    );
    expect(fake.calls.filter((each) => each.method === 'listComplaints')).toEqual([]);
  });

  it('should answer 400 without a jurisdiction and 404 for an unknown one', async () => {
    await start();
    await expectErrorsBoth((format) => app.inject({ method: 'GET', url: `/open311/v2/requests.${format}` }), 400, [
      /^jurisdiction_id is required$/,
    ]);
    await expectErrorsBoth(
      (format) => app.inject({ method: 'GET', url: `/open311/v2/requests.${format}?jurisdiction_id=bandung.go.id` }),
      404,
      [/^jurisdiction_id provided was not found$/],
    );
  });
});

describe('GET /open311/v2/requests/{id} and tokens/{token}', () => {
  const getComplaint = (request: complaintsV1.GetComplaintRequest) => {
    if (request.complaintId !== 'c-1') throw new AppError('COMPLAINT_NOT_FOUND');
    return { complaint: aComplaint() };
  };

  it("should name the responsible agency from identity's directory, else by its id", async () => {
    await start({
      getComplaint,
      listAgencies: () => ({
        agencies: [
          { id: 'dpupr', tenantId: '36.73', name: 'Dinas Pekerjaan Umum dan Penataan Ruang', shortName: 'Dinas PUPR' },
        ],
      }),
    });
    const named = await app.inject({ method: 'GET', url: '/open311/v2/requests/c-1.json?jurisdiction_id=36.73' });
    expect(JSON.parse(named.body)[0].agency_responsible).toBe('Dinas Pekerjaan Umum dan Penataan Ruang');
    await app.close();
    await start({ getComplaint });
    const unnamed = await app.inject({ method: 'GET', url: '/open311/v2/requests/c-1.json?jurisdiction_id=36.73' });
    expect(unnamed.statusCode).toBe(200);
    expect(JSON.parse(unnamed.body)[0].agency_responsible).toBe('dpupr');
  });

  it('should answer one request as a list of one, in JSON and XML, as anyone sees it', async () => {
    await start({ getComplaint });
    const staffToken = await accessToken(key, { roles: ['officer'], tenantId: '36.73', agencyId: 'dpupr' });
    const json = await app.inject({
      method: 'GET',
      url: '/open311/v2/requests/c-1.json?jurisdiction_id=serangkota.go.id&locale=en',
      headers: { authorization: `Bearer ${staffToken}` },
    });
    expect(json.statusCode).toBe(200);
    expect(JSON.parse(json.body)).toEqual([
      expect.objectContaining({ service_request_id: 'c-1', status: 'open', service_name: 'Pothole' }),
    ]);
    // Even a staff token gets the public view upstream: Open311 is a public surface.
    const call = fake.calls.find((each) => each.method === 'getComplaint');
    expect(call?.metadata.get('x-balai-roles')).toEqual([]);
    expect(call?.metadata.get('x-balai-subject')).toEqual([]);

    const xml = await app.inject({ method: 'GET', url: '/open311/v2/requests/c-1.xml?jurisdiction_id=36.73' });
    expect(xml.statusCode).toBe(200);
    const requests = xmlParser.parse(xml.body).service_requests.request as Array<Record<string, unknown>>;
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ service_request_id: 'c-1', status: 'open', lat: -6.12, long: 106.15 });
  });

  it('should answer 404 for an unknown or malformed id, and for another format', async () => {
    await start({ getComplaint });
    await expectErrorsBoth(
      (format) => app.inject({ method: 'GET', url: `/open311/v2/requests/c-404.${format}?jurisdiction_id=36.73` }),
      404,
      [/^service_request_id provided was not found$/],
    );
    await expectErrorsBoth(
      (format) => app.inject({ method: 'GET', url: `/open311/v2/requests/%24where.${format}?jurisdiction_id=36.73` }),
      404,
      [/^service_request_id provided was not found$/],
    );
    expect(fake.calls.filter((each) => each.method === 'getComplaint')).toHaveLength(2);
    const html = await app.inject({ method: 'GET', url: '/open311/v2/requests/c-1.html?jurisdiction_id=36.73' });
    expect(html.statusCode).toBe(404);
  });

  it("should resolve a token (a request's id) to its service request, and answer 404 for an unknown one", async () => {
    await start({ getComplaint });
    const json = await app.inject({ method: 'GET', url: '/open311/v2/tokens/c-1.json?jurisdiction_id=36.73' });
    expect(JSON.parse(json.body)).toEqual([{ service_request_id: 'c-1', token: 'c-1' }]);
    const xml = await app.inject({ method: 'GET', url: '/open311/v2/tokens/c-1.xml?jurisdiction_id=36.73' });
    expect(xml.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><service_requests><request><service_request_id>c-1</service_request_id>' +
        '<token>c-1</token></request></service_requests>',
    );
    await expectErrorsBoth(
      (format) => app.inject({ method: 'GET', url: `/open311/v2/tokens/c-404.${format}?jurisdiction_id=36.73` }),
      404,
      [/^token provided was not found$/],
    );
  });
});

describe('GET /open311/v2/servicerequestupdates', () => {
  const at = (iso: string) => new Date(iso);
  const entry = (overrides: Partial<complaintsV1.TimelineEntry>) =>
    complaintsV1.TimelineEntry.fromPartial({ visibility: 'public', actorRole: 'officer', ...overrides });
  const withTimeline = aComplaint({
    status: 'resolved',
    timeline: [
      entry({ id: 'e-0', action: 'submit', at: at('2026-11-25T01:00:00Z'), toStatus: 'submitted' }),
      entry({
        id: 'e-1',
        action: 'assign',
        at: at('2026-11-25T02:00:00Z'),
        fromStatus: 'submitted',
        toStatus: 'in_progress',
      }),
      entry({ id: 'e-2', action: 'comment', at: at('2026-11-25T03:00:00Z'), visibility: 'internal', note: 'rahasia' }),
      entry({
        id: 'e-3',
        action: 'resolve',
        at: at('2026-11-25T04:00:00Z'),
        fromStatus: 'in_progress',
        toStatus: 'resolved',
        note: 'Sudah ditambal',
      }),
      entry({ id: 'e-4', action: 'comment', at: at('2026-11-27T04:00:00Z'), note: 'Terima kasih' }),
    ],
  });

  it('should list the public changes in the window, oldest first, in FixMyStreet states', async () => {
    await start({ listComplaints: () => ({ complaints: [withTimeline], nextPageToken: '' }) });
    const response = await app.inject({
      method: 'GET',
      url: '/open311/v2/servicerequestupdates.json?jurisdiction_id=36.73&start_date=2026-11-25T00:00:00Z&end_date=2026-11-26T00:00:00Z',
    });
    expect(response.statusCode).toBe(200);
    expect(fake.calls.find((each) => each.method === 'listComplaints')?.request).toMatchObject({
      updatedFrom: at('2026-11-25T00:00:00Z'),
      order: 'updated',
      includeTimeline: true,
      pageSize: 100,
    });
    expect(JSON.parse(response.body)).toEqual([
      {
        update_id: 'e-1',
        service_request_id: 'c-1',
        status: 'in_progress',
        updated_datetime: '2026-11-25T09:00:00+07:00',
        description: null,
        media_url: null,
        external_status_code: 'in_progress',
      },
      {
        update_id: 'e-3',
        service_request_id: 'c-1',
        status: 'fixed',
        updated_datetime: '2026-11-25T11:00:00+07:00',
        description: 'Sudah ditambal',
        media_url: null,
        external_status_code: 'resolved',
      },
    ]);
    expect(response.body).not.toContain('rahasia');

    const xml = await app.inject({
      method: 'GET',
      url: '/open311/v2/servicerequestupdates.xml?jurisdiction_id=36.73&start_date=2026-11-25T00:00:00Z&end_date=2026-11-26T00:00:00Z',
    });
    const updates = xmlParser.parse(xml.body).service_requests_updates.request_update as Array<Record<string, unknown>>;
    expect(updates.map((update) => [update.update_id, update.status])).toEqual([
      ['e-1', 'in_progress'],
      ['e-3', 'fixed'],
    ]);
  });

  it('should follow ListComplaints pages, and refuse a window with more than 1000 changed requests', async () => {
    const hundred = Array.from({ length: 100 }, (_, index) => aComplaint({ id: `c-${index}` }));
    let pages = 2;
    await start({
      listComplaints: (request: complaintsV1.ListComplaintsRequest) => {
        const number = request.pageToken === '' ? 1 : Number(request.pageToken);
        return { complaints: hundred, nextPageToken: number < pages ? String(number + 1) : '' };
      },
    });
    const ok = await app.inject({ method: 'GET', url: '/open311/v2/servicerequestupdates.json?jurisdiction_id=36.73' });
    expect(ok.statusCode).toBe(200);
    expect(fake.calls.filter((each) => each.method === 'listComplaints').map((each) => each.request.pageToken)).toEqual(
      ['', '2'],
    );
    pages = 11;
    await expectErrorsBoth(
      (format) =>
        app.inject({ method: 'GET', url: `/open311/v2/servicerequestupdates.${format}?jurisdiction_id=36.73` }),
      400,
      [/^More than 1000 service requests changed since start_date/],
    );
  });

  it('should answer 400 for dates that are not W3C datetimes or a window over 90 days', async () => {
    await start({ listComplaints: () => ({ complaints: [], nextPageToken: '' }) });
    await expectErrorsBoth(
      (format) =>
        app.inject({
          method: 'GET',
          url: `/open311/v2/servicerequestupdates.${format}?jurisdiction_id=36.73&start_date=soon`,
        }),
      400,
      [/^start_date must be a W3C datetime/],
    );
    await expectErrorsBoth(
      (format) =>
        app.inject({
          method: 'GET',
          url: `/open311/v2/servicerequestupdates.${format}?jurisdiction_id=36.73&start_date=2026-01-01&end_date=2026-11-01`,
        }),
      400,
      [/may not span more than 90 days/],
    );
  });
});

describe('GET /open311/v2/discovery', () => {
  it('should publish the GeoReport v2 endpoint and the updates extension at the same URL', async () => {
    await start();
    const response = await app.inject({ method: 'GET', url: '/open311/v2/discovery.json' });
    const discovery = JSON.parse(response.body) as { endpoints: Array<{ specification: string; url: string }> };
    expect(discovery.endpoints.map((endpoint) => [endpoint.specification, endpoint.url])).toEqual([
      ['http://wiki.open311.org/GeoReport_v2', 'https://api.balai.example/open311/v2'],
      [
        'https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311',
        'https://api.balai.example/open311/v2',
      ],
    ]);
  });
});
