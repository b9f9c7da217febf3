import {
  xmlChildren as children,
  expectOpen311Valid as expectValid,
  open311Validator,
  parseXml,
  swaggerList,
} from '@balai/testkit/open311';
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { formatOpen311Datetime, parseOpen311Datetime } from './open311-datetime.js';
import type {
  Open311Discovery,
  Open311Service,
  Open311ServiceDefinition,
  Open311ServiceRequest,
  Open311ServiceRequestUpdate,
} from './open311-model.js';
import {
  renderCreatedRequests,
  renderDiscovery,
  renderErrors,
  renderServiceDefinition,
  renderServiceRequests,
  renderServiceRequestUpdates,
  renderServices,
  renderTokenResolutions,
} from './open311-render.js';

/** Every child element of an XML record, in order, against the JSON rendering of the same record. */
function expectXmlMatchesJson(element: Element, json: Record<string, unknown>) {
  const elements = children(element).filter((child) => {
    const value = json[child.nodeName];
    return !Array.isArray(value);
  });
  const scalarKeys = Object.keys(json).filter((key) => !Array.isArray(json[key]));
  expect(elements.map((child) => child.nodeName)).toEqual(scalarKeys);
  for (const child of elements) {
    const value = json[child.nodeName];
    expect(child.textContent, child.nodeName).toBe(value === null ? '' : String(value));
  }
}

const requestedAt = new Date('2026-11-29T06:05:00Z');

function aServiceRequest(overrides: Partial<Open311ServiceRequest> = {}): Open311ServiceRequest {
  return {
    service_request_id: '36.73-2026-000123',
    status: 'open',
    status_notes: 'Ditinjau oleh Dinas PUPR',
    service_name: 'Jalan berlubang',
    service_code: 'jalan_berlubang',
    description: 'Lubang besar di depan pasar <Rau> & "sekitarnya"',
    agency_responsible: 'Dinas PUPR Kota Serang',
    service_notice: 'Ditangani dalam 3 hari kerja',
    requested_datetime: requestedAt,
    updated_datetime: new Date('2026-11-29T08:00:00Z'),
    expected_datetime: new Date('2026-12-02T10:00:00Z'),
    address: 'Jl. Ahmad Yani No. 1, Cipare, Serang',
    address_id: 'addr-42',
    zipcode: '42117',
    lat: -6.1201,
    long: 106.1503,
    media_url: 'https://media.balai.id/36.73/photo-1.jpg',
    ...overrides,
  };
}

const sparseRequest = (): Open311ServiceRequest => ({
  service_request_id: '36.73-2026-000124',
  status: 'closed',
  service_code: 'sampah',
  requested_datetime: requestedAt,
});

