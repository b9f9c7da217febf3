import { ok, type RequestBody, type ResponseBody, type Schema } from '@balai/client';
import { eventually, infrastructureEndpoints, readTopicRecords, testNamespace } from '@balai/testkit';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiStack,
  apiClient,
  callApi,
  signInNewCitizen,
  signInNewStaff,
  startApiStack,
  type TestIdentity,
} from './helpers.js';

/*
 * A complaint's life through the gateway with real sign-ins: a citizen of Kota Serang files it,
 * an officer of Dinas PUPR (the category's agency) assigns and resolves it, the citizen rates
 * it, and the analytics summary follows it to closed. Idempotent retries answer 200 with the
 * first complaint (201 only when created).
 */

const ns = testNamespace(import.meta.filename);
const tenant = '36.73';

let stack: ApiStack;
let identity: TestIdentity;
let gateway: ApiStack['gateway'];
const tokens: Record<'citizen' | 'officer' | 'otherAgencyOfficer' | 'otherTenantOfficer' | 'analyst', string> = {
  citizen: '',
  analyst: '',
  officer: '',
  otherAgencyOfficer: '',
  otherTenantOfficer: '',
};
let officerId = '';

beforeAll(async () => {
  stack = await startApiStack(ns);
  ({ identity, gateway } = stack);
  tokens.citizen = (await signInNewCitizen(gateway.url, identity, tenant)).accessToken;
  const officer = await signInNewStaff(gateway.url, identity, { roles: ['officer'], agencyId: 'dpupr' });
  tokens.officer = officer.accessToken;
  officerId = officer.userId;
  tokens.otherAgencyOfficer = (
    await signInNewStaff(gateway.url, identity, { roles: ['officer'], agencyId: 'dlh' })
  ).accessToken;
  tokens.otherTenantOfficer = (
    await signInNewStaff(gateway.url, identity, { tenant: '36.71', roles: ['officer'], agencyId: 'dpupr' })
  ).accessToken;
  tokens.analyst = (await signInNewStaff(gateway.url, identity, { roles: ['analyst'] })).accessToken;
});

afterAll(async () => {
  await stack?.stop();
});

/** A complaint as the API answers it (the client's type, from the OpenAPI document). */
type ComplaintJson = Schema<'Complaint'>;

function call(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return callApi(gateway.url, method, path, { token, body, tenant, headers });
}

const description = 'Lubang besar di Jalan Ahmad Yani depan pasar, berbahaya untuk motor';
const submission: RequestBody<'/v1/complaints', 'post'> = {
  categoryCode: 'roads.pothole',
  description,
  latitude: -6.1204,
  longitude: 106.1503,
  address: 'Jl. Ahmad Yani No. 12, Serang',
  attributes: [{ code: 'road_type', values: ['city'] }],
  mediaUrls: ['https://media.example/lubang-1.jpg'],
};

type SummaryJson = ResponseBody<'/v1/analytics/complaints/summary', 'get'>;

async function summary(): Promise<SummaryJson> {
  return ok(apiClient(gateway.url, { token: tokens.analyst }).GET('/v1/analytics/complaints/summary'));
}

function countOf(current: SummaryJson, status: string): number {
  return current.byStatus.find((row) => row.status === status)?.count ?? 0;
}

async function submit(key: string): Promise<ComplaintJson> {
  const { data, response } = await apiClient(gateway.url, { token: tokens.citizen }).POST('/v1/complaints', {
    params: { header: { 'idempotency-key': key } },
    body: submission,
  });
  expect(response.status).toBe(201);
  if (!data) throw new Error('a created complaint without a body');
  return data;
}

describe('the service catalogue', () => {
  it('should list the demo catalogue to anyone naming the tenant', async () => {
    const { items: categories } = await ok(apiClient(gateway.url, { tenant }).GET('/v1/complaint-categories'));
    expect(categories).toContainEqual(expect.objectContaining({ code: 'roads.pothole', agencyId: 'dpupr' }));
    expect(categories.map((category) => category.code)).toEqual(
      expect.arrayContaining(['drainage.flooding', 'waste.illegal-dumping', 'lighting.streetlight-out']),
    );
  });

  it('should refuse a category the tenant does not have', async () => {
    const response = await call('POST', '/v1/complaints', tokens.citizen, {
      ...submission,
      categoryCode: 'roads.nope',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: '/categoryCode' }] });
  });
});

