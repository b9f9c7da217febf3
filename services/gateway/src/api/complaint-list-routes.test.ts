import { complaintsV1 } from '@balai/contracts';
import { AppError } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeGrpcClient } from '../clients/upstreams.fixture.js';
import { accessToken, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

const { client: complaints, calls, answers } = fakeGrpcClient();

let key: SigningKey;
let app: FastifyInstance;
let officerToken: string;
let citizenToken: string;

beforeAll(async () => {
  key = await newSigningKey('complaint-list-routes-key');
  app = await testGateway([key], {}, { upstreams: { complaints } });
  officerToken = await accessToken(key, { roles: ['officer'], agencyId: 'dpupr', subject: 'officer-1' });
  citizenToken = await accessToken(key, { roles: ['citizen'], subject: 'citizen-1' });
});

afterAll(() => app?.close());

beforeEach(() => {
  calls.length = 0;
  answers.clear();
});

const at = new Date('2026-11-29T08:00:00.000Z');
const aComplaint = (id: string) =>
  complaintsV1.Complaint.fromPartial({
    id,
    tenantId: '36.73',
    categoryCode: 'roads.pothole',
    description: 'Lubang besar di Jalan Ahmad Yani',
    status: 'submitted',
    version: 1,
    view: 'public',
    submittedAt: at,
    updatedAt: at,
    slaDueAt: at,
  });

function get(url: string, token?: string) {
  return app.inject({
    method: 'GET',
    url,
    headers: { 'x-balai-tenant': '36.73', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

describe('GET /v1/complaints', () => {
  it('should pass the filters on, lists comma-separated or repeated, in the tenant of the token', async () => {
    answers.set('listComplaints', { complaints: [aComplaint('c-1')], nextPageToken: 'next-1' });
    const response = await get(
      '/v1/complaints?status=submitted,in_progress&status=resolved&category=roads.pothole&assignee=me' +
        '&overdue=true&agencyId=dpupr&order=newest&pageSize=5&pageToken=abc_-1&submittedFrom=2026-11-01T00:00:00Z',
      officerToken,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ items: [{ id: 'c-1', view: 'public' }], nextPageToken: 'next-1' });
    // List items are summaries: the timeline is the single complaint's.
    expect(response.json().items[0]).not.toHaveProperty('timeline');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('listComplaints');
    expect(calls[0]?.request).toMatchObject({
      statuses: ['submitted', 'in_progress', 'resolved'],
      categoryCodes: ['roads.pothole'],
      assignee: 'me',
      overdueOnly: true,
      agencyId: 'dpupr',
      order: 'newest',
      pageSize: 5,
      pageToken: 'abc_-1',
      submittedFrom: new Date('2026-11-01T00:00:00Z'),
      includeTimeline: false,
      mine: false,
    });
    expect(calls[0]?.context).toMatchObject({ tenantId: '36.73', subject: 'officer-1', roles: ['officer'] });
  });

  it('should answer null as the token of the last page', async () => {
    answers.set('listComplaints', { complaints: [], nextPageToken: '' });
    const response = await get('/v1/complaints?mine=true', citizenToken);
    expect(response.json()).toEqual({ items: [], nextPageToken: null });
    expect(calls[0]?.request).toMatchObject({ mine: true });
  });

  it('should refuse an anonymous caller and a malformed query without calling the service', async () => {
    expect((await get('/v1/complaints')).statusCode).toBe(401);
    const bad = await get('/v1/complaints?order=oldest&pageSize=500&status=OPEN', officerToken);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const typo = await get('/v1/complaints?status=submitted,resolvd', officerToken);
    expect(typo.statusCode).toBe(400);
    expect(typo.json().errors).toEqual([expect.objectContaining({ in: 'query', field: '/status/1' })]);
    expect(calls).toHaveLength(0);
  });

  it("should name the query parameter in the service's validation details", async () => {
    answers.set(
      'listComplaints',
      new AppError('VALIDATION_FAILED', 'The list request is not valid', [
        { field: '/statuses', message: 'must each be one of ...' },
        { field: '/pageToken', message: 'belongs to a list with other filters or another order' },
      ]),
    );
    const response = await get('/v1/complaints?status=submitted', officerToken);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { field: string; in: string }) => [error.in, error.field])).toEqual([
      ['query', '/status'],
      ['query', '/pageToken'],
    ]);
  });

  it("should pass on the service's refusal of the assignee filter to a citizen as 403", async () => {
    answers.set('listComplaints', new AppError('FORBIDDEN', 'Only staff of the tenant may filter by assignee'));
    const response = await get('/v1/complaints?assignee=none', citizenToken);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('FORBIDDEN');
  });
});

describe('GET /v1/complaints/nearby', () => {
  it('should answer anyone with the nearby complaints and their distances', async () => {
    answers.set('findNearbyComplaints', { complaints: [{ complaint: aComplaint('c-2'), distanceMeters: 42.5 }] });
    const response = await get('/v1/complaints/nearby?categoryCode=roads.pothole&latitude=-6.12&longitude=106.15');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ items: [{ distanceMeters: 42.5, complaint: { id: 'c-2' } }] });
    expect(calls[0]).toMatchObject({
      method: 'findNearbyComplaints',
      request: { categoryCode: 'roads.pothole', latitude: -6.12, longitude: 106.15 },
      context: { tenantId: '36.73', roles: [] },
    });
  });

  it('should refuse a point off the globe', async () => {
    const response = await get('/v1/complaints/nearby?categoryCode=roads.pothole&latitude=91&longitude=106');
    expect(response.statusCode).toBe(400);
    expect(calls).toHaveLength(0);
  });
});

describe('POST /v1/complaints', () => {
  it('should answer the filed complaint with the open complaints nearby', async () => {
    answers.set('submitComplaint', { complaint: aComplaint('c-new'), created: true, nearbyOpen: [aComplaint('c-1')] });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: { authorization: `Bearer ${citizenToken}`, 'content-type': 'application/json' },
      payload: {
        categoryCode: 'roads.pothole',
        description: 'Lubang besar di Jalan Ahmad Yani',
        latitude: -6.12,
        longitude: 106.15,
      },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ id: 'c-new', nearbyOpen: [{ id: 'c-1', view: 'public' }] });
  });
});

describe('the OpenAPI document', () => {
  it('should describe the list and nearby routes and the nearby complaints of a submission', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(
      document.paths['/v1/complaints'].get.parameters.map((parameter: { name: string }) => parameter.name),
    ).toEqual(expect.arrayContaining(['status', 'assignee', 'pageToken', 'mine']));
    expect(document.paths['/v1/complaints/nearby'].get.summary).toContain('near a point');
    expect(JSON.stringify(document.paths['/v1/complaints'].post.responses['201'])).toContain('nearbyOpen');
  });
});
