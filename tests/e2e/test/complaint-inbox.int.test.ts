import type { ResponseBody } from '@balai/client';
import { testNamespace } from '@balai/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, apiClient, callApi, signInNewCitizen, signInNewStaff, startApiStack } from './helpers.js';

/*
 * The officer inbox and duplicate suggestions through the gateway with real sign-ins: citizens
 * of Kota Serang file complaints, an officer of Dinas PUPR pages through the inbox with filters,
 * each citizen lists their own, a citizen filing near an open complaint of the same category is
 * shown it, and an officer of another tenant sees none of it.
 */

const ns = testNamespace(import.meta.filename);
const tenant = '36.73';

let stack: ApiStack;
let gateway: ApiStack['gateway'];
const tokens = { first: '', second: '', officer: '', otherTenantOfficer: '' };
let officerId = '';

// The API's answers as the client types them (from the OpenAPI document).
/** A submitted complaint, with the open ones of its category nearby. */
type Filed = ResponseBody<'/v1/complaints', 'post'>;
type PageJson = ResponseBody<'/v1/complaints', 'get'>;

function call(method: string, path: string, token: string | null, body?: unknown, tenantHeader = tenant) {
  return callApi(gateway.url, method, path, { token, body, tenant: tenantHeader });
}

/** A point `north` and `east` meters from the market square of Serang. */
function near(north: number, east = 0) {
  const origin = { latitude: -6.1204, longitude: 106.1503 };
  return {
    latitude: origin.latitude + north / 111_195,
    longitude: origin.longitude + east / (111_195 * Math.cos((origin.latitude * Math.PI) / 180)),
  };
}

async function file(token: string, categoryCode: string, point: { latitude: number; longitude: number }) {
  const { data, response } = await apiClient(gateway.url, { token }).POST('/v1/complaints', {
    body: { categoryCode, description: 'Kerusakan di dekat alun-alun, mohon segera diperbaiki', ...point },
  });
  expect(response.status).toBe(201);
  if (!data) throw new Error('a created complaint without a body');
  return data;
}

async function page(token: string, query: string, tenantHeader = tenant): Promise<PageJson> {
  const response = await call('GET', `/v1/complaints?${query}`, token, undefined, tenantHeader);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as PageJson;
}

/** Every page of a list through the cursor; the ids in the order served. */
async function allPages(token: string, query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pageToken: string | null = null;
  let pages = 0;
  do {
    const current: PageJson = await page(token, `${query}${pageToken ? `&pageToken=${pageToken}` : ''}`);
    ids.push(...current.items.map((item) => item.id));
    pageToken = current.nextPageToken;
    pages += 1;
  } while (pageToken && pages < 50);
  return { ids, pages };
}

// Filed in beforeAll: the first citizen's three, then the second citizen's pothole 60 m away.
let pothole: Filed;
let bridge: Filed;
let farPothole: Filed;
let secondPothole: Filed;

beforeAll(async () => {
  stack = await startApiStack(ns);
  gateway = stack.gateway;
  const { identity } = stack;
  const [first, second, officer, otherTenantOfficer] = await Promise.all([
    signInNewCitizen(gateway.url, identity, tenant),
    signInNewCitizen(gateway.url, identity, tenant),
    signInNewStaff(gateway.url, identity, { roles: ['officer'], agencyId: 'dpupr' }),
    signInNewStaff(gateway.url, identity, { tenant: '36.71', roles: ['officer'], agencyId: 'dpupr' }),
  ]);
  tokens.first = first.accessToken;
  tokens.second = second.accessToken;
  tokens.officer = officer.accessToken;
  officerId = officer.userId;
  tokens.otherTenantOfficer = otherTenantOfficer.accessToken;

  pothole = await file(tokens.first, 'roads.pothole', near(0));
  bridge = await file(tokens.first, 'roads.damaged-bridge', near(10));
  farPothole = await file(tokens.first, 'roads.pothole', near(2000, 500));
  secondPothole = await file(tokens.second, 'roads.pothole', near(60, 20));
});

afterAll(async () => {
  await stack?.stop();
});