describe('a complaint from submission to rating', () => {
  it('should be filed, assigned and resolved by the agency, rated by the citizen, and tell its story', async () => {
    const closedBefore = countOf(await summary(), 'closed');
    const created = await submit(`life-${Date.now()}`);
    expect(created).toMatchObject({ status: 'submitted', version: 1, agencyId: 'dpupr' });
    expect(Date.parse(created.slaDueAt) - Date.now()).toBeGreaterThan(71 * 3_600_000);

    const assigned = await call('POST', `/v1/complaints/${created.id}/assignment`, tokens.officer, {
      expectedVersion: 1,
      agencyId: 'dpupr',
      officerId,
    });
    expect(assigned.status).toBe(200);
    expect(await assigned.json()).toMatchObject({ status: 'in_progress', version: 2, view: 'staff' });

    const resolved = await call('POST', `/v1/complaints/${created.id}/resolution`, tokens.officer, {
      expectedVersion: 2,
      note: 'Lubang sudah ditambal dengan aspal baru',
    });
    expect(resolved.status).toBe(200);

    const rated = await call('POST', `/v1/complaints/${created.id}/rating`, tokens.citizen, {
      expectedVersion: 3,
      score: 5,
      outcome: 'fixed',
    });
    expect(rated.status).toBe(200);
    expect(await rated.json()).toMatchObject({
      status: 'closed',
      version: 4,
      rating: { score: 5, outcome: 'fixed' },
      // Closed: nothing can reopen it, so no date to show, and nothing left to do.
      reopenableUntil: null,
      allowedActions: [],
    });

    // The public (anonymous) view: the whole story, nobody's identity.
    const anonymous = apiClient(gateway.url, { tenant });
    const publicView = await ok(anonymous.GET('/v1/complaints/{id}', { params: { path: { id: created.id } } }));
    expect(publicView).toMatchObject({ view: 'public', reporterId: null, status: 'closed' });
    expect(publicView.timeline.map((entry) => [entry.action, entry.actorRole])).toEqual([
      ['submit', 'citizen'],
      ['assign', 'officer'],
      ['resolve', 'officer'],
      ['rate', 'citizen'],
    ]);
    expect(publicView.timeline.every((entry) => entry.actorId === null)).toBe(true);
    // The officer sees who did what.
    const staffView = await ok(
      apiClient(gateway.url, { token: tokens.officer }).GET('/v1/complaints/{id}', {
        params: { path: { id: created.id } },
      }),
    );
    const citizenId = decodeJwt(tokens.citizen).sub;
    expect(staffView).toMatchObject({ view: 'staff', reporterId: citizenId });
    expect(staffView.timeline[1]?.actorId).toBe(officerId);

    // Every transition is on the topic, in order, with ids and codes only.
    const topic = `${ns.topicPrefix}balai.complaints.v1`;
    const records = await eventually(
      async () => {
        const found = (await readTopicRecords({ brokers: infrastructureEndpoints().kafkaBrokers, topic })).filter(
          (record) => record.key === created.id,
        );
        return found.length >= 5 ? found : undefined;
      },
      { what: 'the complaint events on the topic' },
    );
    expect(records.map((record) => record.headers.ce_type)).toEqual([
      'id.balai.complaints.complaint.submitted.v1',
      'id.balai.complaints.complaint.assigned.v1',
      'id.balai.complaints.complaint.resolved.v1',
      'id.balai.complaints.complaint.rated.v1',
      'id.balai.complaints.complaint.closed.v1',
    ]);
    const values = records.map((record) => record.value ?? '').join('\n');
    for (const personal of ['Ahmad Yani', 'ditambal', 'media.example', citizenId ?? 'no-citizen-id']) {
      expect(values).not.toContain(personal);
    }

    // Analytics agrees with the timeline and the events: the complaint counts as closed.
    const after = await eventually(
      async () => {
        const current = await summary();
        return countOf(current, 'closed') === closedBefore + 1 ? current : undefined;
      },
      { what: 'the closed complaint in the analytics summary', timeoutMs: 15_000 },
    );
    expect(after.byStatus.map((row) => row.status)).not.toContain('resolved');
    expect(after.byStatus.reduce((total, row) => total + row.count, 0)).toBe(after.submittedTotal);
  });
});

