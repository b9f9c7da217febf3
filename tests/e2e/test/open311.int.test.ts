import { testNamespace } from '@balai/testkit';
import { xmlChildren as children, expectOpen311Valid, parseXml } from '@balai/testkit/open311';
import type { Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComplaintsFor, startGatewayFor, startIdentityFor, type TestIdentity } from './helpers.js';

const ns = testNamespace(import.meta.filename);

// The project's GeoReport v2 schemas, by file name (packages/testkit/open311-schemas).
const schemas = { services: 'services.json', serviceDefinition: 'service-definition.json' } as const;
const expectValid = (schema: keyof typeof schemas, value: unknown) => expectOpen311Valid(schemas[schema], value);

let identity: TestIdentity;
let complaints: Awaited<ReturnType<typeof startComplaintsFor>>;
let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
let base: string;

beforeAll(async () => {
  [identity, complaints] = await Promise.all([startIdentityFor(ns), startComplaintsFor(ns)]);
  gateway = await startGatewayFor({ complaints: complaints.grpcPort }, identity, {
    OPEN311_JURISDICTIONS: 'serangkota.go.id=36.73,tangerangkota.go.id=36.71',
    OPEN311_CONTACT: 'open311@serangkota.go.id',
  });
  base = `${gateway.url}/open311/v2`;
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([complaints?.stop(), identity?.service.stop()]);
});

type Json = Record<string, unknown>;

async function getJson(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, { headers });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: (await response.json()) as unknown };
}

async function getXml(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, { headers });
  expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
  const body = await response.text();
  expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  return { status: response.status, root: parseXml(body) };
}

/**
 * Every element of an XML record against the JSON of the same record, in order: a scalar is its
 * text (null an empty element); an array is an element holding one `item` element per entry.
 */
function expectXmlEqualsJson(element: Element, json: Json, items: Record<string, string>) {
  expect(children(element).map((child) => child.nodeName)).toEqual(Object.keys(json));
  for (const child of children(element)) {
    const value = json[child.nodeName];
    if (Array.isArray(value)) {
      const item = items[child.nodeName];
      if (!item) throw new Error(`no item element for ${child.nodeName}`);
      const entries = children(child);
      expect(entries.map((entry) => entry.nodeName)).toEqual(value.map(() => item));
      entries.forEach((entry, index) => {
        const expected = value[index];
        if (expected !== null && typeof expected === 'object') expectXmlEqualsJson(entry, expected as Json, items);
        else expect(entry.textContent).toBe(String(expected));
      });
    } else {
      expect(children(child)).toEqual([]);
      expect(child.textContent, child.nodeName).toBe(value === null ? '' : String(value));
    }
  }
}

async function expectErrors(path: string, status: number, description: RegExp, headers: Record<string, string> = {}) {
  const json = await getJson(path, headers);
  expect(json.status).toBe(status);
  expect(json.body).toEqual([{ code: status, description: expect.stringMatching(description) }]);
  const xml = await getXml(path.replace('.json', '.xml'), headers);
  expect(xml.status).toBe(status);
  expect(xml.root.nodeName).toBe('errors');
  const errors = children(xml.root);
  expect(errors.map((error) => error.nodeName)).toEqual(['error']);
  expectXmlEqualsJson(errors[0] as Element, (json.body as Json[])[0] as Json, {});
}

const serangCodes = [
  'drainage.flooding',
  'health.mosquito-breeding',
  'lighting.streetlight-out',
  'permits.service-complaint',
  'public-facilities.damaged',
  'roads.damaged-bridge',
  'roads.pothole',
  'traffic.signal-broken',
  'waste.illegal-dumping',
  'waste.missed-collection',
];

