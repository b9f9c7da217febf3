import { describe, expect, it } from 'vitest';
import { open311ErrorList, open311Validator, swaggerList } from './open311.js';

/*
 * The Open311 schemas must accept what the GeoReport v2 specification shows and refuse what it
 * rules out; a schema that accepts anything would let every Open311 test pass. The valid documents
 * follow the specification's examples, with identifiers written as strings (its JSON prints some as
 * bare numbers, `001` even, which no JSON parser reads).
 */

type Json = Record<string, unknown>;

const aService = (overrides: Json = {}): Json => ({
  service_code: '001',
  service_name: 'Cans left out 24x7',
  description: 'Garbage or recycling cans left out more than 24 hours after collection.',
  metadata: true,
  type: 'realtime',
  keywords: 'lorem, ipsum, dolor',
  group: 'sanitation',
  ...overrides,
});

const anAttribute = (overrides: Json = {}): Json => ({
  variable: true,
  code: 'WHISHETN',
  datatype: 'singlevaluelist',
  required: true,
  datatype_description: null,
  order: 1,
  description: 'What is the ticket/tag/DL number?',
  values: [
    { key: '123', name: 'Ford' },
    { key: '124', name: 'Chrysler' },
  ],
  ...overrides,
});

const aServiceDefinition = (attribute: Json = anAttribute()): Json => ({
  service_code: 'DMV66',
  attributes: [attribute],
});

const aRequest = (overrides: Json = {}): Json => ({
  service_request_id: '638344',
  status: 'closed',
  status_notes: 'Duplicate request.',
  service_name: 'Sidewalk and Curb Issues',
  service_code: '006',
  description: null,
  agency_responsible: null,
  service_notice: null,
  requested_datetime: '2010-04-14T06:37:38-08:00',
  updated_datetime: '2010-04-14T06:37:38-08:00',
  expected_datetime: '2010-04-15T06:37:38-08:00',
  address: '8TH AVE and JUDAH ST',
  address_id: '545483',
  zipcode: '94122',
  lat: 37.762221815,
  long: -122.4651145,
  media_url: 'http://city.gov.s3.amazonaws.com/requests/media/638344.jpg',
  ...overrides,
});

const aDiscovery = (): Json => ({
  changeset: '2011-02-03 14:18',
  contact: 'You can email or call for assistance api@mycity.org +1 (555) 555-5555',
  key_service: 'You can request a key here: http://api.mycity.gov/api_key/request',
  endpoints: [
    {
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://open311.mycity.gov/v2',
      changeset: '2010-11-23 09:01',
      type: 'production',
      formats: ['text/xml', 'application/json'],
    },
  ],
});

const anUpdate = (overrides: Json = {}): Json => ({
  update_id: '638344',
  service_request_id: '1',
  status: 'open',
  updated_datetime: '2026-11-29T13:05:00+07:00',
  description: 'This is a note',
  media_url: null,
  ...overrides,
});

function without(record: Json, field: string): Json {
  const { [field]: _, ...rest } = record;
  return rest;
}

/** The errors a schema reports for a value (none when it is valid). */
function problemsOf(schema: string | object, value: unknown) {
  const validate = open311Validator(schema);
  return validate(value) ? [] : (validate.errors ?? []);
}

const missing = (instancePath: string, missingProperty: string) =>
  expect.objectContaining({ instancePath, keyword: 'required', params: { missingProperty } });
const wrongAt = (instancePath: string) => expect.objectContaining({ instancePath });

describe('valid answers', () => {
  it('should accept the specification examples of every GeoReport v2 answer', () => {
    const examples: Array<[string, unknown]> = [
      [
        'services.json',
        [aService(), aService({ service_code: '002', description: null, keywords: null, group: null })],
      ],
      ['services.json', []],
      ['service-definition.json', aServiceDefinition()],
      [
        'created-requests.json',
        [{ service_request_id: '293944', service_notice: 'Inspected in 24 hours', account_id: null }],
      ],
      ['created-requests.json', [{ token: '12345' }]],
      ['tokens.json', [{ service_request_id: '638344', token: '12345' }]],
      ['requests.json', [aRequest(), aRequest({ service_request_id: '638349', status: 'open', status_notes: null })]],
      ['errors.json', [{ code: 403, description: "Invalid api_key received -- can't proceed with create_request." }]],
      ['discovery.json', aDiscovery()],
      ['service-request-updates.json', [anUpdate(), anUpdate({ status: 'FIXED', external_status_code: '1600' })]],
    ];
    for (const [schema, value] of examples) {
      expect(problemsOf(schema, value), schema).toEqual([]);
    }
  });

  it('should leave out what the specification says may not be returned, and keep fields a server adds', () => {
    const sparse = without(
      without(without(without(aRequest(), 'status_notes'), 'agency_responsible'), 'service_notice'),
      'expected_datetime',
    );
    expect(problemsOf('requests.json', [sparse])).toEqual([]);
    expect(problemsOf('requests.json', [aRequest({ lat: null, long: null, updated_datetime: null })])).toEqual([]);
    expect(problemsOf('requests.json', [aRequest({ extended_attributes: { x: 1 } })])).toEqual([]);
    expect(problemsOf('created-requests.json', [{ service_notice: 'Blackbox: no id is given' }])).toEqual([]);
    expect(problemsOf('tokens.json', [{ token: '12345' }])).toEqual([]);
    expect(
      problemsOf(
        'service-definition.json',
        aServiceDefinition(without(anAttribute({ datatype: 'text', order: null }), 'values')),
      ),
    ).toEqual([]);
  });

  it('should accept datetimes in UTC and with any offset, with fractions of a second', () => {
    for (const requested_datetime of [
      '1994-11-05T13:15:30Z',
      '1994-11-05T08:15:30-05:00',
      '2026-11-29T13:05:00.250+07:00',
    ]) {
      expect(problemsOf('requests.json', [aRequest({ requested_datetime })]), requested_datetime).toEqual([]);
    }
  });
});

