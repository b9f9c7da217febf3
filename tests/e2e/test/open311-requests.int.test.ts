import type { ResponseBody } from '@balai/client';
import { loadComplaintsConfig, startComplaints } from '@balai/complaints';
import { testNamespace } from '@balai/testkit';
import {
  xmlChildren as children,
  expectOpen311Valid,
  xmlFields as fields,
  open311ErrorList,
  parseXml,
  swaggerList,
} from '@balai/testkit/open311';
import type { Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv, signInNewStaff, startGatewayFor, startIdentityFor, type TestIdentity } from './helpers.js';

/*
 * Open311 service requests as a partner app and the public meet them: a partner registered by
 * the tenant admin files requests with its api_key (form-encoded, JSON and XML answers), anyone
 * reads and searches them, and an officer's work shows in the service request updates. Every
 * JSON answer is checked against the project's schemas (packages/testkit/open311-schemas), every
 * XML answer read with an XML parser.
 */

const ns = testNamespace(import.meta.filename);

const schemas = {
  requests: 'requests.json',
  // POST answers: a list of created requests (created-requests.json), at least one.
  created: swaggerList('RequestResponse', 1),
  // The specification's error list (errors.json).
  error: open311ErrorList,
} as const;
const expectValid = (schema: keyof typeof schemas, value: unknown) => expectOpen311Valid(schemas[schema], value);

let identity: TestIdentity;
let complaints: Awaited<ReturnType<typeof startComplaints>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
let base: string;
let apiKey: string;
let partnerClientId: string;
let officerToken: string;
let adminToken: string;

type Json = Record<string, unknown>;

async function registerPartner(name: string): Promise<{ clientId: string; apiKey: string }> {
  const response = await fetch(`${gateway.url}/v1/partner-apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as ResponseBody<'/v1/partner-apps', 'post'>;
}

beforeAll(async () => {
  identity = await startIdentityFor(ns);
  // Complaints asks identity about agencies and officers when one is assigned.
  complaints = await startComplaints(
    loadComplaintsConfig({
      ...serviceEnv(ns, 'complaints'),
      IDENTITY_GRPC_TARGET: `127.0.0.1:${identity.service.grpcPort}`,
    }),
  );
  gateway = await startGatewayFor({ complaints: complaints.grpcPort }, identity, {
    OPEN311_JURISDICTIONS: 'serangkota.go.id=36.73,tangerangkota.go.id=36.71',
  });
  base = `${gateway.url}/open311/v2`;
  const [admin, officer] = await Promise.all([
    signInNewStaff(gateway.url, identity, { roles: ['tenant_admin'] }),
    signInNewStaff(gateway.url, identity, { roles: ['officer'], agencyId: 'dpupr' }),
  ]);
  adminToken = admin.accessToken;
  officerToken = officer.accessToken;
  ({ clientId: partnerClientId, apiKey } = await registerPartner('Lapor Cepat'));
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([complaints?.stop(), identity?.service.stop()]);
});

async function get(path: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, json: await response.json() };
}

async function getXml(path: string): Promise<{ status: number; root: Element }> {
  const response = await fetch(`${base}${path}`);
  expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
  const body = await response.text();
  expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  return { status: response.status, root: parseXml(body) };
}

function post(format: 'json' | 'xml', form: URLSearchParams, headers: Record<string, string> = {}) {
  return fetch(`${base}/requests.${format}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form.toString(),
  });
}

function potholeForm(overrides: Record<string, string> = {}): URLSearchParams {
  const form = new URLSearchParams({
    api_key: apiKey,
    jurisdiction_id: 'serangkota.go.id',
    service_code: 'roads.pothole',
    lat: '-6.1103',
    long: '106.1631',
    address_string: 'Jl. Ahmad Yani No. 5, Serang',
    description: 'Lubang besar di depan Pasar Rau, berbahaya bagi pengendara motor',
    media_url: 'https://img.lapor-cepat.example/foto/123.jpg',
    email: 'siti.aminah@example.id',
    first_name: 'Siti',
    last_name: 'Aminah',
    phone: '+62 812 3456 7890',
    device_id: 'android-77',
    account_id: 'lc-account-42',
    'attribute[road_type]': 'city',
    'attribute[severity]': 'high',
    ...overrides,
  });
  return form;
}

