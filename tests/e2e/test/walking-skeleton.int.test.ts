import type { Problem, ResponseBody } from '@balai/client';
import {
  CategoryRepository,
  ComplaintRepository,
  categoryModel,
  complaintModel,
  submitComplaint,
} from '@balai/complaints';
import { connectMongo, createLogger, outboxPendingMark } from '@balai/platform';
import { eventually, infrastructureEndpoints, readTopicRecords, testNamespace } from '@balai/testkit';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  signInNewCitizen,
  signInNewStaff,
  startAnalyticsFor,
  startComplaintsFor,
  startGatewayFor,
  startIdentityFor,
  type TestIdentity,
} from './helpers.js';

const ns = testNamespace(import.meta.filename);
const tenant = '36.73';

let identity: TestIdentity;
let complaints: Awaited<ReturnType<typeof startComplaintsFor>>;
let analytics: Awaited<ReturnType<typeof startAnalyticsFor>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
let mongo: MongoClient;
let complaintsDb: Db;
/** Access tokens: a citizen of Kota Serang, and an analyst of each city. */
let citizen: string;
const analysts: Record<string, string> = {};

function post(body: string, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}/v1/complaints`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${citizen}`,
      'x-balai-tenant': tenant,
      ...headers,
    },
    body,
  });
}

type Summary = ResponseBody<'/v1/analytics/complaints/summary', 'get'>;
type Created = ResponseBody<'/v1/complaints', 'post'>;

async function summary(tenantId = tenant): Promise<Summary> {
  const response = await fetch(`${gateway.url}/v1/analytics/complaints/summary`, {
    headers: { authorization: `Bearer ${analysts[tenantId]}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Summary;
}

const validComplaint = {
  categoryCode: 'roads.pothole',
  description: 'Lubang besar di Jalan Ahmad Yani depan pasar',
  latitude: -6.1204,
  longitude: 106.1503,
};

beforeAll(async () => {
  [identity, complaints, analytics] = await Promise.all([
    startIdentityFor(ns),
    startComplaintsFor(ns),
    startAnalyticsFor(ns),
  ]);
  gateway = await startGatewayFor({ complaints: complaints.grpcPort, analytics: analytics.grpcPort }, identity);
  citizen = (await signInNewCitizen(gateway.url, identity, tenant)).accessToken;
  for (const city of [tenant, '36.71']) {
    analysts[city] = (await signInNewStaff(gateway.url, identity, { tenant: city, roles: ['analyst'] })).accessToken;
  }
  mongo = await MongoClient.connect(infrastructureEndpoints().mongoUrl);
  complaintsDb = mongo.db(ns.database('complaints'));
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([identity?.service.stop(), complaints?.stop(), analytics?.stop()]);
  await mongo?.close();
});

describe('walking skeleton: gateway → complaints → outbox → Kafka → analytics → gateway', () => {
  it('should count a complaint posted to the gateway in the analytics summary', async () => {
    const before = (await summary()).submittedTotal;
    const response = await post(JSON.stringify(validComplaint));
    expect(response.status).toBe(201);
    const created = (await response.json()) as Created;
    expect(created).toMatchObject({ tenantId: tenant, status: 'submitted', categoryCode: 'roads.pothole' });
    expect(response.headers.get('location')).toBe(`/v1/complaints/${created.id}`);

    const started = Date.now();
    const after = await eventually(
      async () => {
        const current = await summary();
        return current.submittedTotal === before + 1 ? current : undefined;
      },
      { what: 'the complaint in the analytics summary', timeoutMs: 10_000 },
    );
    expect(after.byCategory).toContainEqual({ categoryCode: 'roads.pothole', submitted: expect.any(Number) });
    console.log(`complaint visible in the analytics summary after ${Date.now() - started} ms`);
  });

  it('should keep tenants apart in the summary', async () => {
    const other = await summary('36.71');
    expect(other.submittedTotal).toBe(0);
  });

  it('should publish the event with CloudEvents headers on balai.complaints.v1 and leave no outbox', async () => {
    const response = await post(JSON.stringify({ ...validComplaint, categoryCode: 'lighting.streetlight-out' }));
    const { id } = (await response.json()) as Created;
    const topic = `${ns.topicPrefix}balai.complaints.v1`;
    const record = await eventually(
      async () =>
        (await readTopicRecords({ brokers: infrastructureEndpoints().kafkaBrokers, topic })).find((r) => r.key === id),
      { what: 'the record on the topic' },
    );
    const { headers } = record;
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'id.balai.complaints.complaint.submitted.v1',
      ce_source: '/balai/complaints',
      ce_subject: id,
      ce_tenant: tenant,
      'content-type': 'application/json',
    });
    expect(headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(record.value ?? '')).toEqual({
      complaintId: id,
      tenantId: tenant,
      categoryCode: 'lighting.streetlight-out',
      submittedAt: expect.any(String),
      agencyId: 'dishub',
      slaDueAt: expect.any(String),
    });
    const stored = await complaintsDb.collection('complaints').findOne({ _id: id as never });
    expect(stored?.outbox).toEqual([]);
  });
});

describe('POST /v1/complaints refuses bad input with problem+json and writes nothing', () => {
  const cases: Array<[string, string, string]> = [
    ['malformed JSON', '{"categoryCode": "roads.pothole", ', 'MALFORMED_JSON'],
    ['a missing field', JSON.stringify({ ...validComplaint, description: undefined }), 'VALIDATION_FAILED'],
    ['an unknown field', JSON.stringify({ ...validComplaint, reporterNik: '3673011203900001' }), 'VALIDATION_FAILED'],
    ['a wrong type', JSON.stringify({ ...validComplaint, latitude: '-6.12' }), 'VALIDATION_FAILED'],
    ['a MongoDB operator', JSON.stringify({ ...validComplaint, categoryCode: { $gt: '' } }), 'VALIDATION_FAILED'],
  ];

  it.each(cases)('should answer 400 to %s', async (_name, body, code) => {
    const before = await complaintsDb.collection('complaints').countDocuments();
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ code, status: 400 });
    expect(problem.type).toMatch(/^https:\/\//);
    expect(await complaintsDb.collection('complaints').countDocuments()).toBe(before);
  });

  it('should name the unknown field', async () => {
    const response = await post(JSON.stringify({ ...validComplaint, reporterNik: '3673011203900001' }));
    const problem = (await response.json()) as Problem;
    expect(problem.errors).toContainEqual(expect.objectContaining({ field: '/reporterNik' }));
  });

  it('should answer 401 UNAUTHENTICATED without an access token, and write nothing', async () => {
    const before = await complaintsDb.collection('complaints').countDocuments();
    const response = await fetch(`${gateway.url}/v1/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-balai-tenant': tenant },
      body: JSON.stringify(validComplaint),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await complaintsDb.collection('complaints').countDocuments()).toBe(before);
  });

  it("should refuse a citizen filing in another city than the token's", async () => {
    const response = await post(JSON.stringify(validComplaint), { 'x-balai-tenant': '36.71' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'TENANT_MISMATCH' });
  });
});