describe('wrong answers', () => {
  it('should refuse a request without its service_request_id', () => {
    expect(problemsOf('requests.json', [without(aRequest(), 'service_request_id')])).toContainEqual(
      missing('/0', 'service_request_id'),
    );
  });

  it('should refuse a status other than open and closed', () => {
    expect(problemsOf('requests.json', [aRequest({ status: 'pending' })])).toContainEqual(wrongAt('/0/status'));
  });

  it('should refuse coordinates written as strings or off the globe', () => {
    expect(problemsOf('requests.json', [aRequest({ lat: '37.762221815' })])).toContainEqual(wrongAt('/0/lat'));
    expect(problemsOf('requests.json', [aRequest({ lat: 91 })])).toContainEqual(wrongAt('/0/lat'));
    expect(problemsOf('requests.json', [aRequest({ long: -180.5 })])).toContainEqual(wrongAt('/0/long'));
  });

  it('should refuse datetimes without a zone, with a bare ±HHMM offset or on impossible days', () => {
    for (const requested_datetime of [
      '2010-04-14T06:37:38',
      '2010-04-14T06:37:38-0800',
      '2010-04-14 06:37:38Z',
      '2010-02-30T06:37:38Z',
      '29/11/2026',
    ]) {
      expect(problemsOf('requests.json', [aRequest({ requested_datetime })]), requested_datetime).toContainEqual(
        wrongAt('/0/requested_datetime'),
      );
    }
  });

  it('should refuse a request that drops a field the specification always returns', () => {
    expect(problemsOf('requests.json', [without(aRequest(), 'address_id')])).toContainEqual(
      missing('/0', 'address_id'),
    );
    expect(problemsOf('requests.json', [aRequest({ description: 'x'.repeat(4001) })])).toContainEqual(
      wrongAt('/0/description'),
    );
  });

  it('should refuse metadata as the string "true" and a type outside realtime, batch and blackbox', () => {
    expect(problemsOf('services.json', [aService({ metadata: 'true' })])).toContainEqual(wrongAt('/0/metadata'));
    expect(problemsOf('services.json', [aService({ type: 'queued' })])).toContainEqual(wrongAt('/0/type'));
    expect(problemsOf('services.json', [aService({ service_code: 1 })])).toContainEqual(wrongAt('/0/service_code'));
  });

  it('should refuse an attribute datatype outside the six of the specification', () => {
    expect(
      problemsOf('service-definition.json', aServiceDefinition(anAttribute({ datatype: 'integer' }))),
    ).toContainEqual(wrongAt('/attributes/0/datatype'));
  });

  it('should refuse a list attribute without values, and an order below 1', () => {
    expect(problemsOf('service-definition.json', aServiceDefinition(without(anAttribute(), 'values')))).toContainEqual(
      missing('/attributes/0', 'values'),
    );
    expect(problemsOf('service-definition.json', aServiceDefinition(anAttribute({ order: 0 })))).toContainEqual(
      wrongAt('/attributes/0/order'),
    );
  });

  it('should refuse an error without a code, or with a code that is no number', () => {
    expect(problemsOf(open311ErrorList, [{ description: 'Invalid api_key' }])).toContainEqual(missing('/0', 'code'));
    expect(problemsOf(open311ErrorList, [{ code: '403', description: 'Invalid api_key' }])).toContainEqual(
      wrongAt('/0/code'),
    );
    expect(problemsOf(open311ErrorList, [])).toContainEqual(wrongAt(''));
  });

  it('should refuse a POST answer holding both service_request_id and token', () => {
    expect(problemsOf('created-requests.json', [{ service_request_id: '293944', token: '12345' }])).toContainEqual(
      wrongAt('/0'),
    );
  });

  it('should refuse discovery without endpoints or with an endpoint type other than production and test', () => {
    expect(problemsOf('discovery.json', without(aDiscovery(), 'endpoints'))).toContainEqual(missing('', 'endpoints'));
    const staging = aDiscovery();
    (staging.endpoints as Json[])[0] = { ...(staging.endpoints as Json[])[0], type: 'staging' };
    expect(problemsOf('discovery.json', staging)).toContainEqual(wrongAt('/endpoints/0/type'));
  });

  it('should refuse an update without its updated_datetime', () => {
    expect(problemsOf('service-request-updates.json', [without(anUpdate(), 'updated_datetime')])).toContainEqual(
      missing('/0', 'updated_datetime'),
    );
  });
});

describe('names earlier tests use', () => {
  it('should resolve the community Swagger record names to these schemas', () => {
    expect(problemsOf(swaggerList('RequestResponse', 1), [{ token: 'tok-1', account_id: 'acc-9' }])).toEqual([]);
    expect(problemsOf(swaggerList('RequestResponse', 1), [])).toContainEqual(wrongAt(''));
    expect(problemsOf(swaggerList('TokenResponse'), [{ service_request_id: '638344' }])).toContainEqual(
      missing('/0', 'token'),
    );
    expect(problemsOf('swagger#/definitions/Request', without(aRequest(), 'status'))).toContainEqual(
      missing('', 'status'),
    );
  });

  it('should fail loudly on a schema name it does not have', () => {
    expect(() => open311Validator('request.json')).toThrow(/no Open311 schema request\.json/);
  });
});
