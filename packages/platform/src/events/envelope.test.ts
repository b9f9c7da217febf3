import { describe, expect, it } from 'vitest';
import { EnvelopeError, fromKafkaMessage, newEvent, toKafkaRecord, topicOf } from './envelope.js';

const submittedAt = new Date('2026-11-28T08:00:00.000Z');
const event = newEvent({
  type: 'id.balai.complaints.complaint.submitted.v1',
  source: '/balai/complaints',
  subject: 'c-1',
  tenantId: '36.73',
  time: submittedAt,
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  data: {
    complaintId: 'c-1',
    tenantId: '36.73',
    categoryCode: 'roads.pothole',
    submittedAt,
    agencyId: '',
    slaDueAt: undefined,
    filedOnBehalf: false,
    anonymous: false,
  },
});

function asMessage(record: ReturnType<typeof toKafkaRecord>) {
  return {
    headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])),
    value: Buffer.from(record.value),
  };
}

describe('CloudEvents envelope (Kafka binary content mode)', () => {
  it('should put the attributes in ce_* headers, the aggregate id in the key and proto3 JSON in the value', () => {
    const record = toKafkaRecord(event);
    expect(record.key).toBe('c-1');
    expect(record.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_type: 'id.balai.complaints.complaint.submitted.v1',
      ce_source: '/balai/complaints',
      ce_subject: 'c-1',
      ce_time: '2026-11-28T08:00:00.000Z',
      ce_tenant: '36.73',
      traceparent: event.traceparent,
      'content-type': 'application/json',
    });
    expect(JSON.parse(record.value)).toEqual({
      complaintId: 'c-1',
      tenantId: '36.73',
      categoryCode: 'roads.pothole',
      submittedAt: '2026-11-28T08:00:00.000Z',
    });
    expect(topicOf(event.type, 't1.')).toBe('t1.balai.complaints.v1');
  });

  it('should read back the typed event it wrote', () => {
    const received = fromKafkaMessage(asMessage(toKafkaRecord(event)));
    expect(received).toMatchObject({ id: event.id, type: event.type, subject: 'c-1', tenantId: '36.73' });
    // Fields added to the message later (agency, SLA, flags) read back as their proto3 defaults.
    expect(received.data).toEqual({
      complaintId: 'c-1',
      tenantId: '36.73',
      categoryCode: 'roads.pothole',
      submittedAt,
      agencyId: '',
      slaDueAt: undefined,
      filedOnBehalf: false,
      anonymous: false,
    });
  });

  it.each([
    ['a missing ce_id', (m: ReturnType<typeof asMessage>) => delete m.headers.ce_id, /missing header ce_id/],
    [
      'another spec version',
      (m: ReturnType<typeof asMessage>) => (m.headers.ce_specversion = Buffer.from('0.3')),
      /specversion/,
    ],
    [
      'an unknown type',
      (m: ReturnType<typeof asMessage>) => (m.headers.ce_type = Buffer.from('x.y.v9')),
      /unknown event type/,
    ],
    ['a bad time', (m: ReturnType<typeof asMessage>) => (m.headers.ce_time = Buffer.from('yesterday')), /ce_time/],
    ['a payload that is not JSON', (m: ReturnType<typeof asMessage>) => (m.value = Buffer.from('{oops')), /not JSON/],
    ['a JSON array payload', (m: ReturnType<typeof asMessage>) => (m.value = Buffer.from('[1]')), /not a JSON object/],
  ])('should reject a message with %s as malformed', (_name, spoil, reason) => {
    const message = asMessage(toKafkaRecord(event));
    spoil(message);
    expect(() => fromKafkaMessage(message)).toThrowError(EnvelopeError);
    expect(() => fromKafkaMessage(message)).toThrowError(reason);
  });
});
