import { randomBytes } from 'node:crypto';
import { loadPermitsConfig, startPermits } from '@balai/permits';
import { Browser, infrastructureEndpoints, signInWithPassword, testNamespace } from '@balai/testkit';
import { parseXml, xmlChildren, xmlFields } from '@balai/testkit/open311';
import { type Db, MongoClient } from 'mongodb';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiResource,
  serviceEnv,
  startAnalyticsFor,
  startComplaintsFor,
  startGatewayFor,
  startIdentityFor,
  type TestIdentity,
  webClient,
} from './helpers.js';
import {
  type Answer,
  answerOf,
  authorizationRequest,
  authorizeInBrowser,
  expectOAuthError,
  expectOpen311Errors,
  expectProblem,
  storedDocuments,
  tokenRequest,
} from './security-probing.js';

/*
 * Issue 11's probes, as an attacker sends them from outside, against the whole stack behind the
 * gateway (identity, complaints, analytics, permits, real sign-ins, a partner app's api_key):
 * NoSQL operators wherever input enters (JSON bodies, query strings, path parameters, Open311
 * forms, headers, OIDC forms), deep and huge JSON, prototype keys, markup and control characters
 * in what Open311 renders as XML, crossings between Kota Serang (36.73) and Kota Tangerang
 * (36.71), and the OIDC provider's redirect, PKCE, code and refresh-token rules. Every refusal
 * must be a 4xx with a proper body (problem+json, Open311 errors in the asked format, OAuth
 * errors), never a 5xx, never another tenant's data; refused requests store nothing; the stack
 * serves afterwards. Each class is a table, so its count is the table's length.
 */

const ns = testNamespace(import.meta.filename);
const serang = '36.73';
const tangerang = '36.71';
const password = `sandi-uji-${randomBytes(6).toString('hex')}`;

let identity: TestIdentity;
let gatewayUrl = '';
let issuer = '';
let stopAll: () => Promise<void>;
let readiness: string[] = [];
let mongo: MongoClient;
let databases: Db[];

/** Access tokens of the demo accounts and the partner app. */
const tokens = { citizen: '', officer: '', admin: '', otherAdmin: '', otherOfficer: '', partner: '' };
type Caller = keyof typeof tokens | 'anonymous';
const partner = { clientId: '', secret: '', apiKey: '' };
/** Kota Serang's complaint (the citizen's) and Kota Tangerang's (filed by its officer). */
const serangComplaint = { id: '', version: 0 };
const tangerangComplaint = { id: '', version: 0 };

