import { complaintsV1 } from '@balai/contracts';
import { staleVersion } from '@balai/platform';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeGrpcClient } from '../clients/upstreams.fixture.js';
import { accessToken, newSigningKey, type SigningKey, testGateway } from './test-gateway.fixture.js';

const { client: complaints, calls, answers } = fakeGrpcClient();

let key: SigningKey;
let app: FastifyInstance;
let officerToken: string;

beforeAll(async () => {
  key = await newSigningKey('complaint-routes-key');
  app = await testGateway([key], {}, { upstreams: { complaints } });
  officerToken = await accessToken(key, { roles: ['officer'], agencyId: 'dpupr', subject: 'officer-1' });
});

afterAll(() => app?.close());

beforeEach(() => {
  calls.length = 0;
  answers.clear();
});

const at = new Date('2026-11-29T08:00:00.000Z');
const aComplaint = (version: number, allowedActions: string[] = []) => ({
  complaint: complaintsV1.Complaint.fromPartial({
    id: 'c-1',
    tenantId: '36.73',
    categoryCode: 'roads.pothole',
    description: 'Lubang besar di Jalan Ahmad Yani',
    status: 'in_progress',
    version,
    view: 'staff',
    submittedAt: at,
    updatedAt: at,
    slaDueAt: at,
    allowedActions,
  }),
});

function comment(headers: Record<string, string>, body: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: '/v1/complaints/c-1/comments',
    headers: { 'x-balai-tenant': '36.73', authorization: `Bearer ${officerToken}`, ...headers },
    payload: { text: 'Sedang dikerjakan', visibility: 'internal', ...body },
  });
}

describe('complaint ETag and If-Match', () => {
  it('should answer a complaint with its version as a strong ETag and its allowed actions', async () => {
    answers.set('getComplaint', aComplaint(7, ['comment', 'resolve', 'not_a_known_action']));
    const response = await app.inject({
      method: 'GET',
      url: '/v1/complaints/c-1',
      headers: { 'x-balai-tenant': '36.73', authorization: `Bearer ${officerToken}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"v7"');
    // An action this gateway does not know (a newer service's) is left out, not passed on.
    expect(response.json().allowedActions).toEqual(['comment', 'resolve']);
  });

  it('should take If-Match instead of expectedVersion and answer the new ETag', async () => {
    answers.set('commentOnComplaint', aComplaint(8));
    const response = await comment({ 'if-match': '"v7"' }, {});
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"v8"');
    expect(calls[0]?.request).toMatchObject({ complaintId: 'c-1', expectedVersion: 7 });
  });

  it('should take both when they name the same version, and refuse them when they differ', async () => {
    answers.set('commentOnComplaint', aComplaint(8));
    expect((await comment({ 'if-match': '"v7"' }, { expectedVersion: 7 })).statusCode).toBe(200);
    const conflicting = await comment({ 'if-match': '"v7"' }, { expectedVersion: 6 });
    expect(conflicting.statusCode).toBe(400);
    expect(conflicting.json()).toMatchObject({ code: 'IF_MATCH_CONFLICT' });
    expect(calls).toHaveLength(1);
  });

  it('should refuse a write without a version, and an If-Match that is not one strong ETag of ours', async () => {
    const missing = await comment({}, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: '/expectedVersion' }] });
    for (const ifMatch of ['*', 'W/"v7"', '"v7", "v8"', '"7"', 'v7', '"v0"', '"v99999999999"']) {
      const response = await comment({ 'if-match': ifMatch }, {});
      expect([ifMatch, response.statusCode, response.json().code]).toEqual([ifMatch, 400, 'INVALID_IF_MATCH']);
    }
    const english = await comment({ 'if-match': '*', 'accept-language': 'en' }, {});
    expect(english.json().detail).toBe('If-Match: * is not accepted: send the ETag you read');
    expect((await comment({ 'if-match': '*' }, {})).json().detail).toBe(
      'If-Match: * tidak diterima: kirim ETag yang Anda baca',
    );
    expect(calls).toHaveLength(0);
  });

  it('should answer a stale version as 409 with the current version in the problem and the ETag', async () => {
    answers.set('commentOnComplaint', staleVersion(9));
    const response = await comment({ 'if-match': '"v7"' }, {});
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers.etag).toBe('"v9"');
    expect(response.json()).toMatchObject({ code: 'STALE_VERSION', status: 409, currentVersion: 9 });
  });
});

describe('the OpenAPI document of complaint concurrency and actions', () => {
  it('should document If-Match on transitions, the ETag of a complaint and the allowedActions enum', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const comment = document.paths['/v1/complaints/{id}/comments'].post;
    expect(comment.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'if-match' }));
    expect(comment.responses['200'].headers).toHaveProperty('etag');
    expect(document.paths['/v1/complaints/{id}'].get.responses['200'].headers).toHaveProperty('etag');
    const actions = JSON.stringify(document.components.schemas.Complaint.properties.allowedActions);
    for (const name of ['assign', 'request_reassignment', 'rate', 'mark_duplicate']) {
      expect(actions).toContain(`"${name}"`);
    }
    expect(document.components.schemas.ComplaintSummary.properties).not.toHaveProperty('timeline');
  });
});