describe('a crash between the database write and the Kafka publish', () => {
  it('should publish the event after restart and count it once, even when published twice', async () => {
    const before = (await summary()).submittedTotal;
    // The service dies after committing: the complaint and its event are in the database,
    // nothing was published.
    await complaints.stop();
    const logger = createLogger({ service: 'crash-test', level: 'warn' });
    const connection = await connectMongo({
      url: infrastructureEndpoints().mongoUrl,
      dbName: ns.database('complaints'),
      logger,
    });
    const repository = new ComplaintRepository(complaintModel(connection));
    const categories = new CategoryRepository(categoryModel(connection));
    const { complaint: committed } = await submitComplaint(
      { repository, categories, clock: () => new Date(), onCommitted: () => {} },
      { tenantId: tenant, requestId: 'crash-test', subject: 'citizen-1', roles: ['citizen'] },
      validComplaint,
    );
    const stored = await complaintsDb.collection('complaints').findOne({ _id: committed._id as never });
    expect(stored?.outbox).toHaveLength(1);
    // A relay that published and crashed before removing the entry leaves it in place: the
    // restarted relay publishes the same event (same id) again.
    await complaintsDb
      .collection('complaints')
      .updateOne({ _id: committed._id as never }, { $push: { outbox: stored?.outbox[0] }, $set: outboxPendingMark });
    await connection.close();

    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await summary()).submittedTotal).toBe(before);

    complaints = await startComplaintsFor(ns);
    await eventually(async () => ((await summary()).submittedTotal === before + 1 ? true : undefined), {
      what: 'the re-published complaint in the summary',
    });
    await eventually(
      async () => {
        const doc = await complaintsDb.collection('complaints').findOne({ _id: committed._id as never });
        return doc?.outbox.length === 0 ? true : undefined;
      },
      { what: 'the outbox to drain after restart' },
    );
    // Both copies have been consumed by now; the count stays at one.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await summary()).submittedTotal).toBe(before + 1);
  });
});