async function expectErrorArray(response: Response, status: number, description: RegExp) {
  expect(response.status).toBe(status);
  if (response.headers.get('content-type')?.startsWith('text/xml')) {
    const root = parseXml(await response.text());
    expect(root.nodeName).toBe('errors');
    const errors = children(root, 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(fields(errors[0] as Element)[0]).toEqual(['code', String(status)]);
    expect(fields(errors[0] as Element)[1]?.[1]).toMatch(description);
    return;
  }
  const body = await response.json();
  expectValid('error', body);
  expect((body as Json[])[0]).toEqual({ code: status, description: expect.stringMatching(description) });
}

const personal = /siti|aminah|3456|android-77|lc-account-42/i;

describe('Open311 service requests through the gateway', () => {
  let jsonId: string;
  let xmlId: string;

  it('should let a partner file a request with its api_key and answer its id (JSON)', async () => {
    const response = await post('json', potholeForm(), { 'idempotency-key': `open311-${ns.id}-1` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as Json[];
    expectValid('created', body);
    expect(body).toEqual([{ service_request_id: expect.any(String), account_id: 'lc-account-42' }]);
    jsonId = String(body[0]?.service_request_id);

    // A retry with the same Idempotency-Key lands on the same request.
    const retry = await post('json', potholeForm(), { 'idempotency-key': `open311-${ns.id}-1` });
    expect(((await retry.json()) as Json[])[0]?.service_request_id).toBe(jsonId);
  });

  it('should answer the same creation in XML', async () => {
    const form = potholeForm({ 'attribute[road_type]': 'village', description: 'Jalan lingkungan berlubang dalam' });
    form.delete('account_id');
    const response = await post('xml', form);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const root = parseXml(await response.text());
    expect(root.nodeName).toBe('service_requests');
    const requests = children(root);
    expect(requests.map((request) => request.nodeName)).toEqual(['request']);
    const entry = Object.fromEntries(fields(requests[0] as Element));
    expect(Object.keys(entry)).toEqual(['service_request_id', 'service_notice', 'account_id']);
    expect(entry.service_request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry.account_id).toBe('');
    xmlId = String(entry.service_request_id);
  });

  it('should give the request back by id to anyone, schema-valid, without the reporter', async () => {
    const { status, json } = await get(`/requests/${jsonId}.json?jurisdiction_id=serangkota.go.id`);
    expect(status).toBe(200);
    expectValid('requests', json);
    expect(json).toEqual([
      {
        service_request_id: jsonId,
        status: 'open',
        status_notes: null,
        service_name: 'Jalan berlubang',
        service_code: 'roads.pothole',
        description: 'Lubang besar di depan Pasar Rau, berbahaya bagi pengendara motor',
        agency_responsible: 'Dinas Pekerjaan Umum dan Penataan Ruang Kota Serang',
        service_notice: null,
        requested_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/),
        updated_datetime: expect.stringMatching(/\+07:00$/),
        expected_datetime: expect.stringMatching(/\+07:00$/),
        address: 'Jl. Ahmad Yani No. 5, Serang',
        address_id: null,
        zipcode: null,
        lat: -6.1103,
        long: 106.1631,
        media_url: 'https://img.lapor-cepat.example/foto/123.jpg',
      },
    ]);
    expect(JSON.stringify(json)).not.toMatch(personal);

    const xml = await getXml(`/requests/${jsonId}.xml?jurisdiction_id=36.73`);
    expect(xml.status).toBe(200);
    expect(xml.root.nodeName).toBe('service_requests');
    const [request] = children(xml.root, 'request');
    const expected = (json as Json[])[0] as Json;
    expect(fields(request as Element)).toEqual(
      Object.entries(expected).map(([name, value]) => [name, value === null ? '' : String(value)]),
    );
  });

  it('should keep the contact for staff only: the officer sees it, the partner does not', async () => {
    const staff = await fetch(`${gateway.url}/v1/complaints/${jsonId}`, {
      headers: { authorization: `Bearer ${officerToken}` },
    });
    expect(staff.status).toBe(200);
    const staffView = (await staff.json()) as Json;
    expect(staffView).toMatchObject({
      view: 'staff',
      reporterId: partnerClientId,
      reporterContact: {
        email: 'siti.aminah@example.id',
        firstName: 'Siti',
        lastName: 'Aminah',
        phone: '+62 812 3456 7890',
        deviceId: 'android-77',
        accountId: 'lc-account-42',
      },
    });
    const publicView = await fetch(`${gateway.url}/v1/complaints/${jsonId}`, {
      headers: { 'x-balai-tenant': '36.73' },
    });
    expect(JSON.stringify(await publicView.json())).not.toMatch(personal);
  });

  it('should resolve a token (the id) to the request, and answer 404 for unknown ids and tokens', async () => {
    const { status, json } = await get(`/tokens/${jsonId}.json?jurisdiction_id=36.73`);
    expect(status).toBe(200);
    expect(json).toEqual([{ service_request_id: jsonId, token: jsonId }]);
    const xml = await getXml(`/tokens/${jsonId}.xml?jurisdiction_id=36.73`);
    expect(fields(children(xml.root, 'request')[0] as Element)).toEqual([
      ['service_request_id', jsonId],
      ['token', jsonId],
    ]);
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expectErrorArray(
      await fetch(`${base}/requests/${unknown}.json?jurisdiction_id=36.73`),
      404,
      /^service_request_id provided was not found$/,
    );
    await expectErrorArray(
      await fetch(`${base}/requests/${unknown}.xml?jurisdiction_id=36.73`),
      404,
      /^service_request_id provided was not found$/,
    );
    await expectErrorArray(await fetch(`${base}/tokens/${unknown}.json?jurisdiction_id=36.73`), 404, /token/);
    // Another tenant does not know it either.
    await expectErrorArray(
      await fetch(`${base}/requests/${jsonId}.json?jurisdiction_id=tangerangkota.go.id`),
      404,
      /service_request_id/,
    );
  });

  it('should search requests by id, service, status and window, page by page', async () => {
    const byIds = await get(`/requests.json?jurisdiction_id=36.73&service_request_id=${jsonId},${xmlId}&status=closed`);
    expect(byIds.status).toBe(200);
    expectValid('requests', byIds.json);
    expect((byIds.json as Json[]).map((request) => request.service_request_id).sort()).toEqual([jsonId, xmlId].sort());

    const open = await get('/requests.json?jurisdiction_id=36.73&service_code=roads.pothole&status=open');
    expectValid('requests', open.json);
    expect((open.json as Json[]).map((request) => request.service_request_id)).toEqual([xmlId, jsonId]);
    const closed = await get('/requests.json?jurisdiction_id=36.73&service_code=roads.pothole&status=closed');
    expect(closed.json).toEqual([]);
    const otherService = await get('/requests.json?jurisdiction_id=36.73&service_code=waste.illegal-dumping');
    expect(otherService.json).toEqual([]);
    const longAgo = await get(
      '/requests.json?jurisdiction_id=36.73&start_date=2025-01-01T00:00:00Z&end_date=2025-03-01T00:00:00Z',
    );
    expect(longAgo.json).toEqual([]);

    const first = await get('/requests.json?jurisdiction_id=36.73&page_size=1&page=1');
    const second = await get('/requests.json?jurisdiction_id=36.73&page_size=1&page=2');
    const third = await get('/requests.json?jurisdiction_id=36.73&page_size=1&page=3');
    expect([first.json, second.json].map((page) => (page as Json[])[0]?.service_request_id)).toEqual([xmlId, jsonId]);
    expect(third.json).toEqual([]);

    const xml = await getXml('/requests.xml?jurisdiction_id=36.73&service_code=roads.pothole');
    expect(xml.root.nodeName).toBe('service_requests');
    expect(
      children(xml.root, 'request').map((request) => Object.fromEntries(fields(request)).service_request_id),
    ).toEqual([xmlId, jsonId]);

    await expectErrorArray(
      await fetch(`${base}/requests.json?jurisdiction_id=36.73&start_date=yesterday`),
      400,
      /^start_date must be a W3C datetime/,
    );
    await expectErrorArray(await fetch(`${base}/requests.xml?jurisdiction_id=36.73&status=pending`), 400, /status/);
  });

  it("should show an officer's work as closed with its note, and in the service request updates", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const officer = (path: string, body: Json) =>
      fetch(`${gateway.url}/v1/complaints/${jsonId}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${officerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await officer('assignment', { expectedVersion: 1, agencyId: 'dpupr' })).status).toBe(200);
    expect((await officer('resolution', { expectedVersion: 2, note: 'Lubang sudah ditambal aspal baru' })).status).toBe(
      200,
    );

    const { json } = await get(`/requests/${jsonId}.json?jurisdiction_id=36.73`);
    expectValid('requests', json);
    expect((json as Json[])[0]).toMatchObject({ status: 'closed', status_notes: 'Lubang sudah ditambal aspal baru' });
    const closed = await get('/requests.json?jurisdiction_id=36.73&status=closed');
    expect((closed.json as Json[]).map((request) => request.service_request_id)).toEqual([jsonId]);

    const updates = await get(`/servicerequestupdates.json?jurisdiction_id=36.73&start_date=${since}`);
    expect(updates.status).toBe(200);
    const ofRequest = (updates.json as Json[]).filter((update) => update.service_request_id === jsonId);
    expect(ofRequest).toEqual([
      {
        update_id: expect.any(String),
        service_request_id: jsonId,
        status: 'in_progress',
        updated_datetime: expect.stringMatching(/\+07:00$/),
        description: null,
        media_url: null,
        external_status_code: 'in_progress',
      },
      {
        update_id: expect.any(String),
        service_request_id: jsonId,
        status: 'fixed',
        updated_datetime: expect.stringMatching(/\+07:00$/),
        description: 'Lubang sudah ditambal aspal baru',
        media_url: null,
        external_status_code: 'resolved',
      },
    ]);

    const xml = await getXml(`/servicerequestupdates.xml?jurisdiction_id=serangkota.go.id&start_date=${since}`);
    expect(xml.root.nodeName).toBe('service_requests_updates');
    const xmlUpdates = children(xml.root, 'request_update')
      .map((update) => Object.fromEntries(fields(update)))
      .filter((update) => update.service_request_id === jsonId);
    expect(xmlUpdates.map((update) => [update.status, update.description])).toEqual([
      ['in_progress', ''],
      ['fixed', 'Lubang sudah ditambal aspal baru'],
    ]);

    // Before the work began there was nothing to report.
    const before = await get(`/servicerequestupdates.json?jurisdiction_id=36.73&end_date=${since}`);
    expect((before.json as Json[]).filter((update) => update.service_request_id === jsonId)).toEqual([]);
  });

  it('should refuse bad forms with 400 naming the field, in the format asked for', async () => {
    await expectErrorArray(await post('json', potholeForm({ service_code: '' })), 400, /^service_code is required$/);
    const noLocation = potholeForm();
    for (const name of ['lat', 'long', 'address_string']) noLocation.delete(name);
    await expectErrorArray(await post('xml', noLocation), 400, /^A location is required/);
    await expectErrorArray(await post('json', potholeForm({ lat: '-96.1' })), 400, /^lat must be/);
    await expectErrorArray(
      await post('json', potholeForm({ service_code: 'roads.sinkhole' })),
      400,
      /^service_code provided was not found$/,
    );
    await expectErrorArray(
      await post('xml', potholeForm({ 'attribute[road_type]': 'motorway' })),
      400,
      /^attribute\[road_type\]/,
    );
  });

  it('should refuse a missing, forged or revoked api_key, and a jurisdiction not the key’s, with 403', async () => {
    const noKey = potholeForm();
    noKey.delete('api_key');
    await expectErrorArray(await post('json', noKey), 403, /^api_key is required$/);
    const forged = Buffer.from(`${partnerClientId}:not-the-secret`).toString('base64url');
    await expectErrorArray(await post('json', potholeForm({ api_key: forged })), 403, /^Invalid api_key$/);
    await expectErrorArray(await post('xml', potholeForm({ api_key: forged })), 403, /^Invalid api_key$/);

    const revoked = await registerPartner('Aplikasi Lama');
    const revocation = await fetch(`${gateway.url}/v1/partner-apps/${revoked.clientId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(revocation.status).toBeLessThan(300);
    await expectErrorArray(await post('json', potholeForm({ api_key: revoked.apiKey })), 403, /^Invalid api_key$/);

    await expectErrorArray(
      await post('json', potholeForm({ jurisdiction_id: 'tangerangkota.go.id' })),
      403,
      /jurisdiction_id tangerangkota\.go\.id/,
    );
  });
});