interface Call {
  caller?: Caller;
  tenant?: string;
  /** A value is sent as JSON; a string as it is, with `contentType`. */
  json?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

async function send(method: string, path: string, call: Call = {}): Promise<Answer> {
  const { caller = 'anonymous', tenant, json, raw, contentType, headers } = call;
  const body = raw ?? (json === undefined ? undefined : JSON.stringify(json));
  return answerOf(
    await fetch(`${gatewayUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(tenant ? { 'x-balai-tenant': tenant } : {}),
        ...(caller === 'anonymous' ? {} : { authorization: `Bearer ${tokens[caller]}` }),
        ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
        ...headers,
      },
      body,
    }),
  );
}

/** A pothole as the partner app files it through Open311, form-encoded. */
function partnerForm(overrides: Record<string, string | null> = {}): URLSearchParams {
  const fields: Record<string, string | null> = {
    api_key: partner.apiKey,
    jurisdiction_id: 'serangkota.go.id',
    service_code: 'roads.pothole',
    lat: '-6.1103',
    long: '106.1631',
    description: 'Lubang besar di depan Pasar Rau, berbahaya bagi pengendara',
    ...overrides,
  };
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== null) form.append(name, value);
  return form;
}

function postOpen311(format: 'json' | 'xml', body: URLSearchParams | string, contentType?: string) {
  return send('POST', `/open311/v2/requests.${format}`, {
    raw: body.toString(),
    contentType: contentType ?? (typeof body === 'string' ? 'application/json' : 'application/x-www-form-urlencoded'),
  });
}

const validComplaint = {
  categoryCode: 'roads.pothole',
  description: 'Jalan berlubang di depan sekolah dasar',
  latitude: -6.12,
  longitude: 106.15,
};

beforeAll(async () => {
  identity = await startIdentityFor(ns, {}, { DEMO_PASSWORD: password });
  const [complaints, analytics, permits] = await Promise.all([
    startComplaintsFor(ns, { identityGrpcPort: identity.service.grpcPort }),
    startAnalyticsFor(ns),
    startPermits(loadPermitsConfig({ ...serviceEnv(ns, 'permits'), SEED_DEMO_DATA: 'true' })),
  ]);
  const gateway = await startGatewayFor(
    { complaints: complaints.grpcPort, analytics: analytics.grpcPort, permits: permits.grpcPort },
    identity,
    { OPEN311_JURISDICTIONS: 'serangkota.go.id=36.73,tangerangkota.go.id=36.71' },
  );
  gatewayUrl = gateway.url;
  issuer = identity.issuer;
  readiness = [
    `http://127.0.0.1:${gateway.opsPort}/readyz`,
    ...[identity.service, complaints, analytics, permits].map(
      (service) => `http://127.0.0.1:${service.httpPort}/readyz`,
    ),
  ];
  stopAll = async () => {
    await gateway.stop();
    await Promise.all([identity.service.stop(), complaints.stop(), analytics.stop(), permits.stop()]);
  };

  const signIn = async (login: string, tenant: string) =>
    (await signInWithPassword({ issuer, ...webClient, tenant, login, password, resource: apiResource })).tokens
      .access_token;
  [tokens.citizen, tokens.officer, tokens.admin, tokens.otherAdmin, tokens.otherOfficer] = await Promise.all([
    signIn('warga@serang.example', serang),
    signIn('petugas.pupr@serang.example', serang),
    signIn('admin@serang.example', serang),
    signIn('admin@tangerang.example', tangerang),
    signIn('petugas.pupr@tangerang.example', tangerang),
  ]);

  const registered = await send('POST', '/v1/partner-apps', { caller: 'admin', json: { name: 'Lapor Cepat' } });
  expect(registered.status, registered.body).toBe(201);
  ({ clientId: partner.clientId, apiKey: partner.apiKey } = JSON.parse(registered.body));
  partner.secret = Buffer.from(partner.apiKey, 'base64url').toString().split(':').slice(1).join(':');
  const partnerToken = await tokenRequest(
    issuer,
    { grant_type: 'client_credentials', resource: apiResource },
    { clientId: partner.clientId, secret: partner.secret },
  );
  expect(partnerToken.status, partnerToken.body).toBe(200);
  tokens.partner = JSON.parse(partnerToken.body).access_token;

  const filed = await send('POST', '/v1/complaints', { caller: 'citizen', json: validComplaint });
  expect(filed.status, filed.body).toBe(201);
  Object.assign(serangComplaint, JSON.parse(filed.body));
  const filedOther = await send('POST', '/v1/complaints', {
    caller: 'otherOfficer',
    json: { ...validComplaint, latitude: -6.17, longitude: 106.63, citizenReference: 'loket-1' },
  });
  expect(filedOther.status, filedOther.body).toBe(201);
  Object.assign(tangerangComplaint, JSON.parse(filedOther.body));

  mongo = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  databases = ['identity', 'complaints', 'permits', 'analytics'].map((service) => mongo.db(ns.database(service)));
}, 120_000);

afterAll(async () => {
  await stopAll?.();
  await mongo?.close();
});

/** Snapshots what is stored before a class of refusals, and checks after that none of it changed. */
function storesNothing(what: string) {
  let before: Record<string, number> = {};
  beforeAll(async () => {
    // Consumers apply the set-up's events a moment later (analytics' read models, processed
    // events): wait until nothing moves, so only the refusals could change what is stored.
    before = await storedDocuments(databases);
    for (let look = 0; look < 40; look += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = await storedDocuments(databases);
      if (JSON.stringify(now) === JSON.stringify(before)) break;
      before = now;
    }
  });
  it(`should have stored nothing from ${what}`, async () => {
    expect(await storedDocuments(databases)).toEqual(before);
    const complaint = await send('GET', `/v1/complaints/${serangComplaint.id}`, { caller: 'officer' });
    expect(JSON.parse(complaint.body)).toMatchObject({ version: serangComplaint.version, status: 'submitted' });
  });
}

// ---- NoSQL operators -----------------------------------------------------------------------------

/** What a string or number field may be replaced with by a client hoping for a query operator. */
const operators: Array<[string, unknown]> = [
  ['$ne', { $ne: null }],
  ['$gt', { $gt: '' }],
  ['$regex', { $regex: '.*' }],
  ['$where', { $where: 'sleep(100) || true' }],
  ['$expr', { $expr: { $eq: [1, 1] } }],
  ['$in', { $in: ['roads.pothole', 'x'] }],
  ['$exists', { $exists: true }],
  ['an array', ['roads.pothole']],
];

/** Requests with a JSON body, and the one field an operator replaces. */
const operatorTargets: Array<{
  name: string;
  caller: Caller;
  method: string;
  path: () => string;
  body: (op: unknown) => unknown;
}> = [
  {
    name: 'complaint categoryCode',
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    body: (op) => ({ ...validComplaint, categoryCode: op }),
  },
  {
    name: 'complaint description',
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    body: (op) => ({ ...validComplaint, description: op }),
  },
  {
    name: 'complaint latitude',
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    body: (op) => ({ ...validComplaint, latitude: op }),
  },
  {
    name: 'complaint attribute value',
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    body: (op) => ({ ...validComplaint, attributes: [{ code: 'road_type', values: [op] }] }),
  },
  {
    name: 'verification login',
    caller: 'anonymous',
    method: 'POST',
    path: () => '/v1/accounts/verification',
    body: (op) => ({ login: op, code: '123456' }),
  },
  {
    name: 'verification code',
    caller: 'anonymous',
    method: 'POST',
    path: () => '/v1/accounts/verification',
    body: (op) => ({ login: 'warga@serang.example', code: op }),
  },
  {
    name: 'registration NIK',
    caller: 'anonymous',
    method: 'POST',
    path: () => '/v1/citizens/registrations',
    body: (op) => ({ nik: op, fullName: 'Warga Uji', email: 'uji@example.org', password: 'kopi tubruk pagi hari' }),
  },
  {
    name: 'assignment expectedVersion',
    caller: 'officer',
    method: 'POST',
    path: () => `/v1/complaints/${serangComplaint.id}/assignment`,
    body: (op) => ({ expectedVersion: op, agencyId: 'dpupr' }),
  },
  {
    name: 'assignment officerId',
    caller: 'officer',
    method: 'POST',
    path: () => `/v1/complaints/${serangComplaint.id}/assignment`,
    body: (op) => ({ expectedVersion: 1, agencyId: 'dpupr', officerId: op }),
  },
  {
    name: 'staff roles',
    caller: 'admin',
    method: 'PATCH',
    path: () => '/v1/staff/demo-36.73-petugas',
    body: (op) => ({ roles: [op], agencyId: 'dpupr', version: 1 }),
  },
  {
    name: 'partner app name',
    caller: 'admin',
    method: 'POST',
    path: () => '/v1/partner-apps',
    body: (op) => ({ name: op }),
  },
];

const operatorBodies = operatorTargets.flatMap((target) =>
  operators.map(([operator, value]) => ({ ...target, label: `${operator} as the ${target.name}`, value })),
);

/** Operator and dotted keys beside valid fields. */
const operatorKeys: Array<[string, Caller, string, () => string, unknown]> = [
  ['a top-level $where', 'citizen', 'POST', () => '/v1/complaints', { ...validComplaint, $where: '1 == 1' }],
  ['a top-level $set', 'citizen', 'POST', () => '/v1/complaints', { ...validComplaint, $set: { status: 'resolved' } }],
  ['a top-level $or', 'citizen', 'POST', () => '/v1/complaints', { ...validComplaint, $or: [{ a: 1 }] }],
  ['a dotted key', 'citizen', 'POST', () => '/v1/complaints', { ...validComplaint, 'reporter.id': 'demo-36.73-admin' }],
  [
    'an operator key in an attribute',
    'citizen',
    'POST',
    () => '/v1/complaints',
    {
      ...validComplaint,
      attributes: [{ code: 'road_type', values: ['city'], $gt: '' }],
    },
  ],
  [
    'a dotted key in a transition',
    'officer',
    'POST',
    () => `/v1/complaints/${serangComplaint.id}/resolution`,
    {
      expectedVersion: 1,
      note: 'Selesai',
      'status.$ne': 'x',
    },
  ],
  [
    '$where beside a verification',
    'anonymous',
    'POST',
    () => '/v1/accounts/verification',
    {
      login: 'warga@serang.example',
      code: '123456',
      $where: 'true',
    },
  ],
  [
    '$set beside tenant settings',
    'admin',
    'PATCH',
    () => '/v1/tenants/36.73/settings',
    {
      otpTtlMinutes: 10,
      $set: { tenantId: '36.71' },
    },
  ],
];

/** Open311's flat JSON body with an operator in place of a value: "must be a plain value". */
const open311OperatorFields = ['service_code', 'lat', 'api_key', 'attribute[road_type]'];
const open311OperatorBodies = open311OperatorFields.flatMap((field) =>
  operators.map(([operator, value]) => ({ label: `${operator} as ${field}`, field, value })),
);

/** Query strings. `refused`: a 400 in the route's error format; `ignored`: the answer without the parameter. */
interface QueryProbe {
  label: string;
  caller: Caller;
  path: string;
  /** The same request without the probe, for `ignored`. */
  baseline?: string;
  open311?: 'json' | 'xml';
  expected: 'refused' | 'ignored';
  /** Whether X-Balai-Tenant names Kota Serang (default), which Open311 takes when no jurisdiction_id is sent. */
  namesTenant?: false;
}
const q = (value: string) => encodeURIComponent(value);
const inbox = (query: string): QueryProbe => ({
  label: `GET /v1/complaints?${query}`,
  caller: 'officer',
  path: `/v1/complaints?${query}`,
  expected: 'refused',
});
const open311Search = (
  query: string,
  expected: QueryProbe['expected'],
  format: 'json' | 'xml' = 'json',
): QueryProbe => ({
  label: `GET /open311/v2/requests.${format}?${query}`,
  caller: 'anonymous',
  path: `/open311/v2/requests.${format}?jurisdiction_id=36.73&${query}`,
  baseline: `/open311/v2/requests.${format}?jurisdiction_id=36.73`,
  open311: format,
  expected,
});
const queryProbes: QueryProbe[] = [
  inbox(`${q('status[$ne]')}=submitted`),
  inbox(`${q('status[$in]')}=submitted`),
  inbox(`${q('assignee[$gt]')}=`),
  inbox(`${q('assignee[$ne]')}=me`),
  inbox(`${q('agencyId[$regex]')}=.*`),
  inbox(`${q('category[$nin]')}=x`),
  inbox(`${q('mine[$ne]')}=false`),
  inbox(`${q('pageToken[$gt]')}=`),
  inbox(`${q('$where')}=1`),
  inbox(`status=${q('$ne')}`),
  inbox(`assignee=${q('$ne')}`),
  inbox(`agencyId=${q('$where')}`),
  inbox(`status=${q('{"$ne":"x"}')}`),
  inbox(`assignee=${q('{"$ne":null}')}`),
  inbox(`${q('order[$ne]')}=due`),
  inbox(`${q('pageSize[$gt]')}=0`),
  inbox(`${q('submittedFrom[$gte]')}=2020-01-01T00:00:00Z`),
  inbox(`${q('status.$ne')}=x`),
  inbox(`${q('overdue[$exists]')}=true`),
  {
    label: 'GET /v1/complaints/nearby?categoryCode[$ne]',
    caller: 'anonymous',
    path: `/v1/complaints/nearby?${q('categoryCode[$ne]')}=x&latitude=-6.12&longitude=106.15`,
    expected: 'refused',
  },
  {
    label: 'GET /v1/complaints/nearby?latitude[$gt]',
    caller: 'anonymous',
    path: `/v1/complaints/nearby?categoryCode=roads.pothole&${q('latitude[$gt]')}=0&longitude=106.15`,
    expected: 'refused',
  },
  {
    label: 'GET /v1/staff?agencyId[$ne]',
    caller: 'admin',
    path: `/v1/staff?${q('agencyId[$ne]')}=x`,
    expected: 'refused',
  },
  { label: 'GET /v1/staff?agencyId=$ne', caller: 'admin', path: `/v1/staff?agencyId=${q('$ne')}`, expected: 'refused' },
  {
    label: 'GET /v1/complaint-categories?includeInactive[$ne]',
    caller: 'anonymous',
    path: `/v1/complaint-categories?${q('includeInactive[$ne]')}=true`,
    expected: 'refused',
  },
  {
    label: 'GET /v1/agencies?id[$ne] (no query read)',
    caller: 'anonymous',
    path: `/v1/agencies?${q('id[$ne]')}=x`,
    baseline: '/v1/agencies',
    expected: 'ignored',
  },
  {
    label: 'GET /v1/tenants?id[$ne] (no query read)',
    caller: 'anonymous',
    path: `/v1/tenants?${q('id[$ne]')}=x`,
    baseline: '/v1/tenants',
    expected: 'ignored',
  },
  {
    label: 'GET /v1/permit-types?code[$ne] (no query read)',
    caller: 'anonymous',
    path: `/v1/permit-types?${q('code[$ne]')}=x`,
    baseline: '/v1/permit-types',
    expected: 'ignored',
  },
  {
    label: 'GET /v1/analytics/complaints/summary?tenantId[$ne] (no query read)',
    caller: 'admin',
    path: `/v1/analytics/complaints/summary?${q('tenantId[$ne]')}=36.73`,
    baseline: '/v1/analytics/complaints/summary',
    expected: 'ignored',
  },
  open311Search(`${q('service_code[$ne]')}=x`, 'ignored'),
  open311Search(`${q('status[$ne]')}=open`, 'ignored'),
  open311Search(`${q('service_request_id[$ne]')}=x`, 'ignored', 'xml'),
  open311Search(`${q('start_date[$gt]')}=2020-01-01`, 'ignored'),
  open311Search(`service_code=${q('$ne')}`, 'refused'),
  open311Search(`service_request_id=${q('$ne')}`, 'refused', 'xml'),
  open311Search(`service_request_id=${q('{"$gt":""}')}`, 'refused'),
  open311Search(`status=${q('$ne')}`, 'refused', 'xml'),
  open311Search(`page=${q('{"$gt":0}')}`, 'refused'),
  {
    label: 'GET /open311/v2/requests.json?jurisdiction_id[$ne] (none given)',
    caller: 'anonymous',
    path: `/open311/v2/requests.json?${q('jurisdiction_id[$ne]')}=x`,
    open311: 'json',
    expected: 'refused',
    namesTenant: false,
  },
  {
    label: 'GET /open311/v2/servicerequestupdates.xml?start_date=$gt',
    caller: 'anonymous',
    path: `/open311/v2/servicerequestupdates.xml?jurisdiction_id=36.73&start_date=${q('$gt')}`,
    open311: 'xml',
    expected: 'refused',
  },
];

/** Path parameters that are operators; the statuses a refusal may have. */
const pathProbes: Array<{
  label: string;
  caller: Caller;
  method: string;
  path: string;
  json?: unknown;
  open311?: 'json' | 'xml';
}> = [
  { label: 'complaint id $ne', caller: 'citizen', method: 'GET', path: `/v1/complaints/${q('$ne')}` },
  { label: 'complaint id {"$ne":null}', caller: 'citizen', method: 'GET', path: `/v1/complaints/${q('{"$ne":null}')}` },
  { label: 'complaint id ["$ne"]', caller: 'citizen', method: 'GET', path: `/v1/complaints/${q('["$ne"]')}` },
  { label: 'complaint id $where', caller: 'officer', method: 'GET', path: `/v1/complaints/${q('$where')}` },
  { label: 'category code $ne', caller: 'citizen', method: 'GET', path: `/v1/complaint-categories/${q('$ne')}` },
  {
    label: 'assignment of complaint {"$gt":""}',
    caller: 'officer',
    method: 'POST',
    path: `/v1/complaints/${q('{"$gt":""}')}/assignment`,
    json: { expectedVersion: 1, agencyId: 'dpupr' },
  },
  {
    label: 'staff member $ne',
    caller: 'admin',
    method: 'PATCH',
    path: `/v1/staff/${q('$ne')}`,
    json: { roles: ['officer'], agencyId: 'dpupr', version: 1 },
  },
  {
    label: 'deactivation of staff {"$ne":null}',
    caller: 'admin',
    method: 'POST',
    path: `/v1/staff/${q('{"$ne":null}')}/deactivation`,
    json: {},
  },
  { label: 'partner app $ne', caller: 'admin', method: 'DELETE', path: `/v1/partner-apps/${q('$ne')}` },
  { label: 'tenant settings of $ne', caller: 'anonymous', method: 'GET', path: `/v1/tenants/${q('$ne')}/settings` },
  {
    label: 'Open311 request $ne',
    caller: 'anonymous',
    method: 'GET',
    path: `/open311/v2/requests/${q('$ne')}.json?jurisdiction_id=36.73`,
    open311: 'json',
  },
  {
    label: 'Open311 request {"$ne":null}',
    caller: 'anonymous',
    method: 'GET',
    path: `/open311/v2/requests/${q('{"$ne":null}')}.xml?jurisdiction_id=36.73`,
    open311: 'xml',
  },
  {
    label: 'Open311 service $ne',
    caller: 'anonymous',
    method: 'GET',
    path: `/open311/v2/services/${q('$ne')}.json?jurisdiction_id=36.73`,
    open311: 'json',
  },
  {
    label: 'Open311 token $gt',
    caller: 'anonymous',
    method: 'GET',
    path: `/open311/v2/tokens/${q('$gt')}.xml?jurisdiction_id=36.73`,
    open311: 'xml',
  },
];

/** Open311 forms with operator names or values; the status and description expected. */
const open311FormProbes: Array<[string, () => URLSearchParams, number, RegExp]> = [
  [
    'service_code[$ne] instead of service_code',
    () => {
      const form = partnerForm({ service_code: null });
      form.append('service_code[$ne]', 'x');
      return form;
    },
    400,
    /^service_code is required$/,
  ],
  [
    'api_key[$ne] instead of api_key',
    () => {
      const form = partnerForm({ api_key: null });
      form.append('api_key[$ne]', '');
      return form;
    },
    403,
    /^api_key is required$/,
  ],
  [
    'lat[$gt] and long[$gt] instead of a point',
    () => {
      const form = partnerForm({ lat: null, long: null });
      form.append('lat[$gt]', '0');
      form.append('long[$gt]', '0');
      return form;
    },
    400,
    /location is required/,
  ],
  [
    'description[$regex] instead of a description',
    () => {
      const form = partnerForm({ description: null });
      form.append('description[$regex]', '.*');
      return form;
    },
    400,
    /description is required/,
  ],
  ['attribute[$where]', () => partnerForm({ 'attribute[$where]': '1' }), 400, /attribute code "\$where" is not valid/],
  ['attribute[$gt][]', () => partnerForm({ 'attribute[$gt][]': '1' }), 400, /attribute code "\$gt" is not valid/],
  ['service_code=$ne', () => partnerForm({ service_code: '$ne' }), 400, /service_code/],
  ['service_code={"$ne":null}', () => partnerForm({ service_code: '{"$ne":null}' }), 400, /service_code/],
  ['jurisdiction_id=$ne', () => partnerForm({ jurisdiction_id: '$ne' }), 404, /jurisdiction_id provided was not found/],
  ['api_key={"$ne":null}', () => partnerForm({ api_key: '{"$ne":null}' }), 403, /^Invalid api_key$/],
];

/** Headers with operators, on a public read (tenant named by header) and on signed-in calls. */
const headerProbes: Array<{
  label: string;
  caller: Caller;
  path: string;
  headers: Record<string, string>;
  open311?: 'json';
  statuses: number[];
  code?: string;
}> = [
  {
    label: 'X-Balai-Tenant {"$ne":null}',
    caller: 'anonymous',
    path: '/v1/complaint-categories',
    headers: { 'x-balai-tenant': '{"$ne":null}' },
    statuses: [400],
    code: 'TENANT_REQUIRED',
  },
  {
    label: 'X-Balai-Tenant $ne',
    caller: 'anonymous',
    path: '/v1/complaint-categories',
    headers: { 'x-balai-tenant': '$ne' },
    statuses: [400],
    code: 'TENANT_REQUIRED',
  },
  {
    label: "X-Balai-Tenant 36.73' || '1'=='1",
    caller: 'anonymous',
    path: '/v1/agencies',
    headers: { 'x-balai-tenant': "36.73' || '1'=='1" },
    statuses: [400],
    code: 'TENANT_REQUIRED',
  },
  {
    label: 'X-Balai-Tenant [$regex]',
    caller: 'anonymous',
    path: `/v1/complaints/${'x'}`,
    headers: { 'x-balai-tenant': '[$regex]=.*' },
    statuses: [400],
    code: 'TENANT_REQUIRED',
  },
  {
    label: 'X-Balai-Tenant $ne, signed in',
    caller: 'officer',
    path: '/v1/complaints',
    headers: { 'x-balai-tenant': '{"$ne":"36.71"}' },
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: 'Bearer {"$ne":null}',
    caller: 'anonymous',
    path: '/v1/complaints',
    headers: { authorization: 'Bearer {"$ne":null}' },
    statuses: [401],
    code: 'UNAUTHENTICATED',
  },
  {
    label: 'Bearer $where',
    caller: 'anonymous',
    path: '/v1/staff',
    headers: { authorization: 'Bearer $where' },
    statuses: [401],
    code: 'UNAUTHENTICATED',
  },
  {
    label: 'X-Balai-Tenant {"$ne":null} on Open311',
    caller: 'anonymous',
    path: '/open311/v2/requests.json',
    headers: { 'x-balai-tenant': '{"$ne":null}' },
    open311: 'json',
    statuses: [400],
  },
];

/** OIDC token requests with operator names: the provider reads flat form fields only. */
const oidcOperatorForms: Array<[string, () => string]> = [
  [
    'code[$ne]',
    () =>
      `grant_type=authorization_code&client_id=balai-web&${q('code[$ne]')}=x&redirect_uri=${q(webClient.redirectUri)}&code_verifier=${'a'.repeat(43)}`,
  ],
  ['refresh_token[$gt]', () => `grant_type=refresh_token&client_id=balai-web&${q('refresh_token[$gt]')}=`],
  ['client_id[$ne]', () => `grant_type=client_credentials&${q('client_id[$ne]')}=x&client_secret=x`],
  ['grant_type[$ne]', () => `${q('grant_type[$ne]')}=x&client_id=balai-web`],
];

describe('NoSQL operators', () => {
  it.each(operatorBodies)(
    'should refuse $label with 400 VALIDATION_FAILED',
    async ({ caller, method, path, body, value }) => {
      expectProblem(
        await send(method, path(), { caller, tenant: serang, json: body(value) }),
        [400],
        'VALIDATION_FAILED',
      );
    },
  );

  it.each(operatorKeys)('should refuse %s with 400', async (_label, caller, method, path, body) => {
    expectProblem(await send(method, path(), { caller, tenant: serang, json: body }), [400], 'VALIDATION_FAILED');
  });

  it.each(open311OperatorBodies)('should refuse an Open311 JSON body with $label', async ({ field, value }) => {
    const form = Object.fromEntries(partnerForm());
    const answer = await postOpen311('json', JSON.stringify({ ...form, [field]: value }));
    expectOpen311Errors(answer, 'json', [400], new RegExp(`${field.replace(/[[\]]/g, '\\$&')} must be a plain value`));
  });

  it.each(queryProbes)(
    'should answer $label as $expected',
    async ({ caller, path, baseline, open311, expected, namesTenant }) => {
      const answer = await send('GET', path, { caller, tenant: namesTenant === false ? undefined : serang });
      if (expected === 'ignored') {
        const without = await send('GET', baseline ?? '', { caller, tenant: serang });
        expect(answer.status, answer.body.slice(0, 300)).toBe(200);
        expect(answer.body).toBe(without.body);
      } else if (open311) expectOpen311Errors(answer, open311, [400]);
      else expectProblem(answer, [400], 'VALIDATION_FAILED');
    },
  );

  it.each(pathProbes)('should find nothing for the $label', async ({ caller, method, path, json, open311 }) => {
    const answer = await send(method, path, { caller, tenant: serang, json });
    if (open311) expectOpen311Errors(answer, open311, [404]);
    else expectProblem(answer, [400, 404]);
  });

  it.each(open311FormProbes)('should refuse an Open311 form with %s', async (_label, form, status, description) => {
    expectOpen311Errors(await postOpen311('xml', form()), 'xml', [status], description);
  });

  it.each(headerProbes)('should refuse $label', async ({ caller, path, headers, open311, statuses, code }) => {
    const answer = await send('GET', path, { caller, headers });
    if (open311) expectOpen311Errors(answer, open311, statuses);
    else expectProblem(answer, statuses, code);
  });

  it.each(oidcOperatorForms)('should refuse a token request with %s', async (_label, form) => {
    expectOAuthError(
      await tokenRequest(issuer, form()),
      [400, 401],
      /^(invalid_request|invalid_client|unsupported_grant_type)$/,
    );
  });

  storesNothing('the refused operator requests');
});

describe('operators taken as literal text where any text is allowed', () => {
  it('should file a new complaint under the Idempotency-Key {"$ne":null}, not replay another one', async () => {
    const first = await send('POST', '/v1/complaints', {
      caller: 'citizen',
      json: validComplaint,
      headers: { 'idempotency-key': `kunci-${randomBytes(4).toString('hex')}` },
    });
    expect(first.status).toBe(201);
    const operator = await send('POST', '/v1/complaints', {
      caller: 'citizen',
      json: validComplaint,
      headers: { 'idempotency-key': '{"$ne":null}' },
    });
    expect(operator.status, operator.body).toBe(201);
    expect(JSON.parse(operator.body).id).not.toBe(JSON.parse(first.body).id);
    const again = await send('POST', '/v1/complaints', {
      caller: 'citizen',
      json: validComplaint,
      headers: { 'idempotency-key': '{"$ne":null}' },
    });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body).id).toBe(JSON.parse(operator.body).id);
  });