describe('duplicate suggestions', () => {
  it('should show the second reporter the open pothole nearby, not the bridge or the far one', () => {
    expect(pothole.nearbyOpen).toEqual([]);
    expect(secondPothole.nearbyOpen.map((item) => item.id)).toEqual([pothole.id]);
    // Another citizen's complaint: the public view, without its reporter.
    expect(secondPothole.nearbyOpen[0]).toMatchObject({ view: 'public', reporterId: null });
    // A list item is a summary: no (empty) timeline.
    expect(secondPothole.nearbyOpen[0]).not.toHaveProperty('timeline');
  });

  it('should answer anyone asking near a point, nearest first, with distances', async () => {
    const point = near(20, 5);
    const response = await call(
      'GET',
      `/v1/complaints/nearby?categoryCode=roads.pothole&latitude=${point.latitude}&longitude=${point.longitude}`,
      null,
    );
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as ResponseBody<'/v1/complaints/nearby', 'get'>;
    expect(items.map((item) => item.complaint.id)).toEqual([pothole.id, secondPothole.id]);
    expect(items[0]?.distanceMeters).toBeGreaterThan(15);
    expect(items[0]?.distanceMeters).toBeLessThan(30);
    expect(items.every((item) => item.complaint.view === 'public')).toBe(true);
    expect(items.map((item) => item.complaint.id)).not.toContain(bridge.id);
    expect(items.map((item) => item.complaint.id)).not.toContain(farPothole.id);
  });

  it('should refuse a nearby search without a category as problem+json', async () => {
    const response = await call('GET', '/v1/complaints/nearby?latitude=-6.12&longitude=106.15', null);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('the officer inbox', () => {
  it('should page through every complaint once, in SLA order, with the staff view', async () => {
    const { ids, pages } = await allPages(tokens.officer, 'pageSize=1');
    expect(pages).toBe(4);
    expect([...ids].sort()).toEqual([pothole.id, bridge.id, farPothole.id, secondPothole.id].sort());
    const all = await page(tokens.officer, 'pageSize=100');
    expect(all.items.map((item) => item.id)).toEqual(ids);
    expect(all.nextPageToken).toBeNull();
    const dues = all.items.map((item) => item.slaDueAt);
    expect(dues).toEqual([...dues].sort());
    expect(all.items.every((item) => item.view === 'staff' && item.reporterId !== null)).toBe(true);
  });

  it('should filter by category, status and assignee', async () => {
    const potholes = await allPages(tokens.officer, 'category=roads.pothole&order=newest&pageSize=2');
    expect(potholes.ids).toEqual([secondPothole.id, farPothole.id, pothole.id]);

    const assigned = await call('POST', `/v1/complaints/${farPothole.id}/assignment`, tokens.officer, {
      expectedVersion: 1,
      agencyId: 'dpupr',
      officerId,
    });
    expect(assigned.status).toBe(200);

    expect((await page(tokens.officer, 'assignee=me')).items.map((item) => item.id)).toEqual([farPothole.id]);
    expect((await page(tokens.officer, 'status=in_progress')).items.map((item) => item.id)).toEqual([farPothole.id]);
    const unassigned = await page(tokens.officer, 'assignee=none&status=submitted,in_progress&category=roads.pothole');
    expect(unassigned.items.map((item) => item.id).sort()).toEqual([pothole.id, secondPothole.id].sort());
    expect((await page(tokens.officer, 'overdue=true')).items).toEqual([]);
  });

  it('should refuse a page token with other filters', async () => {
    const first = await page(tokens.officer, 'pageSize=1');
    expect(first.nextPageToken).not.toBeNull();
    const response = await call(
      'GET',
      `/v1/complaints?pageSize=1&order=newest&pageToken=${first.nextPageToken}`,
      tokens.officer,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ field: '/pageToken' })],
    });
  });

  it('should show an officer of another tenant none of it', async () => {
    const theirs = await page(tokens.otherTenantOfficer, 'pageSize=100', '36.71');
    expect(theirs.items).toEqual([]);
    const named = await call('GET', '/v1/complaints', tokens.otherTenantOfficer);
    expect(named.status).toBe(403);
    expect(await named.json()).toMatchObject({ code: 'TENANT_MISMATCH' });
    const point = near(0);
    const nearby = await call(
      'GET',
      `/v1/complaints/nearby?categoryCode=roads.pothole&latitude=${point.latitude}&longitude=${point.longitude}`,
      tokens.otherTenantOfficer,
      undefined,
      '36.71',
    );
    expect(((await nearby.json()) as { items: unknown[] }).items).toEqual([]);
  });
});