describe('W3C datetimes', () => {
  it('should write an instant in the tenant zone with its offset', () => {
    expect(formatOpen311Datetime(requestedAt)).toBe('2026-11-29T13:05:00+07:00');
    expect(formatOpen311Datetime(requestedAt, 'Asia/Makassar')).toBe('2026-11-29T14:05:00+08:00');
    expect(formatOpen311Datetime(requestedAt, 'Asia/Jayapura')).toBe('2026-11-29T15:05:00+09:00');
    expect(formatOpen311Datetime(requestedAt, 'UTC')).toBe('2026-11-29T06:05:00+00:00');
    expect(formatOpen311Datetime(new Date('2026-11-29T17:30:00Z'))).toBe('2026-11-30T00:30:00+07:00');
  });

  it('should read datetimes with any offset and dates as midnight in the zone', () => {
    expect(parseOpen311Datetime('2026-11-29T13:05:00+07:00')?.toISOString()).toBe('2026-11-29T06:05:00.000Z');
    expect(parseOpen311Datetime('2026-11-29T06:05:00.250Z')?.toISOString()).toBe('2026-11-29T06:05:00.250Z');
    expect(parseOpen311Datetime('2026-11-29T06:05-03:30')?.toISOString()).toBe('2026-11-29T09:35:00.000Z');
    expect(parseOpen311Datetime('2026-11-29')?.toISOString()).toBe('2026-11-28T17:00:00.000Z');
    expect(parseOpen311Datetime('2026-03-08', 'America/New_York')?.toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });

  it('should refuse datetimes without a zone, impossible dates and other text', () => {
    for (const bad of ['2026-11-29T13:05:00', '2026-02-30', '2026-13-01', '29/11/2026', '2026-11-29T24:00:00Z', '']) {
      expect(parseOpen311Datetime(bad), bad).toBeNull();
    }
  });
});

describe('services', () => {
  const services: Open311Service[] = [
    {
      service_code: 'jalan_berlubang',
      service_name: 'Jalan berlubang',
      description: 'Lubang di jalan kota',
      metadata: true,
      type: 'realtime',
      keywords: 'jalan, lubang, aspal',
      group: 'Infrastruktur',
    },
    { service_code: 'sampah', service_name: 'Sampah menumpuk', metadata: false, type: 'batch' },
  ];

  it('should render JSON that the community schema accepts, nulls for absent fields', () => {
    const { contentType, body } = renderServices(services, 'json');
    expect(contentType).toBe('application/json; charset=utf-8');
    const json = JSON.parse(body);
    expectValid('services.json', json);
    expect(json[1]).toEqual({
      service_code: 'sampah',
      service_name: 'Sampah menumpuk',
      description: null,
      metadata: false,
      type: 'batch',
      keywords: null,
      group: null,
    });
  });

  it('should render <services><service> with every field', () => {
    const { contentType, body } = renderServices(services, 'xml');
    expect(contentType).toBe('text/xml; charset=utf-8');
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const root = parseXml(body);
    expect(root.nodeName).toBe('services');
    const json = JSON.parse(renderServices(services, 'json').body);
    const elements = children(root);
    expect(elements.map((element) => element.nodeName)).toEqual(['service', 'service']);
    elements.forEach((element, index) => {
      expectXmlMatchesJson(element, json[index]);
    });
  });

  it('should render an empty list as [] and <services/>', () => {
    expect(renderServices([], 'json').body).toBe('[]');
    expect(children(parseXml(renderServices([], 'xml').body))).toEqual([]);
  });
});

describe('service definition', () => {
  const definition: Open311ServiceDefinition = {
    service_code: 'jalan_berlubang',
    attributes: [
      {
        variable: true,
        code: 'kedalaman',
        datatype: 'number',
        required: true,
        datatype_description: 'Dalam sentimeter',
        order: 1,
        description: 'Seberapa dalam lubangnya?',
      },
      {
        variable: true,
        code: 'jenis_jalan',
        datatype: 'singlevaluelist',
        required: false,
        order: 2,
        description: 'Jenis jalan',
        values: [
          { key: 'nasional', name: 'Jalan nasional' },
          { key: 'kota', name: 'Jalan kota & lingkungan' },
        ],
      },
      { variable: true, code: 'bahaya', datatype: 'multivaluelist', required: false, values: [] },
      { variable: false, code: 'catatan', datatype: 'text', required: false, description: 'Info saja' },
    ],
  };

  it('should render JSON that the community schema accepts', () => {
    const json = JSON.parse(renderServiceDefinition(definition, 'json').body);
    expectValid('service-definition.json', json);
    expect(json.attributes[0]).toEqual({
      variable: true,
      code: 'kedalaman',
      datatype: 'number',
      required: true,
      datatype_description: 'Dalam sentimeter',
      order: 1,
      description: 'Seberapa dalam lubangnya?',
    });
    expect(json.attributes[1].values).toEqual(definition.attributes[1]?.values);
    expect(json.attributes[2].values).toEqual([]);
    expect(json.attributes[3]).not.toHaveProperty('values');
    expect(json.attributes[3].order).toBeNull();
  });

  it('should render <service_definition><attributes><attribute>…<values><value><key/><name/>', () => {
    const json = JSON.parse(renderServiceDefinition(definition, 'json').body);
    const root = parseXml(renderServiceDefinition(definition, 'xml').body);
    expect(root.nodeName).toBe('service_definition');
    expect(children(root).map((element) => element.nodeName)).toEqual(['service_code', 'attributes']);
    expect(children(root, 'service_code')[0]?.textContent).toBe('jalan_berlubang');
    const [attributes] = children(root, 'attributes');
    if (!attributes) throw new Error('no attributes');
    const attributeElements = children(attributes);
    expect(attributeElements.map((element) => element.nodeName)).toEqual(Array(4).fill('attribute'));
    attributeElements.forEach((element, index) => {
      expectXmlMatchesJson(element, json.attributes[index]);
    });
    const values = children(children(attributeElements[1] as Element, 'values')[0] as Element);
    expect(values.map((value) => value.nodeName)).toEqual(['value', 'value']);
    expect(
      values.map((value) => ({
        key: children(value, 'key')[0]?.textContent,
        name: children(value, 'name')[0]?.textContent,
      })),
    ).toEqual(definition.attributes[1]?.values);
    expect(children(attributeElements[2] as Element, 'values').map((element) => children(element))).toEqual([[]]);
    expect(children(attributeElements[3] as Element, 'values')).toEqual([]);
  });
});

describe('service requests', () => {
  it('should render JSON that the community schema accepts, with datetimes in the tenant zone', () => {
    const json = JSON.parse(renderServiceRequests([aServiceRequest(), sparseRequest()], 'json').body);
    expectValid('requests.json', json);
    expect(json[0]).toEqual({
      service_request_id: '36.73-2026-000123',
      status: 'open',
      status_notes: 'Ditinjau oleh Dinas PUPR',
      service_name: 'Jalan berlubang',
      service_code: 'jalan_berlubang',
      description: 'Lubang besar di depan pasar <Rau> & "sekitarnya"',
      agency_responsible: 'Dinas PUPR Kota Serang',
      service_notice: 'Ditangani dalam 3 hari kerja',
      requested_datetime: '2026-11-29T13:05:00+07:00',
      updated_datetime: '2026-11-29T15:00:00+07:00',
      expected_datetime: '2026-12-02T17:00:00+07:00',
      address: 'Jl. Ahmad Yani No. 1, Cipare, Serang',
      address_id: 'addr-42',
      zipcode: '42117',
      lat: -6.1201,
      long: 106.1503,
      media_url: 'https://media.balai.id/36.73/photo-1.jpg',
    });
    expect(json[1].updated_datetime).toBeNull();
    // The schema check itself can fail: a status outside open|closed, a datetime without a zone.
    expect(open311Validator('requests.json')([{ ...json[0], status: 'pending' }])).toBe(false);
    expect(open311Validator('requests.json')([{ ...json[0], requested_datetime: '29/11/2026' }])).toBe(false);
    expect(json[1].lat).toBeNull();
  });

  it('should write datetimes in the zone it is given', () => {
    const json = JSON.parse(renderServiceRequests([aServiceRequest()], 'json', { timeZone: 'Asia/Jayapura' }).body);
    expect(json[0].requested_datetime).toBe('2026-11-29T15:05:00+09:00');
  });

  it('should render <service_requests><request> with every field, escaped', () => {
    const requests = [aServiceRequest(), sparseRequest()];
    const { body } = renderServiceRequests(requests, 'xml');
    expect(body).toContain('&lt;Rau&gt; &amp;');
    const root = parseXml(body);
    expect(root.nodeName).toBe('service_requests');
    const json = JSON.parse(renderServiceRequests(requests, 'json').body);
    const elements = children(root);
    expect(elements.map((element) => element.nodeName)).toEqual(['request', 'request']);
    elements.forEach((element, index) => {
      expectXmlMatchesJson(element, json[index]);
    });
  });

  it('should drop characters XML cannot carry, keeping the document well-formed', () => {
    const { body } = renderServiceRequests([aServiceRequest({ description: 'a\u0000b\u0008c\nd\u{1F6A7}' })], 'xml');
    const [request] = children(parseXml(body));
    expect(children(request as Element, 'description')[0]?.textContent).toBe('abc\nd\u{1F6A7}');
  });
});

describe('POST responses and tokens', () => {
  it('should render a created request as JSON the Swagger definition accepts', () => {
    const created = renderCreatedRequests(
      [{ service_request_id: '36.73-2026-000123', service_notice: 'Terima kasih', account_id: null }],
      'json',
    );
    const json = JSON.parse(created.body);
    expectValid('swagger#/definitions/RequestResponse', json[0]);
    expect(open311Validator(swaggerList('RequestResponse'))(json)).toBe(true);
    expect(json).toEqual([{ service_request_id: '36.73-2026-000123', service_notice: 'Terima kasih' }]);
    const tokenJson = JSON.parse(renderCreatedRequests([{ token: 'tok-1', account_id: 'acc-9' }], 'json').body);
    expect(tokenJson).toEqual([{ token: 'tok-1', account_id: 'acc-9' }]);
    expect(open311Validator(swaggerList('RequestResponse'))(tokenJson)).toBe(true);
  });

  it('should render a created request as <service_requests><request> with the example elements', () => {
    const root = parseXml(
      renderCreatedRequests([{ service_request_id: '293944', service_notice: 'Diperiksa 24 jam' }], 'xml').body,
    );
    expect(root.nodeName).toBe('service_requests');
    const [request] = children(root, 'request');
    expectXmlMatchesJson(request as Element, {
      service_request_id: '293944',
      service_notice: 'Diperiksa 24 jam',
      account_id: null,
    });
    const tokenRoot = parseXml(renderCreatedRequests([{ token: 'tok-1' }], 'xml').body);
    expectXmlMatchesJson(children(tokenRoot)[0] as Element, { token: 'tok-1', service_notice: null, account_id: null });
  });

  it('should render token resolutions in both formats', () => {
    const resolutions = [{ token: 'tok-1', service_request_id: '638344' }, { token: 'tok-2' }];
    const json = JSON.parse(renderTokenResolutions(resolutions, 'json').body);
    expect(open311Validator(swaggerList('TokenResponse'))(json)).toBe(true);
    expect(json).toEqual([{ service_request_id: '638344', token: 'tok-1' }, { token: 'tok-2' }]);
    const root = parseXml(renderTokenResolutions(resolutions, 'xml').body);
    expect(root.nodeName).toBe('service_requests');
    const [first, second] = children(root, 'request');
    expectXmlMatchesJson(first as Element, { service_request_id: '638344', token: 'tok-1' });
    expectXmlMatchesJson(second as Element, { service_request_id: null, token: 'tok-2' });
  });
});

describe('errors', () => {
  const errors = [
    { code: 400, description: 'service_code is required' },
    { code: 400, description: 'lat & long <must> be sent together' },
  ];

  it('should render [{code, description}] with numeric codes', () => {
    expect(JSON.parse(renderErrors(errors, 'json').body)).toEqual(errors);
  });

  it('should render <errors><error><code/><description/></error></errors>', () => {
    const root = parseXml(renderErrors(errors, 'xml').body);
    expect(root.nodeName).toBe('errors');
    const elements = children(root);
    expect(elements.map((element) => element.nodeName)).toEqual(['error', 'error']);
    elements.forEach((element, index) => {
      expectXmlMatchesJson(element, errors[index] as unknown as Record<string, unknown>);
    });
  });
});

describe('discovery', () => {
  const discovery: Open311Discovery = {
    changeset: new Date('2026-11-01T00:00:00Z'),
    contact: 'open311@serangkota.go.id',
    key_service: 'https://api.balai.id/open311/keys',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: 'https://api.balai.id/open311/v2',
        changeset: new Date('2026-11-01T00:00:00Z'),
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };

  it('should render the discovery JSON', () => {
    expect(JSON.parse(renderDiscovery(discovery, 'json').body)).toEqual({
      changeset: '2026-11-01T07:00:00+07:00',
      contact: 'open311@serangkota.go.id',
      key_service: 'https://api.balai.id/open311/keys',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: 'https://api.balai.id/open311/v2',
          changeset: '2026-11-01T07:00:00+07:00',
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    });
  });

  it('should render <discovery>…<endpoints><endpoint>…<formats><format>', () => {
    const root = parseXml(renderDiscovery(discovery, 'xml').body);
    expect(root.nodeName).toBe('discovery');
    const json = JSON.parse(renderDiscovery(discovery, 'json').body);
    expectXmlMatchesJson(root, json);
    const endpoints = children(children(root, 'endpoints')[0] as Element);
    expect(endpoints.map((element) => element.nodeName)).toEqual(['endpoint']);
    expectXmlMatchesJson(endpoints[0] as Element, json.endpoints[0]);
    const formats = children(children(endpoints[0] as Element, 'formats')[0] as Element);
    expect(formats.map((element) => [element.nodeName, element.textContent])).toEqual([
      ['format', 'text/xml'],
      ['format', 'application/json'],
    ]);
  });
});

describe('service request updates (FixMyStreet extension)', () => {
  const updates: Open311ServiceRequestUpdate[] = [
    {
      update_id: 'upd-1',
      service_request_id: '36.73-2026-000123',
      status: 'in_progress',
      updated_datetime: requestedAt,
      description: 'Petugas menuju lokasi',
      media_url: 'https://media.balai.id/36.73/progress.jpg',
      external_status_code: 'ASSIGNED',
    },
    { update_id: 'upd-2', service_request_id: '36.73-2026-000123', status: 'closed', updated_datetime: requestedAt },
  ];

  it('should render the updates as JSON records', () => {
    expect(JSON.parse(renderServiceRequestUpdates(updates, 'json').body)).toEqual([
      {
        update_id: 'upd-1',
        service_request_id: '36.73-2026-000123',
        status: 'in_progress',
        updated_datetime: '2026-11-29T13:05:00+07:00',
        description: 'Petugas menuju lokasi',
        media_url: 'https://media.balai.id/36.73/progress.jpg',
        external_status_code: 'ASSIGNED',
      },
      {
        update_id: 'upd-2',
        service_request_id: '36.73-2026-000123',
        status: 'closed',
        updated_datetime: '2026-11-29T13:05:00+07:00',
        description: null,
        media_url: null,
      },
    ]);
  });

  it('should render <service_requests_updates><request_update> as FixMyStreet reads it', () => {
    const root = parseXml(renderServiceRequestUpdates(updates, 'xml').body);
    expect(root.nodeName).toBe('service_requests_updates');
    const json = JSON.parse(renderServiceRequestUpdates(updates, 'json').body);
    const elements = children(root);
    expect(elements.map((element) => element.nodeName)).toEqual(['request_update', 'request_update']);
    elements.forEach((element, index) => {
      expectXmlMatchesJson(element, json[index]);
    });
  });
});