  it('should keep a description made of operators as the text it is', async () => {
    const description = '{"$where": "sleep(1000)", "$ne": null} $gt $regex .*';
    const filed = await send('POST', '/v1/complaints', { caller: 'citizen', json: { ...validComplaint, description } });
    expect(filed.status).toBe(201);
    const read = await send('GET', `/v1/complaints/${JSON.parse(filed.body).id}`, { caller: 'citizen' });
    expect(JSON.parse(read.body).description).toBe(description);
  });
});

// ---- Deep and huge JSON --------------------------------------------------------------------------

const nested = (depth: number, open: string, close: string, inner = '1') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
const mebibyte = 1024 * 1024;
/** A complaint whose fields are padded so the body is `size` bytes. */
function complaintOfSize(size: number): string {
  const frame = JSON.stringify({ ...validComplaint, description: '' });
  return JSON.stringify({ ...validComplaint, description: 'x'.repeat(size - frame.length) });
}

/** Bodies that are large or deep; `problem` routes answer problem+json, `open311` Open311 errors. */
const deepBodies: Array<{
  label: string;
  caller: Caller;
  path: string;
  raw: () => string;
  contentType?: string;
  status: number;
  open311?: 'json';
}> = [
  {
    label: 'an array nested 1,000 deep as the category',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => JSON.stringify({ ...validComplaint, categoryCode: '@' }).replace('"@"', nested(1_000, '[', ']')),
    status: 400,
  },
  {
    label: 'an object nested 1,000 deep as an attribute value',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () =>
      JSON.stringify({ ...validComplaint, attributes: [{ code: 'road_type', values: ['@'] }] }).replace(
        '"@"',
        nested(1_000, '{"a":', '}'),
      ),
    status: 400,
  },
  {
    label: 'a body that is an array nested 10,000 deep',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => nested(10_000, '[', ']'),
    status: 400,
  },
  {
    label: 'an object nested 10,000 deep beside valid fields',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => JSON.stringify({ ...validComplaint, address: '@' }).replace('"@"', nested(10_000, '{"a":', '}')),
    status: 400,
  },
  {
    label: 'an array nested 100,000 deep',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => nested(100_000, '[', ']'),
    status: 400,
  },
  {
    label: 'an array nested 500,000 deep (just under 1 MiB)',
    caller: 'anonymous',
    path: '/v1/citizens/registrations',
    raw: () => JSON.stringify({ nik: '@' }).replace('"@"', nested(500_000, '[', ']')),
    status: 400,
  },
  {
    label: 'an unclosed nesting of 100,000',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => '['.repeat(100_000),
    status: 400,
  },
  {
    label: '30,000 attributes',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () =>
      JSON.stringify({
        ...validComplaint,
        attributes: Array.from({ length: 30_000 }, () => ({ code: 'a', values: ['b'] })),
      }),
    status: 400,
  },
  {
    label: '200,000 media URLs',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => JSON.stringify({ ...validComplaint, mediaUrls: Array.from({ length: 200_000 }, () => 'x') }),
    status: 400,
  },
  {
    label: '60,000 unknown fields',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () =>
      JSON.stringify({
        ...validComplaint,
        ...Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}`, 1])),
      }),
    status: 400,
  },
  {
    label: '60,000 unknown fields in an anonymous registration',
    caller: 'anonymous',
    path: '/v1/citizens/registrations',
    raw: () => JSON.stringify(Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}`, 1]))),
    status: 400,
  },
  {
    label: 'a description just under 1 MiB',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => complaintOfSize(mebibyte - 1),
    status: 400,
  },
  {
    label: 'a body of 1 MiB and one byte',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => complaintOfSize(mebibyte + 1),
    status: 413,
  },
  {
    label: 'a body of 8 MiB',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => complaintOfSize(8 * mebibyte),
    status: 413,
  },
  {
    label: 'a latitude of 1e999 (Infinity)',
    caller: 'citizen',
    path: '/v1/complaints',
    raw: () => JSON.stringify(validComplaint).replace('-6.12', '1e999'),
    status: 400,
  },
  {
    label: 'an expectedVersion past 2^53',
    caller: 'officer',
    path: '/v1/complaints/@/assignment',
    raw: () => '{"expectedVersion":9007199254740993,"agencyId":"dpupr"}',
    status: 400,
  },
  {
    label: 'a registration name nested 10,000 deep',
    caller: 'anonymous',
    path: '/v1/citizens/registrations',
    raw: () =>
      JSON.stringify({
        nik: '3673014508900001',
        fullName: '@',
        email: 'a@b.id',
        password: 'kopi tubruk pagi hari',
      }).replace('"@"', nested(10_000, '{"a":', '}')),
    status: 400,
  },
  {
    label: 'an Open311 JSON value nested 10,000 deep',
    caller: 'anonymous',
    path: '/open311/v2/requests.json',
    raw: () => JSON.stringify(Object.fromEntries(partnerForm())).replace('"roads.pothole"', nested(10_000, '[', ']')),
    status: 400,
    open311: 'json',
  },
  {
    label: 'an Open311 form description just under 1 MiB',
    caller: 'anonymous',
    path: '/open311/v2/requests.json',
    raw: () => partnerForm({ description: 'x'.repeat(mebibyte - 400) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
    status: 400,
    open311: 'json',
  },
  {
    label: 'an Open311 form of 2 MiB',
    caller: 'anonymous',
    path: '/open311/v2/requests.json',
    raw: () => partnerForm({ description: 'x'.repeat(2 * mebibyte) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
    status: 413,
    open311: 'json',
  },
  {
    label: 'an Open311 form of 100,000 parameters',
    caller: 'anonymous',
    path: '/open311/v2/requests.json',
    raw: () => `${partnerForm().toString()}${'&a=1'.repeat(100_000)}`,
    contentType: 'application/x-www-form-urlencoded',
    status: 400,
    open311: 'json',
  },
];

/** Requests whose head is large: the URL or a header. */
const largeHeads: Array<{
  label: string;
  caller: Caller;
  path: string;
  headers?: Record<string, string>;
  statuses: number[];
}> = [
  {
    label: 'a 64 KiB query string',
    caller: 'anonymous',
    path: `/v1/complaints/nearby?categoryCode=${'a'.repeat(64 * 1024)}`,
    statuses: [414, 431],
  },
  {
    label: 'a query of 1,000 repeated statuses',
    caller: 'officer',
    path: `/v1/complaints?${'status=open&'.repeat(1_000)}`,
    statuses: [400],
  },
  {
    label: 'a query key nested 1,000 deep',
    caller: 'officer',
    path: `/v1/complaints?a${'[b]'.repeat(1_000)}=1`,
    statuses: [400],
  },
  {
    label: 'a 32 KiB X-Balai-Tenant',
    caller: 'anonymous',
    path: '/v1/agencies',
    headers: { 'x-balai-tenant': '3'.repeat(32 * 1024) },
    statuses: [431],
  },
  {
    label: 'a 200-character path parameter',
    caller: 'anonymous',
    path: `/v1/complaints/${'c'.repeat(200)}`,
    headers: { 'x-balai-tenant': serang },
    statuses: [400, 404],
  },
];

describe('deep and huge JSON', () => {
  it.each(deepBodies)(
    'should refuse $label with $status',
    async ({ caller, path, raw, contentType, status, open311 }) => {
      const answer = await send('POST', path.replace('@', serangComplaint.id), {
        caller,
        tenant: serang,
        raw: raw(),
        contentType,
      });
      if (open311) expectOpen311Errors(answer, open311, [status]);
      else expectProblem(answer, [status]);
      // A refusal is no amplifier: its body stays small whatever the request held.
      expect(answer.body.length).toBeLessThan(16 * 1024);
    },
  );

  it.each(largeHeads)('should refuse $label', async ({ caller, path, headers, statuses }) => {
    expectProblem(await send('GET', path, { caller, headers }), statuses);
  });

  storesNothing('the refused deep and huge bodies');
});

// ---- Prototype keys ------------------------------------------------------------------------------

/** A JSON text with `key` (raw, so `__proto__` is a key and not the object's prototype) beside valid fields. */
const withRawKey = (valid: object, key: string, value = '{"balaiPolluted":"yes"}') =>
  `{"${key}":${value},${JSON.stringify(valid).slice(1)}`;

const prototypeBodies: Array<{
  label: string;
  caller: Caller;
  method: string;
  path: () => string;
  raw: () => string;
  open311?: 'json';
}> = [
  {
    label: '__proto__ in a complaint',
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    raw: () => withRawKey(validComplaint, '__proto__'),
  },
  {
    label: 'constructor.prototype in a complaint',
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    raw: () => withRawKey(validComplaint, 'constructor', '{"prototype":{"balaiPolluted":"yes"}}'),
  },
  {
    label: 'an escaped \\u005f\\u005fproto__ in a complaint',
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    raw: () => withRawKey(validComplaint, '\\u005f\\u005fproto__'),
  },
  {
    label: '__proto__ inside an attribute',
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    raw: () =>
      JSON.stringify({ ...validComplaint, attributes: [{ code: 'road_type', values: ['city'] }] }).replace(
        '{"code"',
        '{"__proto__":{"balaiPolluted":"yes"},"code"',
      ),
  },
  {
    label: '__proto__ in a registration',
    caller: 'anonymous',
    method: 'POST',
    path: () => '/v1/citizens/registrations',
    raw: () =>
      withRawKey(
        { nik: '3673014508900001', fullName: 'Warga Uji', email: 'a@b.id', password: 'kopi tubruk pagi hari' },
        '__proto__',
        '{"roles":["platform_admin"]}',
      ),
  },
  {
    label: '__proto__ in tenant settings',
    caller: 'admin',
    method: 'PATCH',
    path: () => '/v1/tenants/36.73/settings',
    raw: () => withRawKey({ otpTtlMinutes: 10 }, '__proto__', '{"complaintReopenWindowDays":365}'),
  },
  {
    label: 'constructor.prototype in a staff change',
    caller: 'admin',
    method: 'PATCH',
    path: () => '/v1/staff/demo-36.73-petugas',
    raw: () =>
      withRawKey(
        { roles: ['officer'], agencyId: 'dpupr', version: 1 },
        'constructor',
        '{"prototype":{"roles":["platform_admin"]}}',
      ),
  },
  {
    label: '__proto__ in a category',
    caller: 'admin',
    method: 'PUT',
    path: () => '/v1/complaint-categories/roads.pothole',
    raw: () => withRawKey({ expectedVersion: 1 }, '__proto__'),
  },
  {
    label: '__proto__ in a transition',
    caller: 'officer',
    method: 'POST',
    path: () => `/v1/complaints/${serangComplaint.id}/assignment`,
    raw: () => withRawKey({ expectedVersion: 1, agencyId: 'dpupr' }, '__proto__', '{"officerId":"demo-36.71-petugas"}'),
  },
  {
    label: '__proto__ in an Open311 JSON body',
    caller: 'anonymous',
    method: 'POST',
    path: () => '/open311/v2/requests.json',
    raw: () => withRawKey(Object.fromEntries(partnerForm()), '__proto__'),
    open311: 'json',
  },
  {
    label: 'constructor.prototype in an Open311 JSON body',
    caller: 'anonymous',
    method: 'POST',
    path: () => '/open311/v2/requests.json',
    raw: () => withRawKey(Object.fromEntries(partnerForm()), 'constructor', '{"prototype":{"balaiPolluted":"yes"}}'),
    open311: 'json',
  },
];

/** Open311 forms with prototype names: refused attribute codes, or forms refused for another reason. */
const prototypeForms: Array<[string, () => URLSearchParams, number]> = [
  ['attribute[__proto__]', () => partnerForm({ 'attribute[__proto__]': 'x' }), 400],
  ['attribute[constructor]', () => partnerForm({ 'attribute[constructor]': 'x' }), 400],
  ['attribute[prototype][]', () => partnerForm({ 'attribute[prototype][]': 'x' }), 400],
  [
    '__proto__[balaiPolluted] without a service_code',
    () => partnerForm({ service_code: null, '__proto__[balaiPolluted]': 'yes' }),
    400,
  ],
  [
    'constructor[prototype][balaiPolluted] without a point',
    () => partnerForm({ lat: null, long: null, 'constructor[prototype][balaiPolluted]': 'yes' }),
    400,
  ],
  ['__proto__=x and a forged api_key', () => partnerForm({ api_key: 'eDp5', ['__proto__']: 'x' }), 403],
];

const prototypeQueries: Array<{
  label: string;
  caller: Caller;
  path: string;
  open311?: 'json' | 'xml';
  statuses: number[];
}> = [
  {
    label: '/v1/complaints?__proto__[status]=x',
    caller: 'officer',
    path: `/v1/complaints?${q('__proto__[status]')}=x`,
    statuses: [400],
  },
  {
    label: '/v1/complaints?constructor[prototype][status]=x',
    caller: 'officer',
    path: `/v1/complaints?${q('constructor[prototype][status]')}=x`,
    statuses: [400],
  },
  { label: '/v1/complaints?constructor=x', caller: 'officer', path: '/v1/complaints?constructor=x', statuses: [400] },
  {
    label: '/v1/complaint-categories/__proto__',
    caller: 'anonymous',
    path: '/v1/complaint-categories/__proto__',
    statuses: [400, 404],
  },
  {
    label: '/v1/complaint-categories/constructor',
    caller: 'anonymous',
    path: '/v1/complaint-categories/constructor',
    statuses: [400, 404],
  },
  { label: '/v1/complaints/__proto__', caller: 'anonymous', path: '/v1/complaints/__proto__', statuses: [400, 404] },
  {
    label: '/v1/tenants/__proto__/settings',
    caller: 'anonymous',
    path: '/v1/tenants/__proto__/settings',
    statuses: [400],
  },
  {
    label: '/open311/v2/services/__proto__.json',
    caller: 'anonymous',
    path: '/open311/v2/services/__proto__.json?jurisdiction_id=36.73',
    open311: 'json',
    statuses: [404],
  },
  {
    label: '/open311/v2/requests/constructor.xml',
    caller: 'anonymous',
    path: '/open311/v2/requests/constructor.xml?jurisdiction_id=36.73',
    open311: 'xml',
    statuses: [404],
  },
  {
    label: '/open311/v2/services.__proto__',
    caller: 'anonymous',
    path: '/open311/v2/services.__proto__?jurisdiction_id=36.73',
    open311: 'json',
    statuses: [404],
  },
  {
    label: 'jurisdiction_id=__proto__',
    caller: 'anonymous',
    path: '/open311/v2/services.xml?jurisdiction_id=__proto__',
    open311: 'xml',
    statuses: [404],
  },
  {
    label: 'jurisdiction_id=constructor',
    caller: 'anonymous',
    path: '/open311/v2/requests.json?jurisdiction_id=constructor',
    open311: 'json',
    statuses: [404],
  },
  {
    label: 'jurisdiction_id=hasOwnProperty',
    caller: 'anonymous',
    path: '/open311/v2/servicerequestupdates.json?jurisdiction_id=hasOwnProperty',
    open311: 'json',
    statuses: [404],
  },
  { label: 'X-Balai-Tenant __proto__', caller: 'anonymous', path: '/v1/complaint-categories', statuses: [400] },
];

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

describe('prototype keys', () => {
  it.each(prototypeBodies)('should refuse $label with 400', async ({ caller, method, path, raw, open311 }) => {
    const answer = await send(method, path(), { caller, tenant: serang, raw: raw() });
    if (open311) expectOpen311Errors(answer, open311, [400]);
    else expectProblem(answer, [400], /^(MALFORMED_JSON|VALIDATION_FAILED)$/);
  });

  it.each(prototypeForms)('should refuse an Open311 form with %s', async (_label, form, status) => {
    expectOpen311Errors(await postOpen311('xml', form()), 'xml', [status]);
  });

  it.each(prototypeQueries)('should refuse $label', async ({ caller, path, open311, statuses, label }) => {
    const headers = label.startsWith('X-Balai-Tenant')
      ? { 'x-balai-tenant': '__proto__' }
      : { 'x-balai-tenant': serang };
    const answer = await send('GET', path, { caller, headers });
    if (open311) expectOpen311Errors(answer, open311, statuses);
    else expectProblem(answer, statuses);
  });

  storesNothing('the refused prototype-key requests');
});

describe('prototype keys where unknown names are ignored', () => {
  it('should file an otherwise valid Open311 form and keep nothing of its prototype names', async () => {
    const form = partnerForm({ '__proto__[balaiPolluted]': 'yes', 'constructor[prototype][balaiPolluted]': 'yes' });
    const filed = await postOpen311('json', form);
    expect(filed.status, filed.body).toBe(200);
    const [{ service_request_id: id }] = JSON.parse(filed.body) as [{ service_request_id: string }];
    const stored = await send('GET', `/v1/complaints/${id}`, { caller: 'officer' });
    expect(JSON.parse(stored.body)).toMatchObject({ attributes: [], categoryCode: 'roads.pothole' });
  });

  it('should leave Object.prototype as it was in every service of this process', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).balaiPolluted).toBeUndefined();
    expect(({} as Record<string, unknown>).roles).toBeUndefined();
  });
});