describe('who may take a step', () => {
  it('should refuse a citizen assigning, at the gateway', async () => {
    const created = await submit(`roles-${Date.now()}`);
    const response = await call('POST', `/v1/complaints/${created.id}/assignment`, tokens.citizen, {
      expectedVersion: 1,
      agencyId: 'dpupr',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('should refuse an officer of another agency, in the service', async () => {
    const created = await submit(`agency-${Date.now()}`);
    const response = await call('POST', `/v1/complaints/${created.id}/rejection`, tokens.otherAgencyOfficer, {
      expectedVersion: 1,
      reason: 'Bukan urusan kami',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it("should keep another tenant's officer out: not found in their tenant, refused when naming this one", async () => {
    const created = await submit(`tenant-${Date.now()}`);
    const body = { expectedVersion: 1, agencyId: 'dpupr' };
    const own = await call('POST', `/v1/complaints/${created.id}/assignment`, tokens.otherTenantOfficer, body, {
      'x-balai-tenant': '36.71',
    });
    expect(own.status).toBe(404);
    expect(await own.json()).toMatchObject({ code: 'COMPLAINT_NOT_FOUND' });
    const named = await call('POST', `/v1/complaints/${created.id}/assignment`, tokens.otherTenantOfficer, body);
    expect(named.status).toBe(403);
    expect(await named.json()).toMatchObject({ code: 'TENANT_MISMATCH' });
  });
});

describe('retries and races', () => {
  it('should answer a retried POST with the same Idempotency-Key with the first complaint (200)', async () => {
    const key = `retry-${Date.now()}`;
    const first = await submit(key);
    const retry = await call('POST', '/v1/complaints', tokens.citizen, submission, { 'idempotency-key': key });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toMatchObject({ id: first.id, version: 1 });
    const reused = await call(
      'POST',
      '/v1/complaints',
      tokens.citizen,
      { ...submission, latitude: -6.2 },
      {
        'idempotency-key': key,
      },
    );
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('should let one of two concurrent transitions at the same version win and answer 409 to the other', async () => {
    const created = await submit(`race-${Date.now()}`);
    const attempt = () =>
      call('POST', `/v1/complaints/${created.id}/assignment`, tokens.officer, {
        expectedVersion: 1,
        agencyId: 'dpupr',
      });
    const responses = await Promise.all([attempt(), attempt()]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    const conflict = responses.find((response) => response.status === 409);
    // The loser learns the version the winner made, in the problem and as the ETag.
    expect(await conflict?.json()).toMatchObject({ code: 'STALE_VERSION', currentVersion: 2 });
    expect(conflict?.headers.get('etag')).toBe('"v2"');
    const current = (await (await call('GET', `/v1/complaints/${created.id}`, tokens.officer)).json()) as ComplaintJson;
    expect(current).toMatchObject({ version: 2, status: 'in_progress' });
    expect(current.timeline.filter((entry) => entry.action === 'assign')).toHaveLength(1);
  });
});

/** Each transition's route under /v1/complaints/{id}/, and a valid body for it (besides the version). */
const transitionRoutes: Record<string, { path: string; body: (duplicateOfId: string) => Record<string, unknown> }> = {
  assign: { path: 'assignment', body: () => ({ agencyId: 'dpupr', officerId }) },
  request_reassignment: { path: 'reassignment-request', body: () => ({ reason: 'Bukan wilayah saya' }) },
  resolve: { path: 'resolution', body: () => ({ note: 'Lubang sudah ditambal' }) },
  reject: { path: 'rejection', body: () => ({ reason: 'Bukan wewenang dinas' }) },
  withdraw: { path: 'withdrawal', body: () => ({}) },
  reopen: { path: 'reopening', body: () => ({ reason: 'Masih berlubang' }) },
  rate: { path: 'rating', body: () => ({ score: 3, outcome: 'partly_fixed' }) },
  comment: { path: 'comments', body: () => ({ text: 'Terima kasih', visibility: 'public' }) },
  mark_duplicate: { path: 'duplicate-of', body: (duplicateOfId) => ({ duplicateOfId }) },
};

describe('allowedActions, the reopen window, not_fixed, ETag and If-Match', () => {
  type Caller = 'citizen' | 'officer';
  let other = '';

  beforeAll(async () => {
    other = (await submit(`other-${Date.now()}`)).id;
  });

  async function read(id: string, caller: Caller): Promise<{ complaint: ComplaintJson; etag: string | null }> {
    const response = await call('GET', `/v1/complaints/${id}`, tokens[caller]);
    expect(response.status).toBe(200);
    return { complaint: (await response.json()) as ComplaintJson, etag: response.headers.get('etag') };
  }

  /** Takes the step with If-Match (no expectedVersion): 200, and the ETag of the version it made. */
  async function take(id: string, caller: Caller, action: string, body?: Record<string, unknown>) {
    const { etag } = await read(id, caller);
    const route = transitionRoutes[action];
    if (!route || !etag) throw new Error(`no route for ${action} or no ETag`);
    const response = await call(
      'POST',
      `/v1/complaints/${id}/${route.path}`,
      tokens[caller],
      body ?? route.body(other),
      { 'if-match': etag },
    );
    expect([action, response.status]).toEqual([action, 200]);
    const answer = (await response.json()) as ComplaintJson;
    expect(response.headers.get('etag')).toBe(`"v${answer.version}"`);
    return answer;
  }

  /** What allowedActions does not list is refused (and changes nothing); it lists `expected`. */
  async function expectAllowed(id: string, caller: Caller, expected: string[]) {
    const { complaint, etag } = await read(id, caller);
    expect([caller, complaint.status, complaint.allowedActions]).toEqual([caller, complaint.status, expected]);
    for (const [action, route] of Object.entries(transitionRoutes)) {
      if (expected.includes(action)) continue;
      const response = await call('POST', `/v1/complaints/${id}/${route.path}`, tokens[caller], route.body(other), {
        'if-match': etag ?? '',
      });
      expect([caller, action, [403, 409, 422].includes(response.status)]).toEqual([caller, action, true]);
    }
    expect((await read(id, caller)).complaint.version).toBe(complaint.version);
  }

  it('should list what each caller may do, accept it, refuse the rest, and reopen a complaint rated not fixed', async () => {
    const { id } = await submit(`actions-${Date.now()}`);
    await expectAllowed(id, 'citizen', ['withdraw', 'comment']);
    await expectAllowed(id, 'officer', ['assign', 'reject', 'comment', 'mark_duplicate']);
    await take(id, 'citizen', 'comment');
    await take(id, 'officer', 'assign');
    await expectAllowed(id, 'citizen', ['comment']);
    await expectAllowed(id, 'officer', [
      'assign',
      'request_reassignment',
      'resolve',
      'reject',
      'comment',
      'mark_duplicate',
    ]);
    const resolved = await take(id, 'officer', 'resolve');
    expect(Date.parse(resolved.reopenableUntil ?? '')).toBeGreaterThan(Date.now());
    await expectAllowed(id, 'citizen', ['reopen', 'rate', 'comment']);
    await expectAllowed(id, 'officer', ['comment']);

    // Not fixed: back in progress with the same officer, recorded as the rating and a reopen.
    const reopened = await take(id, 'citizen', 'rate', { score: 1, outcome: 'not_fixed' });
    expect(reopened).toMatchObject({
      status: 'in_progress',
      rating: { score: 1, outcome: 'not_fixed' },
      reopenableUntil: null,
      allowedActions: ['comment'],
    });
    const staff = (await read(id, 'officer')).complaint;
    expect(staff.assignedOfficerId).toBe(officerId);
    expect(staff.timeline.slice(-2).map((entry) => [entry.action, entry.actorRole])).toEqual([
      ['rate', 'citizen'],
      ['reopen', 'citizen'],
    ]);

    await take(id, 'officer', 'resolve');
    const closed = await take(id, 'citizen', 'rate', { score: 5, outcome: 'fixed' });
    expect(closed).toMatchObject({ status: 'closed', reopenableUntil: null, allowedActions: [] });
    await expectAllowed(id, 'officer', []);

    const topic = `${ns.topicPrefix}balai.complaints.v1`;
    const types = await eventually(
      async () => {
        const found = (await readTopicRecords({ brokers: infrastructureEndpoints().kafkaBrokers, topic }))
          .filter((record) => record.key === id)
          .map((record) => record.headers.ce_type);
        return found.length >= 9 ? found : undefined;
      },
      { what: 'the events of the complaint rated not fixed' },
    );
    expect(types.slice(3)).toEqual([
      'id.balai.complaints.complaint.resolved.v1',
      'id.balai.complaints.complaint.rated.v1',
      'id.balai.complaints.complaint.reopened.v1',
      'id.balai.complaints.complaint.resolved.v1',
      'id.balai.complaints.complaint.rated.v1',
      'id.balai.complaints.complaint.closed.v1',
    ]);
  });

  it('should answer a stale If-Match with 409, the current version and its ETag; a fresh one with the new ETag', async () => {
    const { id } = await submit(`etag-${Date.now()}`);
    const { etag } = await read(id, 'officer');
    expect(etag).toBe('"v1"');
    const body = { text: 'Segera ditinjau', visibility: 'internal' };
    const first = await call('POST', `/v1/complaints/${id}/comments`, tokens.officer, body, { 'if-match': '"v1"' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"v2"');

    const stale = await call('POST', `/v1/complaints/${id}/comments`, tokens.officer, body, { 'if-match': '"v1"' });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('etag')).toBe('"v2"');
    expect(await stale.json()).toMatchObject({ code: 'STALE_VERSION', currentVersion: 2 });

    const conflicting = await call(
      'POST',
      `/v1/complaints/${id}/comments`,
      tokens.officer,
      { ...body, expectedVersion: 1 },
      { 'if-match': '"v2"' },
    );
    expect(conflicting.status).toBe(400);
    expect(await conflicting.json()).toMatchObject({ code: 'IF_MATCH_CONFLICT' });
    const any = await call('POST', `/v1/complaints/${id}/comments`, tokens.officer, body, { 'if-match': '*' });
    expect(any.status).toBe(400);
    expect(await any.json()).toMatchObject({ code: 'INVALID_IF_MATCH' });
    expect((await read(id, 'officer')).complaint.version).toBe(2);
  });
});