describe('Open311 GeoReport v2 through the gateway', () => {
  it('should publish discovery with this gateway as the endpoint, in JSON and XML', async () => {
    const json = await getJson('/discovery.json');
    expect(json.status).toBe(200);
    const changeset = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(json.body).toEqual({
      changeset,
      contact: 'open311@serangkota.go.id',
      key_service: identity.issuer,
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `http://127.0.0.1:${identity.gatewayPort}/open311/v2`,
          changeset,
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
        {
          // The same base URL also serves FixMyStreet's servicerequestupdates extension.
          specification: 'https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311',
          url: `http://127.0.0.1:${identity.gatewayPort}/open311/v2`,
          changeset,
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ],
    });
    const xml = await getXml('/discovery.xml');
    expect(xml.status).toBe(200);
    expect(xml.root.nodeName).toBe('discovery');
    expectXmlEqualsJson(xml.root, json.body as Json, { endpoints: 'endpoint', formats: 'format' });
  });

  it("should list the jurisdiction's services, valid against the Open311 schema, the same in XML", async () => {
    const json = await getJson('/services.json?jurisdiction_id=36.73');
    expect(json.status).toBe(200);
    expectValid('services', json.body);
    const services = json.body as Json[];
    expect(services.map((service) => service.service_code).sort()).toEqual(serangCodes);
    expect(services.find((service) => service.service_code === 'roads.pothole')).toEqual({
      service_code: 'roads.pothole',
      service_name: 'Jalan berlubang',
      description: null,
      metadata: true,
      type: 'realtime',
      keywords: 'jalan,lubang,aspal,pothole,road',
      group: 'roads',
    });
    expect(services.find((service) => service.service_code === 'traffic.signal-broken')).toMatchObject({
      service_name: 'Lampu lalu lintas rusak',
      metadata: false,
      group: 'traffic',
    });

    const xml = await getXml('/services.xml?jurisdiction_id=36.73');
    expect(xml.status).toBe(200);
    expect(xml.root.nodeName).toBe('services');
    const elements = children(xml.root);
    expect(elements.map((element) => element.nodeName)).toEqual(services.map(() => 'service'));
    elements.forEach((element, index) => {
      expectXmlEqualsJson(element, services[index] as Json, {});
    });
  });

  it('should name services in English on request', async () => {
    const json = await getJson('/services.json?jurisdiction_id=36.73&locale=en');
    expect(json.status).toBe(200);
    expectValid('services', json.body);
    expect((json.body as Json[]).find((service) => service.service_code === 'roads.pothole')).toMatchObject({
      service_name: 'Pothole',
    });
    await expectErrors('/services.json?jurisdiction_id=36.73&locale=fr', 400, /locale/);
  });

  it('should map a configured host name to its tenant', async () => {
    const byRegion = await getJson('/services.json?jurisdiction_id=36.73');
    const byHost = await getJson('/services.json?jurisdiction_id=SerangKota.go.id');
    expect(byHost).toEqual(byRegion);
    const tangerang = await getJson('/services.json?jurisdiction_id=tangerangkota.go.id');
    expect(tangerang.status).toBe(200);
    expectValid('services', tangerang.body);
    expect((tangerang.body as Json[]).map((service) => service.service_code).sort()).toEqual(
      serangCodes.filter((code) => code !== 'health.mosquito-breeding'),
    );
  });

  it('should give a service definition, valid against the Open311 schema, the same in XML', async () => {
    const json = await getJson('/services/roads.pothole.json?jurisdiction_id=serangkota.go.id');
    expect(json.status).toBe(200);
    expectValid('serviceDefinition', json.body);
    expect(json.body).toEqual({
      service_code: 'roads.pothole',
      attributes: [
        {
          variable: true,
          code: 'road_type',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: null,
          order: 10,
          description: 'Jenis jalan',
          values: [
            { key: 'city', name: 'Jalan kota' },
            { key: 'provincial', name: 'Jalan provinsi' },
            { key: 'village', name: 'Jalan lingkungan' },
          ],
        },
        {
          variable: true,
          code: 'diameter_cm',
          datatype: 'number',
          required: false,
          datatype_description: null,
          order: 20,
          description: 'Perkiraan lebar lubang (cm)',
        },
        {
          variable: true,
          code: 'severity',
          datatype: 'singlevaluelist',
          required: false,
          datatype_description: null,
          order: 90,
          description: 'Seberapa parah?',
          values: [
            { key: 'low', name: 'Ringan' },
            { key: 'medium', name: 'Sedang' },
            { key: 'high', name: 'Berat' },
          ],
        },
      ],
    });
    const xml = await getXml('/services/roads.pothole.xml?jurisdiction_id=serangkota.go.id');
    expect(xml.status).toBe(200);
    expect(xml.root.nodeName).toBe('service_definition');
    expectXmlEqualsJson(xml.root, json.body as Json, { attributes: 'attribute', values: 'value' });
    const english = await getJson('/services/roads.pothole.json?jurisdiction_id=serangkota.go.id&locale=en');
    expect((english.body as { attributes: unknown[] }).attributes[0]).toMatchObject({
      description: 'Kind of road',
      values: [{ key: 'city', name: 'City road' }, { key: 'provincial' }, { key: 'village' }],
    });

    const required = await getJson('/services/public-facilities.damaged.json?jurisdiction_id=36.73');
    expectValid('serviceDefinition', required.body);
    expect((required.body as { attributes: Json[] }).attributes[0]).toMatchObject({
      code: 'facility',
      required: true,
    });
  });

  it('should take the tenant from X-Balai-Tenant when no jurisdiction_id is sent, else answer 400', async () => {
    const json = await getJson('/services.json', { 'x-balai-tenant': '36.73' });
    expect(json.status).toBe(200);
    expect(json.body).toHaveLength(serangCodes.length);
    await expectErrors('/services.json', 400, /^jurisdiction_id is required$/);
    await expectErrors('/services/roads.pothole.json', 400, /^jurisdiction_id is required$/);
  });

  it('should answer 404 error arrays for unknown jurisdictions, service codes and formats', async () => {
    await expectErrors('/services.json?jurisdiction_id=bandung.go.id', 404, /^jurisdiction_id provided was not found$/);
    await expectErrors('/services/roads.sinkhole.json?jurisdiction_id=36.73', 404, /service_code/);
    await expectErrors('/services/Not%20a%20code.json?jurisdiction_id=36.73', 404, /service_code/);
    // Kota Tangerang has no Dinas Kesehatan, hence no mosquito service.
    await expectErrors('/services/health.mosquito-breeding.json?jurisdiction_id=36.71', 404, /service_code/);
    await expectErrors('/request.json', 404, /Open311 resource/);
    const html = await getJson('/services.html?jurisdiction_id=36.73');
    expect(html).toEqual({ status: 404, body: [{ code: 404, description: expect.stringMatching(/format/) }] });
  });

  it('should answer an invalid access token with an Open311 403, not problem+json', async () => {
    await expectErrors('/services.json?jurisdiction_id=36.73', 403, /api_key or access token/, {
      authorization: 'Bearer not-a-token',
    });
  });
});