// ---- XML injection -------------------------------------------------------------------------------

/** Text that tries to break out of an XML element, accepted as text and given back as sent. */
const markup: Array<[string, string]> = [
  ['an element breakout', '</description><status>closed</status><description>'],
  ['a CDATA section', '<![CDATA[<b>tebal</b>]]>'],
  ['a lone CDATA end', 'akhir ]]> di tengah'],
  ['an external entity', '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>&xxe;'],
  ['entity references', '&amp; &lt; &#x41; &#0; &unknown;'],
  ['quotes and brackets', `"kutip" 'apostrof' <> & semua`],
  ['processing instructions', '<?xml version="1.0"?><?xml-stylesheet href="jahat.xsl"?>'],
  ['a comment', '--><!-- komentar -->'],
  ['a script', '<script>alert(document.cookie)</script>'],
  ['non-ASCII text', 'Jl. Raya Serang – Cilegon 🚧 中文 Ñandú'],
  ['a right-to-left override', 'teks \u202egnalab\u202c biasa'],
  ['zero-width characters', 'nol\u200blebar\u200dgabung'],
];

/** What no stored text may hold (complaints' free-text rule): controls, unpaired surrogates, non-characters. */
const refusedInText = /[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/u;

/** Characters XML 1.0 cannot carry or the platform refuses in text: every one a 400, nothing stored. */
const controlCharacters: Array<[string, string]> = [
  ['NUL', '\u0000'],
  ['SOH', '\u0001'],
  ['backspace', '\u0008'],
  ['vertical tab', '\u000B'],
  ['form feed', '\u000C'],
  ['escape', '\u001B'],
  ['DEL', '\u007F'],
  ['NEL (C1)', '\u0085'],
  ['APC (C1)', '\u009F'],
  ['non-character U+FFFE', '\uFFFE'],
  ['non-character U+FFFF', '\uFFFF'],
  ['a lone carriage return', '\r'],
];

/** A table's rows with their index, for names that must differ per row. */
function numbered<Row extends readonly unknown[]>(rows: Row[]): Array<[...Row, number]> {
  return rows.map((row, index) => [...row, index]);
}

async function requestXml(id: string): Promise<Record<string, string>> {
  const answer = await send('GET', `/open311/v2/requests/${id}.xml?jurisdiction_id=36.73`);
  expect(answer.status, answer.body).toBe(200);
  const root = parseXml(answer.body);
  expect(root.nodeName).toBe('service_requests');
  const requests = xmlChildren(root);
  expect(requests.map((element) => element.nodeName)).toEqual(['request']);
  const fields = xmlFields(requests[0] as never);
  // Exactly the specification's elements: nothing injected.
  expect(fields.map(([name]) => name)).toEqual([
    'service_request_id',
    'status',
    'status_notes',
    'service_name',
    'service_code',
    'description',
    'agency_responsible',
    'service_notice',
    'requested_datetime',
    'updated_datetime',
    'expected_datetime',
    'address',
    'address_id',
    'zipcode',
    'lat',
    'long',
    'media_url',
  ]);
  return Object.fromEntries(fields);
}

describe('XML injection into what Open311 renders', () => {
  it.each(markup)('should give %s back as text in every XML answer that carries it', async (_label, text) => {
    const since = new Date(Date.now() - 1000).toISOString();
    const filed = await postOpen311(
      'xml',
      partnerForm({ description: `Uji XML: ${text}`, address_string: text, account_id: text.slice(0, 200) }),
    );
    expect(filed.status, filed.body).toBe(200);
    const created = xmlChildren(parseXml(filed.body));
    const echoed = Object.fromEntries(xmlFields(created[0] as never));
    expect(Object.keys(echoed)).toEqual(['service_request_id', 'service_notice', 'account_id']);
    expect(echoed.account_id).toBe(text);
    const id = echoed.service_request_id ?? '';

    const officer = (step: string, body: unknown) =>
      send('POST', `/v1/complaints/${id}/${step}`, { caller: 'officer', json: body });
    expect((await officer('assignment', { expectedVersion: 1, agencyId: 'dpupr' })).status).toBe(200);
    expect((await officer('resolution', { expectedVersion: 2, note: `Catatan: ${text}` })).status).toBe(200);

    const request = await requestXml(id);
    expect(request).toMatchObject({ description: `Uji XML: ${text}`, address: text, status_notes: `Catatan: ${text}` });
    const json = JSON.parse((await send('GET', `/open311/v2/requests/${id}.json?jurisdiction_id=36.73`)).body);
    expect(json[0]).toMatchObject({ description: `Uji XML: ${text}`, address: text, status_notes: `Catatan: ${text}` });

    const updates = await send(
      'GET',
      `/open311/v2/servicerequestupdates.xml?jurisdiction_id=36.73&start_date=${since}`,
    );
    const root = parseXml(updates.body);
    const ofRequest = xmlChildren(root, 'request_update')
      .map((update) => Object.fromEntries(xmlFields(update)))
      .filter((update) => update.service_request_id === id);
    expect(ofRequest.map((update) => update.description)).toContain(`Catatan: ${text}`);
  });

  it.each(numbered(markup))(
    'should render %s in a category, its attribute and its agency as text',
    async (_label, text, index) => {
      const agencyId = `probe-xml-${index}`;
      const code = `probe.xml-${index}`;
      const agency = await send('POST', '/v1/agencies', {
        caller: 'admin',
        json: { id: agencyId, name: `Dinas ${text}`, shortName: 'Dinas Uji' },
      });
      expect(agency.status, agency.body).toBe(201);
      const category = await send('PUT', `/v1/complaint-categories/${code}`, {
        caller: 'admin',
        json: {
          names: { id: text, en: text },
          group: 'uji',
          keywords: ['uji'],
          agencyId,
          slaHours: 72,
          anonymousAllowed: false,
          attributes: [
            {
              code: 'catatan',
              datatype: 'singlevaluelist',
              required: false,
              order: 1,
              labels: { id: text, en: text },
              values: [{ key: 'a', names: { id: text, en: text } }],
            },
          ],
          expectedVersion: 0,
        },
      });
      expect(category.status, category.body).toBe(201);

      const services = parseXml((await send('GET', '/open311/v2/services.xml?jurisdiction_id=36.73')).body);
      const service = xmlChildren(services, 'service')
        .map((element) => Object.fromEntries(xmlFields(element)))
        .find((entry) => entry.service_code === code);
      expect(service?.service_name).toBe(text);

      const definition = parseXml((await send('GET', `/open311/v2/services/${code}.xml?jurisdiction_id=36.73`)).body);
      expect(definition.nodeName).toBe('service_definition');
      const [attribute] = xmlChildren(xmlChildren(definition, 'attributes')[0] as never, 'attribute');
      const attributeFields = Object.fromEntries(xmlFields(attribute as never));
      expect(attributeFields.description).toBe(text);
      const [value] = xmlChildren(xmlChildren(attribute as never, 'values')[0] as never, 'value');
      expect(Object.fromEntries(xmlFields(value as never)).name).toBe(text);

      const filed = await postOpen311('json', partnerForm({ service_code: code }));
      expect(filed.status, filed.body).toBe(200);
      const request = await requestXml(JSON.parse(filed.body)[0].service_request_id);
      expect(request).toMatchObject({ service_name: text, agency_responsible: `Dinas ${text}` });
    },
  );

  it.each(markup)('should answer an error echoing %s as a well-formed document', async (_label, text) => {
    const path = `/open311/v2/requests.{format}?jurisdiction_id=36.73&service_request_id=${q(`a${text}`)}`;
    const xml = expectOpen311Errors(await send('GET', path.replace('{format}', 'xml')), 'xml', [400]);
    const json = expectOpen311Errors(await send('GET', path.replace('{format}', 'json')), 'json', [400]);
    expect(xml).toEqual(json);
  });

  it('should refuse an unpaired surrogate sent in Open311 JSON, or keep U+FFFD in its place, never itself', async () => {
    const body = JSON.stringify({ ...Object.fromEntries(partnerForm()), description: 'Uji surrogate \ud800 tunggal' });
    expect(body).toContain('\\ud800');
    const filed = await postOpen311('json', body);
    // The form is read through URLSearchParams, which turns it into U+FFFD; complaints would refuse it.
    if (filed.status !== 200) return void expectOpen311Errors(filed, 'json', [400], /description/);
    const id = JSON.parse(filed.body)[0].service_request_id;
    const [request] = JSON.parse((await send('GET', `/open311/v2/requests/${id}.json?jurisdiction_id=36.73`)).body);
    expect(request.description).toBe('Uji surrogate \ufffd tunggal');
  });

  describe('control characters', () => {
    it.each(controlCharacters)(
      'should refuse %s in an Open311 description, answering well-formed XML',
      async (_label, character) => {
        expectOpen311Errors(
          await postOpen311('xml', partnerForm({ description: `Uji karakter ${character} kendali` })),
          'xml',
          [400],
          /description/,
        );
      },
    );

    it.each(controlCharacters)('should refuse %s in an Open311 address_string', async (_label, character) => {
      expectOpen311Errors(
        await postOpen311('xml', partnerForm({ address_string: `Jl. Uji ${character} 5` })),
        'xml',
        [400],
        /address/,
      );
    });

    it.each(controlCharacters)('should refuse %s in an officer’s resolution note', async (_label, character) => {
      const answer = await send('POST', `/v1/complaints/${serangComplaint.id}/resolution`, {
        caller: 'officer',
        json: { expectedVersion: serangComplaint.version, note: `Selesai ${character} diperbaiki` },
      });
      expectProblem(answer, [400], 'VALIDATION_FAILED');
    });

    it.each(controlCharacters)('should refuse %s in a category name', async (_label, character) => {
      const answer = await send('PUT', '/v1/complaint-categories/probe.control', {
        caller: 'admin',
        json: {
          names: { id: `Uji ${character}`, en: 'Test' },
          group: 'uji',
          keywords: [],
          agencyId: 'dpupr',
          slaHours: 72,
          anonymousAllowed: false,
          attributes: [],
          expectedVersion: 0,
        },
      });
      expectProblem(answer, [400], 'VALIDATION_FAILED');
    });

    storesNothing('the refused control characters');
  });

  /*
   * Identity's free text: agency names reach Open311 as agency_responsible, partner app names
   * the admin pages. Whether a character is refused or cleaned away (identity folds whitespace in
   * partner app names), none of them may be stored.
   */
  describe('control characters in what identity stores', () => {
    it.each(numbered(controlCharacters))('should store no %s in an agency name', async (_label, character, index) => {
      const id = `probe-control-${index}`;
      const answer = await send('POST', '/v1/agencies', {
        caller: 'admin',
        json: { id, name: `Dinas ${character} Uji`, shortName: `Uji ${character} ${index}` },
      });
      if (answer.status !== 201) return expectProblem(answer, [400], 'VALIDATION_FAILED');
      const { items: agencies } = JSON.parse((await send('GET', '/v1/agencies', { tenant: serang })).body) as {
        items: Array<{ id: string; name: string; shortName: string }>;
      };
      const stored = agencies.find((agency) => agency.id === id);
      expect(stored).toBeDefined();
      expect(`${stored?.name} ${stored?.shortName}`).not.toMatch(refusedInText);
    });

    it.each(controlCharacters)('should store no %s in a partner app name', async (_label, character) => {
      const name = `Lapor ${character} ${randomBytes(3).toString('hex')}`;
      const answer = await send('POST', '/v1/partner-apps', { caller: 'admin', json: { name } });
      if (answer.status !== 201) return expectProblem(answer, [400], 'VALIDATION_FAILED');
      expect(JSON.parse(answer.body).partnerApp.name).not.toMatch(refusedInText);
    });
  });
});

// ---- Tenant isolation ----------------------------------------------------------------------------

/** Kota Tangerang's callers reaching for Kota Serang's data, and the other way round. */
const crossings: Array<{
  label: string;
  caller: Caller;
  method: string;
  path: () => string;
  tenant?: string;
  json?: () => unknown;
  statuses: number[];
  code?: string;
}> = [
  {
    label: "Tangerang's admin reads Serang's complaint",
    caller: 'otherAdmin',
    method: 'GET',
    path: () => `/v1/complaints/${serangComplaint.id}`,
    statuses: [404],
    code: 'COMPLAINT_NOT_FOUND',
  },
  {
    label: "Tangerang's admin reads it naming Serang",
    caller: 'otherAdmin',
    method: 'GET',
    path: () => `/v1/complaints/${serangComplaint.id}`,
    tenant: serang,
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: "Tangerang's admin lists Serang's inbox",
    caller: 'otherAdmin',
    method: 'GET',
    path: () => '/v1/complaints',
    tenant: serang,
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: "Tangerang's admin assigns Serang's complaint",
    caller: 'otherAdmin',
    method: 'POST',
    path: () => `/v1/complaints/${serangComplaint.id}/assignment`,
    json: () => ({ expectedVersion: 1, agencyId: 'dpupr' }),
    statuses: [404],
    code: 'COMPLAINT_NOT_FOUND',
  },
  {
    label: "Tangerang's admin comments on Serang's complaint",
    caller: 'otherAdmin',
    method: 'POST',
    path: () => `/v1/complaints/${serangComplaint.id}/comments`,
    json: () => ({ expectedVersion: 1, text: 'Dari kota lain', visibility: 'internal' }),
    statuses: [404],
    code: 'COMPLAINT_NOT_FOUND',
  },
  {
    label: "Tangerang's officer resolves Serang's complaint",
    caller: 'otherOfficer',
    method: 'POST',
    path: () => `/v1/complaints/${serangComplaint.id}/resolution`,
    json: () => ({ expectedVersion: 1, note: 'Selesai' }),
    statuses: [404],
    code: 'COMPLAINT_NOT_FOUND',
  },
  {
    label: "Tangerang's officer marks its complaint a duplicate of Serang's",
    caller: 'otherOfficer',
    method: 'POST',
    path: () => `/v1/complaints/${tangerangComplaint.id}/duplicate-of`,
    json: () => ({ expectedVersion: tangerangComplaint.version, duplicateOfId: serangComplaint.id }),
    statuses: [404, 422],
  },
  {
    label: "Serang's citizen reads Tangerang's complaint",
    caller: 'citizen',
    method: 'GET',
    path: () => `/v1/complaints/${tangerangComplaint.id}`,
    statuses: [404],
    code: 'COMPLAINT_NOT_FOUND',
  },
  {
    label: "Serang's citizen files in Tangerang",
    caller: 'citizen',
    method: 'POST',
    path: () => '/v1/complaints',
    tenant: tangerang,
    json: () => validComplaint,
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: "anyone reads Serang's complaint naming Tangerang",
    caller: 'anonymous',
    method: 'GET',
    path: () => `/v1/complaints/${serangComplaint.id}`,
    tenant: tangerang,
    statuses: [404],
    code: 'COMPLAINT_NOT_FOUND',
  },
  {
    label: 'anyone reads a complaint naming no tenant',
    caller: 'anonymous',
    method: 'GET',
    path: () => `/v1/complaints/${serangComplaint.id}`,
    statuses: [400],
    code: 'TENANT_REQUIRED',
  },
  {
    label: "Tangerang's admin lists Serang's staff",
    caller: 'otherAdmin',
    method: 'GET',
    path: () => '/v1/staff',
    tenant: serang,
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: "Tangerang's admin changes Serang's officer",
    caller: 'otherAdmin',
    method: 'PATCH',
    path: () => '/v1/staff/demo-36.73-petugas',
    json: () => ({ roles: ['tenant_admin'], agencyId: null, version: 1 }),
    statuses: [404],
  },
  {
    label: "Tangerang's admin deactivates Serang's admin",
    caller: 'otherAdmin',
    method: 'POST',
    path: () => '/v1/staff/demo-36.73-admin/deactivation',
    json: () => ({}),
    statuses: [404],
  },
  {
    label: "Tangerang's admin gives its officer Serang's supervisor",
    caller: 'otherAdmin',
    method: 'PATCH',
    path: () => '/v1/staff/demo-36.71-petugas',
    json: () => ({ roles: ['officer'], agencyId: 'dpupr', supervisorId: 'demo-36.73-supervisor', version: 1 }),
    statuses: [400, 404, 409, 422],
  },
  {
    label: "Tangerang's admin changes Serang's settings",
    caller: 'otherAdmin',
    method: 'PATCH',
    path: () => '/v1/tenants/36.73/settings',
    json: () => ({ complaintReopenWindowDays: 365 }),
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: "Tangerang's admin revokes Serang's partner app",
    caller: 'otherAdmin',
    method: 'DELETE',
    path: () => `/v1/partner-apps/${partner.clientId}`,
    statuses: [404],
    code: 'PARTNER_APP_NOT_FOUND',
  },
  {
    label: "Tangerang's admin replaces Serang's category",
    caller: 'otherAdmin',
    method: 'PUT',
    path: () => '/v1/complaint-categories/roads.pothole',
    tenant: serang,
    json: () => ({ expectedVersion: 1 }),
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: "Tangerang's admin reads Serang's analytics",
    caller: 'otherAdmin',
    method: 'GET',
    path: () => '/v1/analytics/complaints/summary',
    tenant: serang,
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: "Tangerang's admin adds an agency to Serang",
    caller: 'otherAdmin',
    method: 'POST',
    path: () => '/v1/agencies',
    tenant: serang,
    json: () => ({ id: 'dinas-asing', name: 'Dinas Asing', shortName: 'Asing' }),
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: "Serang's admin assigns Tangerang's officer",
    caller: 'admin',
    method: 'POST',
    path: () => `/v1/complaints/${serangComplaint.id}/assignment`,
    json: () => ({ expectedVersion: 1, agencyId: 'dpupr', officerId: 'demo-36.71-petugas' }),
    statuses: [400, 404, 422],
  },
  {
    label: 'the partner app lists Tangerang',
    caller: 'partner',
    method: 'GET',
    path: () => '/v1/complaints',
    tenant: tangerang,
    statuses: [403],
    code: 'TENANT_MISMATCH',
  },
  {
    label: 'the partner app lists staff',
    caller: 'partner',
    method: 'GET',
    path: () => '/v1/staff',
    statuses: [403],
    code: 'FORBIDDEN',
  },
  {
    label: 'the partner app lists partner apps',
    caller: 'partner',
    method: 'GET',
    path: () => '/v1/partner-apps',
    statuses: [403],
    code: 'FORBIDDEN',
  },
  {
    label: 'the partner app files through /v1',
    caller: 'partner',
    method: 'POST',
    path: () => '/v1/complaints',
    json: () => validComplaint,
    statuses: [403],
    code: 'FORBIDDEN',
  },
];

/** X-Balai-Tenant values a Tangerang admin might slip past a string comparison. */
const tenantSpellings = [
  '36.73',
  ' 36.73',
  '36.73,36.71',
  '36.71, 36.73',
  '36.71 36.73',
  '36.7',
  '36',
  '36.73.01',
  '36%2E73',
  '036.73',
  '36.73\t',
];

const open311Crossings: Array<{
  label: string;
  caller: Caller;
  path: () => string;
  format: 'json' | 'xml';
  statuses: number[];
}> = [
  {
    label: "Serang's request read in Tangerang",
    caller: 'anonymous',
    path: () => `/open311/v2/requests/${serangComplaint.id}.json?jurisdiction_id=tangerangkota.go.id`,
    format: 'json',
    statuses: [404],
  },
  {
    label: "Serang's token resolved in Tangerang",
    caller: 'anonymous',
    path: () => `/open311/v2/tokens/${serangComplaint.id}.xml?jurisdiction_id=36.71`,
    format: 'xml',
    statuses: [404],
  },
  {
    label: "Tangerang's admin reads Serang's requests with its token",
    caller: 'otherAdmin',
    path: () => '/open311/v2/requests.json?jurisdiction_id=36.73',
    format: 'json',
    statuses: [403],
  },
  {
    label: "Tangerang's admin reads Serang's services with its token",
    caller: 'otherAdmin',
    path: () => '/open311/v2/services.xml?jurisdiction_id=serangkota.go.id',
    format: 'xml',
    statuses: [403],
  },
  {
    label: 'a Serang-only service in Tangerang',
    caller: 'anonymous',
    path: () => '/open311/v2/services/probe.xml-0.json?jurisdiction_id=36.71',
    format: 'json',
    statuses: [404],
  },
];

describe('tenant isolation', () => {
  it.each(crossings)('should refuse: $label', async ({ caller, method, path, tenant, json, statuses, code }) => {
    const answer = await send(method, path(), { caller, tenant, json: json?.() });
    expectProblem(answer, statuses, code);
  });

  it.each(tenantSpellings)('should refuse a Tangerang admin naming the tenant %j', async (spelling) => {
    const answer = await send('GET', '/v1/staff', { caller: 'otherAdmin', headers: { 'x-balai-tenant': spelling } });
    expectProblem(answer, [400, 403], /^(TENANT_MISMATCH|TENANT_REQUIRED)$/);
  });

  it("should refuse a Tangerang token whose tenant was rewritten to Serang's", async () => {
    const [header, payload, signature] = tokens.otherAdmin.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const forged = [
      header,
      Buffer.from(JSON.stringify({ ...claims, tenant_id: serang })).toString('base64url'),
      signature,
    ];
    const answer = await send('GET', '/v1/staff', { headers: { authorization: `Bearer ${forged.join('.')}` } });
    expectProblem(answer, [401], 'UNAUTHENTICATED');
  });

  it("should show each tenant's lists none of the other's", async () => {
    const theirs = JSON.parse((await send('GET', '/v1/complaints?pageSize=100', { caller: 'otherAdmin' })).body);
    expect(theirs.items.map((item: { id: string }) => item.id)).toContain(tangerangComplaint.id);
    expect(theirs.items.every((item: { tenantId: string }) => item.tenantId === tangerang)).toBe(true);
    const ours = JSON.parse((await send('GET', '/v1/complaints?pageSize=100', { caller: 'officer' })).body);
    expect(ours.items.map((item: { id: string }) => item.id)).not.toContain(tangerangComplaint.id);
    const apps = JSON.parse((await send('GET', '/v1/partner-apps', { caller: 'otherAdmin' })).body);
    expect(JSON.stringify(apps)).not.toContain(partner.clientId);
    const staff = JSON.parse((await send('GET', '/v1/staff', { caller: 'otherAdmin' })).body);
    expect(staff.items.every((user: { tenantId: string }) => user.tenantId === tangerang)).toBe(true);
  });

  it.each(open311Crossings)('should refuse over Open311: $label', async ({ caller, path, format, statuses }) => {
    expectOpen311Errors(await send('GET', path(), { caller }), format, statuses);
  });

  it("should not find Serang's request by id in a Tangerang search or its updates", async () => {
    const search = await send(
      'GET',
      `/open311/v2/requests.json?jurisdiction_id=36.71&service_request_id=${serangComplaint.id}`,
    );
    expect(search.status).toBe(200);
    expect(JSON.parse(search.body)).toEqual([]);
    const updates = await send('GET', '/open311/v2/servicerequestupdates.json?jurisdiction_id=36.71');
    expect(updates.body).not.toContain(serangComplaint.id);
  });

  it("should refuse the partner filing in Tangerang's jurisdiction", async () => {
    for (const jurisdiction of ['36.71', 'tangerangkota.go.id', 'TANGERANGKOTA.GO.ID.']) {
      expectOpen311Errors(await postOpen311('json', partnerForm({ jurisdiction_id: jurisdiction })), 'json', [403]);
    }
  });

  storesNothing('the refused crossings');
});

// ---- OIDC ----------------------------------------------------------------------------------------

/** Redirect URIs that are not the registered one, each of which must get no redirect at all. */
const redirectTricks = [
  'http://evil.example/callback',
  'http://127.0.0.1:5173/callback/../evil',
  'http://127.0.0.1:5173/callback?next=http://evil.example',
  'http://127.0.0.1:5173/callbackx',
  'http://127.0.0.1:5173.evil.example/callback',
  'http://127.0.0.1:5173@evil.example/callback',
  'http://127.0.0.1:5174/callback',
  'https://127.0.0.1:5173/callback',
  'http://[::1]:5173/callback',
  'javascript:alert(document.domain)//http://127.0.0.1:5173/callback',
  'http://127.0.0.1:5173/callback#fragment',
  'http://127.0.0.1:5173/CALLBACK',
  '//evil.example/callback',
  'http://127.0.0.1:5173/callback%2F..%2Fevil',
];

/** Authorization requests that weaken PKCE or the response type; the provider must issue no code. */
const downgrades: Array<[string, Record<string, string | null>]> = [
  ['code_challenge_method=plain', { code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) }],
  ['no code_challenge_method (plain by default)', { code_challenge_method: null }],
  ['no code_challenge', { code_challenge: null, code_challenge_method: null }],
  ['code_challenge_method=s256 (lower case)', { code_challenge_method: 's256' }],
  ['a code_challenge of 3 characters', { code_challenge: 'abc' }],
  ['response_type=token (implicit)', { response_type: 'token' }],
  ['response_type=code token', { response_type: 'code token' }],
  ['response_type=id_token', { response_type: 'id_token', nonce: 'n' }],
  ['an unknown client', { client_id: 'aplikasi-palsu' }],
];