describe("a citizen's own complaints", () => {
  it('should list only their own, in the public view with their own id', async () => {
    const mine = await page(tokens.first, 'mine=true&order=newest');
    expect(mine.items.map((item) => item.id)).toEqual([farPothole.id, bridge.id, pothole.id]);
    expect(mine.items.every((item) => item.view === 'public' && item.reporterId !== null)).toBe(true);
    expect(mine.items.every((item) => item.assignedOfficerId === null)).toBe(true);
    const theirs = await page(tokens.second, 'mine=true');
    expect(theirs.items.map((item) => item.id)).toEqual([secondPothole.id]);
  });

  it('should refuse a citizen the assignee filter', async () => {
    const response = await call('GET', '/v1/complaints?assignee=none', tokens.first);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('should refuse the list to an anonymous caller', async () => {
    expect((await call('GET', '/v1/complaints', null)).status).toBe(401);
  });
});

describe('assignable officers', () => {
  type OfficerPageJson = ResponseBody<'/v1/agencies/{agencyId}/officers', 'get'>;

  it("should list a supervisor their agency's officers, page by page, and assign to one of them", async () => {
    const { identity } = stack;
    const supervisor = await signInNewStaff(gateway.url, identity, { roles: ['supervisor'], agencyId: 'dpupr' });
    const listed: OfficerPageJson['items'] = [];
    let pageToken: string | null | undefined;
    let pages = 0;
    do {
      const response = await call(
        'GET',
        `/v1/agencies/dpupr/officers?pageSize=1${pageToken ? `&pageToken=${pageToken}` : ''}`,
        supervisor.accessToken,
      );
      expect(response.status, await response.clone().text()).toBe(200);
      const body = (await response.json()) as OfficerPageJson;
      listed.push(...body.items);
      pageToken = body.nextPageToken;
      pages += 1;
    } while (pageToken && pages < 10);
    // The officer and the supervisor of Dinas PUPR in this test's identity, one per page; nothing personal.
    expect(listed.map((officer) => officer.id).sort()).toEqual([officerId, supervisor.userId].sort());
    expect(pages).toBe(2);
    for (const officer of listed) expect(Object.keys(officer).sort()).toEqual(['fullName', 'id', 'roles']);

    const assigned = await call('POST', `/v1/complaints/${bridge.id}/assignment`, supervisor.accessToken, {
      expectedVersion: bridge.version,
      agencyId: 'dpupr',
      officerId: listed[0]?.id,
    });
    expect(assigned.status, await assigned.clone().text()).toBe(200);
  });

  it("should refuse another agency's staff and citizens, and let a tenant admin list any agency", async () => {
    const { identity } = stack;
    const [dlhSupervisor, admin] = await Promise.all([
      signInNewStaff(gateway.url, identity, { roles: ['supervisor'], agencyId: 'dlh' }),
      signInNewStaff(gateway.url, identity, { roles: ['tenant_admin'] }),
    ]);
    const refused = await call('GET', '/v1/agencies/dpupr/officers', dlhSupervisor.accessToken);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await call('GET', '/v1/agencies/dpupr/officers', tokens.first)).status).toBe(403);

    const dlh = await call('GET', '/v1/agencies/dlh/officers', admin.accessToken);
    expect(((await dlh.json()) as OfficerPageJson).items.map((officer) => officer.id)).toEqual([dlhSupervisor.userId]);
    const unknown = await call('GET', '/v1/agencies/dinas-tidak-ada/officers', admin.accessToken);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'AGENCY_NOT_FOUND' });
  });
});
