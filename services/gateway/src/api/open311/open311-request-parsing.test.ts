import { describe, expect, it } from 'vitest';
import { createRequestLimits, parseCreateRequestForm, parseRequestSearchQuery } from './open311-request-parsing.js';

const base = 'service_code=jalan_berlubang&lat=-6.1201&long=106.1503';

function parsed(body: string) {
  const result = parseCreateRequestForm(body);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function errorsOf(body: string): string[] {
  const result = parseCreateRequestForm(body);
  if (result.ok) throw new Error('expected errors');
  for (const error of result.errors) expect(error.code).toBe(400);
  return result.errors.map((error) => error.description);
}

describe('parseCreateRequestForm', () => {
  it('should read every parameter of the specification', () => {
    const body = new URLSearchParams({
      api_key: 'key-1',
      jurisdiction_id: 'serangkota.go.id',
      service_code: 'jalan_berlubang',
      lat: '-6.1201',
      long: '106.1503',
      address_string: 'Jl. Ahmad Yani No. 1',
      address_id: 'addr-42',
      email: 'warga@example.id',
      device_id: 'device-7',
      account_id: 'acc-9',
      first_name: 'Siti',
      last_name: 'Aminah',
      phone: '+62 812-3456-7890',
      description: 'Lubang besar\nberbahaya',
      media_url: 'https://media.example.id/1.jpg',
    });
    const value = parsed(body.toString());
    expect(value).toEqual({
      apiKey: 'key-1',
      jurisdictionId: 'serangkota.go.id',
      serviceCode: 'jalan_berlubang',
      lat: -6.1201,
      long: 106.1503,
      addressString: 'Jl. Ahmad Yani No. 1',
      addressId: 'addr-42',
      email: 'warga@example.id',
      deviceId: 'device-7',
      accountId: 'acc-9',
      firstName: 'Siti',
      lastName: 'Aminah',
      phone: '+62 812-3456-7890',
      description: 'Lubang besar\nberbahaya',
      mediaUrl: 'https://media.example.id/1.jpg',
      attributes: new Map(),
    });
  });

  it('should read attribute[code] as a string and attribute[code][] as a list', () => {
    const value = parsed(
      `${base}&attribute[kedalaman]=30&attribute%5Bbahaya%5D%5B%5D=licin&attribute[bahaya][]=gelap&attribute[WHISHETN]=A1`,
    );
    expect([...value.attributes]).toEqual([
      ['kedalaman', '30'],
      ['bahaya', ['licin', 'gelap']],
      ['WHISHETN', 'A1'],
    ]);
  });

  it('should accept a location given as an address only', () => {
    expect(parsed('service_code=sampah&address_string=Pasar+Rau').addressString).toBe('Pasar Rau');
    expect(parsed('service_code=sampah&address_id=addr-1').addressId).toBe('addr-1');
  });

  it('should refuse a request without a location, or with half a coordinate', () => {
    expect(errorsOf('service_code=sampah&description=x')).toEqual([
      'A location is required: lat and long, address_string or address_id',
    ]);
    expect(errorsOf('service_code=sampah&lat=-6.1')).toContain('lat and long must be sent together');
    expect(errorsOf('service_code=sampah&lat=&long=&address_string=')).toContain(
      'A location is required: lat and long, address_string or address_id',
    );
  });

  it('should refuse coordinates that are not decimal degrees within range', () => {
    for (const [lat, long] of [
      ['91', '106'],
      ['-6', '181'],
      ['NaN', '106'],
      ['1e2', '106'],
      ['0x10', '106'],
      ['-6,12', '106'],
    ]) {
      expect(errorsOf(`service_code=a&lat=${lat}&long=${long}`).length, `${lat},${long}`).toBeGreaterThan(0);
    }
  });

  it('should refuse a missing service_code and report every problem at once', () => {
    expect(errorsOf('email=not-an-email&media_url=javascript:alert(1)&phone=call+me')).toEqual([
      'service_code is required',
      'A location is required: lat and long, address_string or address_id',
      'email is not valid',
      'phone is not valid',
      'media_url must be an https URL',
    ]);
  });

  it.each([
    'https://cdn.example.org/a.jpg',
    'HTTPS://CDN.example.org/a.jpg',
    'https://例え.jp/x.png',
    'https://media.example.id/@warga/foto%201.jpg?w=200#top',
  ])('should pass media_url %s on for complaints to check its host', (mediaUrl) => {
    expect(parsed(`${base}&media_url=${encodeURIComponent(mediaUrl)}`).mediaUrl).toBe(mediaUrl);
  });

  it.each([
    ['http://cdn.example.org/a.jpg', 'media_url must be an https URL'],
    ['javascript:alert(1)', 'media_url must be an https URL'],
    ['data:image/png;base64,iVBORw0KGgo=', 'media_url must be an https URL'],
    ['https:cdn.example.org/a.jpg', 'media_url must be an https URL'],
    ['https:///a.jpg', 'media_url must be an https URL'],
    ['https://user:pw@x.org/a.jpg', 'media_url must not contain credentials (user:password@)'],
    [
      'https://x.org/<script>',
      'media_url must not contain whitespace, quotes, angle brackets, backticks or backslashes',
    ],
    [
      'https://x.org/a.jpg"onerror=x',
      'media_url must not contain whitespace, quotes, angle brackets, backticks or backslashes',
    ],
    ["https://x.org/a'b", 'media_url must not contain whitespace, quotes, angle brackets, backticks or backslashes'],
    [
      'https://x.org\\@evil.example/',
      'media_url must not contain whitespace, quotes, angle brackets, backticks or backslashes',
    ],
    [
      'https://x.org/a b.jpg',
      'media_url must not contain whitespace, quotes, angle brackets, backticks or backslashes',
    ],
    ['https://x.org/a\u0000.jpg', 'media_url contains control characters'],
    ['https://x.org/a\u0085.jpg', 'media_url contains control characters'],
    ['https://x.org/a\n.jpg', 'media_url contains control characters'],
  ])('should refuse media_url %j: %s', (mediaUrl, error) => {
    expect(errorsOf(`${base}&media_url=${encodeURIComponent(mediaUrl)}`)).toEqual([error]);
  });

  it('should keep operator and prototype keys out: ignored as names, or refused as attribute codes', () => {
    const value = parsed(
      `${base}&__proto__[admin]=1&__proto__=x&constructor[prototype][admin]=1&service_code[$ne]=x&description[$gt]=`,
    );
    expect(value.serviceCode).toBe('jalan_berlubang');
    expect(value.description).toBeNull();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(errorsOf(`${base}&attribute[$gt]=1`)).toEqual(['attribute code "$gt" is not valid']);
    expect(errorsOf(`${base}&attribute[__proto__]=1`)).toEqual(['attribute code "__proto__" is not valid']);
    expect(errorsOf(`${base}&attribute[constructor]=1`)).toEqual(['attribute code "constructor" is not valid']);
  });

  it('should keep nested attribute keys out of the attributes', () => {
    const value = parsed(`${base}&attribute[a][b]=1&attribute[a][0]=2&attribute=3`);
    expect(value.attributes.size).toBe(0);
  });

  it('should refuse a scalar or single attribute sent twice, and mixing single and list forms', () => {
    expect(errorsOf(`${base}&service_code=other`)).toEqual(['service_code is sent more than once']);
    expect(errorsOf(`${base}&attribute[a]=1&attribute[a]=2`)).toEqual([
      'attribute[a] is sent more than once; use attribute[a][] for a list',
    ]);
    expect(errorsOf(`${base}&attribute[a]=1&attribute[a][]=2`)).toEqual([
      'attribute[a] is sent both as one value and as a list',
    ]);
  });

  it('should bound the form: parameters, attributes, values and lengths', () => {
    const many = Array.from({ length: createRequestLimits.parameters }, (_, i) => `x${i}=1`).join('&');
    expect(errorsOf(`${base}&${many}`)).toEqual(['The form has more than 200 parameters']);
    const attributes = Array.from({ length: createRequestLimits.attributes + 1 }, (_, i) => `attribute[a${i}]=1`);
    expect(errorsOf(`${base}&${attributes.join('&')}`)).toEqual(['The form has more than 50 attributes']);
    const values = Array.from({ length: createRequestLimits.valuesPerAttribute + 1 }, () => 'attribute[a][]=v');
    expect(errorsOf(`${base}&${values.join('&')}`)).toEqual(['attribute[a] has more than 50 values']);
    expect(errorsOf(`${base}&description=${'x'.repeat(4001)}`)).toEqual(['description is longer than 4000 characters']);
  });

  it('should refuse control characters, and line breaks outside multi-line fields', () => {
    expect(errorsOf(`${base}&first_name=Siti%00`)).toEqual(['first_name contains control characters']);
    expect(errorsOf(`${base}&first_name=Siti%0AAminah`)).toEqual(['first_name contains control characters']);
    expect(errorsOf(`${base}&description=Lubang%C2%9Bbesar`)).toEqual(['description contains control characters']);
    expect(parsed(`${base}&description=Lubang+besar+%F0%9F%98%A1+di+depan+Caf%C3%A9`).description).toBe(
      'Lubang besar 😡 di depan Café',
    );
    expect(parsed(`${base}&description=baris+1%0D%0Abaris+2`).description).toBe('baris 1\r\nbaris 2');
  });
});

const now = new Date('2026-11-29T06:00:00Z');
const days = (n: number) => n * 86_400_000;

function search(query: Record<string, unknown>) {
  const result = parseRequestSearchQuery(query, { now });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function searchErrors(query: Record<string, unknown>): string[] {
  const result = parseRequestSearchQuery(query, { now });
  if (result.ok) throw new Error('expected errors');
  return result.errors.map((error) => error.description);
}

describe('parseRequestSearchQuery', () => {
  it('should default to the last 90 days, every status, the first page of 1000', () => {
    expect(search({})).toEqual({
      kind: 'filter',
      jurisdictionId: null,
      serviceCodes: [],
      start: new Date(now.getTime() - days(90)),
      end: now,
      statuses: [],
      page: 1,
      pageSize: 1000,
    });
  });

  it('should let service_request_id override every other parameter', () => {
    expect(
      search({ service_request_id: 'a1,b2, c3', status: 'bogus', start_date: 'x', jurisdiction_id: '36.73' }),
    ).toEqual({ kind: 'ids', jurisdictionId: '36.73', serviceRequestIds: ['a1', 'b2', 'c3'] });
    expect(searchErrors({ service_request_id: 'a1,{"$ne":1}' })).toEqual([
      'service_request_id "{"$ne":1}" is not valid',
    ]);
  });

  it('should read comma-separated and repeated statuses', () => {
    expect(search({ status: 'open,closed' })).toMatchObject({ statuses: ['open', 'closed'] });
    expect(search({ status: ['closed', 'open,closed'] })).toMatchObject({ statuses: ['closed', 'open'] });
    expect(searchErrors({ status: 'pending' })).toEqual(['status must be open, closed or both, comma-separated']);
  });

  it('should read the date window and keep it within 90 days', () => {
    expect(search({ start_date: '2026-10-01T00:00:00+07:00', end_date: '2026-11-01T00:00:00Z' })).toMatchObject({
      start: new Date('2026-09-30T17:00:00Z'),
      end: new Date('2026-11-01T00:00:00Z'),
    });
    expect(search({ start_date: '2026-01-01' })).toMatchObject({
      start: new Date('2025-12-31T17:00:00Z'),
      end: new Date(new Date('2025-12-31T17:00:00Z').getTime() + days(90)),
    });
    expect(search({ end_date: '2026-06-01T00:00:00Z' })).toMatchObject({
      start: new Date(new Date('2026-06-01T00:00:00Z').getTime() - days(90)),
    });
    expect(searchErrors({ start_date: '2026-01-01T00:00:00Z', end_date: '2026-04-02T00:00:00Z' })).toEqual([
      'start_date and end_date may not span more than 90 days',
    ]);
    expect(searchErrors({ start_date: '2026-02-01T00:00:00Z', end_date: '2026-01-01T00:00:00Z' })).toEqual([
      'end_date is before start_date',
    ]);
  });

  it('should refuse dates that are not W3C datetimes', () => {
    for (const bad of ['yesterday', '2026-11-29T10:00:00', '2026-02-30', '1732867200']) {
      expect(searchErrors({ start_date: bad }), bad).toEqual([
        'start_date must be a W3C datetime such as 2026-11-29T13:05:00+07:00',
      ]);
    }
  });

  it('should bound paging', () => {
    expect(search({ page: '3', page_size: '50' })).toMatchObject({ page: 3, pageSize: 50 });
    for (const [page, pageSize] of [
      ['0', '10'],
      ['1', '0'],
      ['1', '1001'],
      ['-1', '10'],
      ['1.5', '10'],
      ['10001', '10'],
      ['1', '1e3'],
    ]) {
      expect(searchErrors({ page, page_size: pageSize }).length, `${page}/${pageSize}`).toBe(1);
    }
    const result = parseRequestSearchQuery({}, { now, defaultPageSize: 100, maxPageSize: 200 });
    expect(result.ok && result.value.kind === 'filter' && result.value.pageSize).toBe(100);
  });

  it('should refuse objects and repeated single-valued parameters', () => {
    expect(searchErrors({ service_code: { $ne: 'x' } })).toEqual(['service_code must be a plain value']);
    expect(searchErrors({ start_date: ['2026-01-01', '2026-01-02'] })).toEqual(['start_date is sent more than once']);
    expect(searchErrors({ service_code: 'a b' })).toEqual(['service_code "a b" is not valid']);
    expect(search({ service_code: 'jalan_berlubang,sampah' })).toMatchObject({
      serviceCodes: ['jalan_berlubang', 'sampah'],
    });
  });
});