/** The registered redirect with an error and no code, or no redirect at all. */
function expectNoCode(answer: Answer): void {
  expect(answer.status, answer.body.slice(0, 300)).toBeLessThan(500);
  if (answer.location === null) {
    expect(answer.status).toBe(400);
    return;
  }
  const location = new URL(answer.location, issuer);
  expect(`${location.origin}${location.pathname}`).toBe(webClient.redirectUri);
  const params = new URLSearchParams(location.search || location.hash.slice(1));
  expect(params.get('error')).toMatch(/^(invalid_request|unsupported_response_type|unauthorized_client)$/);
  expect(params.get('code')).toBeNull();
}

describe('OIDC through the gateway', () => {
  const browser = new Browser();
  const credentials = () => ({ tenant: serang, login: 'warga@serang.example', password });
  /** Another public app with the same redirect URI: a code or refresh token is bound to its client all the same. */
  let otherApp = '';

  beforeAll(async () => {
    ({ clientId: otherApp } = await identity.service.oidc.registerClient({
      kind: 'browser',
      name: 'Aplikasi Lain',
      redirectUris: [webClient.redirectUri],
      firstParty: true,
    }));
  });

  /** A fresh code for the demo web client, and how to redeem it. */
  async function newCode(overrides: Record<string, string | null> = {}) {
    const request = await authorizationRequest(issuer, webClient, overrides);
    const { callback, answer } = await authorizeInBrowser(browser, request.url, credentials());
    expect(callback, answer.body.slice(0, 300)).not.toBeNull();
    const code = callback?.searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const redeem = (fields: Record<string, string | null> = {}, basic?: { clientId: string; secret: string }) => {
      const all: Record<string, string | null> = {
        grant_type: 'authorization_code',
        code,
        client_id: webClient.clientId,
        redirect_uri: webClient.redirectUri,
        code_verifier: request.verifier,
        resource: apiResource,
        ...fields,
      };
      return tokenRequest(
        issuer,
        Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== null)),
        basic,
      );
    };
    return { code, verifier: request.verifier, redeem };
  }

  it.each(redirectTricks)('should not redirect anywhere for the redirect_uri %s', async (redirectUri) => {
    const { url } = await authorizationRequest(issuer, webClient, { redirect_uri: redirectUri });
    const answer = await answerOf(await fetch(url, { redirect: 'manual' }));
    expect(answer.status, answer.body.slice(0, 300)).toBe(400);
    expect(answer.location).toBeNull();
  });

  it.each(downgrades)('should issue no code for %s', async (_label, overrides) => {
    const { url } = await authorizationRequest(issuer, webClient, overrides);
    expectNoCode(await answerOf(await fetch(url, { redirect: 'manual' })));
  });

  it('should redeem a code once, and revoke what it gave when it comes back', async () => {
    const { redeem } = await newCode();
    const first = await redeem();
    expect(first.status, first.body).toBe(200);
    const { refresh_token: refreshToken } = JSON.parse(first.body) as { refresh_token: string };
    expectOAuthError(await redeem(), [400], 'invalid_grant');
    const refreshed = await tokenRequest(issuer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: webClient.clientId,
    });
    expectOAuthError(refreshed, [400], 'invalid_grant');
  });

  it.each([
    ['without the code_verifier', { code_verifier: null }],
    ['with another code_verifier', { code_verifier: oidc.randomPKCECodeVerifier() }],
    ['with another redirect_uri', { redirect_uri: 'http://127.0.0.1:5173/other' }],
    ['for another resource', { resource: 'urn:evil:api' }],
  ] as Array<[string, Record<string, string | null>]>)('should refuse a code redeemed %s', async (_label, fields) => {
    const { redeem } = await newCode();
    const answer = await redeem(fields);
    expectOAuthError(answer, [400], /^(invalid_grant|invalid_request|invalid_target)$/);
  });

  it('should refuse a code redeemed with its challenge as a plain verifier', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const challenge = await oidc.calculatePKCECodeChallenge(verifier);
    const { redeem } = await newCode({ code_challenge: challenge });
    expectOAuthError(await redeem({ code_verifier: challenge }), [400], /^(invalid_grant|invalid_request)$/);
  });

  it('should refuse a code redeemed by the partner app (no code grant for it)', async () => {
    const { redeem } = await newCode();
    const answer = await redeem({ client_id: null }, { clientId: partner.clientId, secret: partner.secret });
    expectOAuthError(answer, [400, 401], /^(invalid_grant|unauthorized_client|invalid_client|invalid_request)$/);
  });

  it('should refuse a code redeemed by another public app with the same redirect URI', async () => {
    const { redeem } = await newCode();
    expectOAuthError(await redeem({ client_id: otherApp }), [400], 'invalid_grant');
  });

  it('should refuse a refresh token presented by other clients, and its reuse', async () => {
    const { redeem } = await newCode();
    const { refresh_token: refreshToken } = JSON.parse((await redeem()).body) as { refresh_token: string };
    const stolen = await tokenRequest(
      issuer,
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      { clientId: partner.clientId, secret: partner.secret },
    );
    expectOAuthError(stolen, [400, 401], /^(invalid_grant|unauthorized_client|invalid_client|invalid_request)$/);
    const otherApps = await tokenRequest(issuer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: otherApp,
    });
    expectOAuthError(otherApps, [400], 'invalid_grant');
    const once = await tokenRequest(issuer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: webClient.clientId,
      resource: apiResource,
    });
    expect(once.status, once.body).toBe(200);
    const twice = await tokenRequest(issuer, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: webClient.clientId,
    });
    expectOAuthError(twice, [400], 'invalid_grant');
    // The whole family went with it: the rotated token is refused too.
    const rotated = JSON.parse(once.body).refresh_token as string;
    expectOAuthError(
      await tokenRequest(issuer, {
        grant_type: 'refresh_token',
        refresh_token: rotated,
        client_id: webClient.clientId,
      }),
      [400],
      'invalid_grant',
    );
  });

  it.each([
    [
      'the password grant',
      { grant_type: 'password', username: 'warga@serang.example', password: 'x', client_id: 'balai-web' },
    ],
    ['client credentials for the public web client', { grant_type: 'client_credentials', client_id: 'balai-web' }],
    [
      'an unknown grant',
      { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: 'balai-web', assertion: 'x' },
    ],
  ] as Array<[string, Record<string, string>]>)('should refuse %s', async (_label, fields) => {
    expectOAuthError(
      await tokenRequest(issuer, fields),
      [400, 401],
      /^(unsupported_grant_type|unauthorized_client|invalid_client|invalid_request)$/,
    );
  });

  it('should not send a signed-out user to a post-logout URI it does not know', async () => {
    const answer = await answerOf(
      await browser.request(
        `${issuer}/session/end?post_logout_redirect_uri=${q('http://evil.example/')}&client_id=balai-web`,
      ),
    );
    expect(answer.status).toBeLessThan(500);
    expect(answer.location ?? '').not.toContain('evil.example');
  });
});

// ---- Afterwards ----------------------------------------------------------------------------------

describe('after the probes', () => {
  it('should still serve: every service ready, a complaint filed, a partner request taken, a sign-in done', async () => {
    for (const url of readiness) expect((await fetch(url)).status, url).toBe(200);
    expect((await send('POST', '/v1/complaints', { caller: 'citizen', json: validComplaint })).status).toBe(201);
    expect((await postOpen311('json', partnerForm())).status).toBe(200);
    const signedIn = await signInWithPassword({
      issuer,
      ...webClient,
      tenant: serang,
      login: 'admin@serang.example',
      password,
      resource: apiResource,
    });
    expect(signedIn.tokens.access_token).toBeTruthy();
  });
});
