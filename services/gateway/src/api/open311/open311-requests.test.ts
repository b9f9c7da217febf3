import { complaintsV1 } from '@balai/contracts';
import { AppError } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { parseCreateRequestForm, parseUpdatesQuery } from './open311-request-parsing.js';
import {
  complaintStatusesFor,
  open311StatusOf,
  submitRefusalErrors,
  toOpen311ServiceRequest,
  toOpen311ServiceRequestUpdates,
  toSubmitComplaintRequest,
} from './open311-requests.js';

const complaint = (overrides: Partial<complaintsV1.Complaint> = {}) =>
  complaintsV1.Complaint.fromPartial({
    id: 'c-1',
    categoryCode: 'roads.pothole',
    status: 'submitted',
    latitude: -6.12,
    longitude: 106.15,
    submittedAt: new Date('2026-11-20T03:00:00Z'),
    ...overrides,
  });

const noNames = { services: new Map<string, string>(), agencies: new Map<string, string>() };

function formOf(fields: Record<string, string>) {
  const parsed = parseCreateRequestForm(new URLSearchParams(fields));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

describe('Open311 status', () => {
  it.each([
    ['submitted', 'open'],
    ['in_progress', 'open'],
    ['resolved', 'closed'],
    ['closed', 'closed'],
    ['rejected', 'closed'],
    ['duplicate', 'closed'],
    ['cancelled', 'closed'],
  ])('should call %s %s', (status, open311) => {
    expect(open311StatusOf(status)).toBe(open311);
  });

  it('should name every complaint status for open and closed together', () => {
    expect(complaintStatusesFor(['open'])).toEqual(['submitted', 'in_progress']);
    expect(complaintStatusesFor([])).toEqual([]);
    expect(complaintStatusesFor(['open', 'closed'])).toHaveLength(7);
  });
});

describe('toOpen311ServiceRequest', () => {
  it.each([
    [{ status: 'resolved', resolutionNote: 'Sudah ditambal' }, 'Sudah ditambal'],
    [{ status: 'closed', resolutionNote: 'Sudah ditambal' }, 'Sudah ditambal'],
    [{ status: 'rejected', rejectionReason: 'Bukan wewenang kota' }, 'Bukan wewenang kota'],
    [{ status: 'duplicate', duplicateOfId: 'c-0' }, 'Duplicate of service request c-0'],
    [{ status: 'cancelled' }, 'Withdrawn by the reporter'],
    [{ status: 'in_progress', resolutionNote: 'old' }, null],
  ])('should explain %o in status_notes', (overrides, notes) => {
    expect(toOpen311ServiceRequest(complaint(overrides), noNames).status_notes).toBe(notes);
  });

  it('should leave out what the public may not see even when the complaint holds it', () => {
    const request = toOpen311ServiceRequest(
      complaint({
        reporterId: 'partner-1',
        reporterContact: {
          email: 'warga@example.id',
          firstName: 'Siti',
          lastName: 'A',
          phone: '+62812',
          deviceId: 'd',
          accountId: 'a',
        },
        assignedOfficerId: 'officer-1',
        agencyId: 'dpupr',
        citizenReference: 'loket-1',
      }),
      {
        services: new Map([['roads.pothole', 'Jalan berlubang']]),
        agencies: new Map([['dpupr', 'Dinas Pekerjaan Umum dan Penataan Ruang']]),
      },
    );
    expect(JSON.stringify(request)).not.toMatch(/warga|partner-1|officer-1|loket-1/);
    expect(request).toMatchObject({
      service_name: 'Jalan berlubang',
      agency_responsible: 'Dinas Pekerjaan Umum dan Penataan Ruang',
      address_id: null,
      zipcode: null,
    });
  });
});

describe('toOpen311ServiceRequestUpdates', () => {
  const entry = (id: string, at: string, overrides: Partial<complaintsV1.TimelineEntry> = {}) =>
    complaintsV1.TimelineEntry.fromPartial({
      id,
      at: new Date(at),
      visibility: 'public',
      action: 'comment',
      ...overrides,
    });

  it('should carry the status forward to comments and keep the window half-open', () => {
    const updates = toOpen311ServiceRequestUpdates(
      [
        complaint({
          timeline: [
            entry('e-1', '2026-11-25T01:00:00Z', { action: 'assign', toStatus: 'in_progress' }),
            entry('e-2', '2026-11-25T02:00:00Z', { note: 'Dalam pengerjaan' }),
            entry('e-3', '2026-11-25T03:00:00Z', { action: 'reject', toStatus: 'rejected', note: 'Bukan wewenang' }),
          ],
        }),
      ],
      { from: new Date('2026-11-25T01:00:00Z'), before: new Date('2026-11-25T03:00:00Z') },
    );
    expect(updates.map((update) => [update.update_id, update.status, update.description])).toEqual([
      ['e-1', 'in_progress', null],
      ['e-2', 'in_progress', 'Dalam pengerjaan'],
    ]);
  });

  it('should order updates of several requests by time', () => {
    const updates = toOpen311ServiceRequestUpdates(
      [
        complaint({ id: 'c-1', timeline: [entry('e-b', '2026-11-25T05:00:00Z', { toStatus: 'duplicate' })] }),
        complaint({ id: 'c-2', timeline: [entry('e-a', '2026-11-25T04:00:00Z', { toStatus: 'cancelled' })] }),
      ],
      { from: new Date('2026-11-25T00:00:00Z'), before: new Date('2026-11-26T00:00:00Z') },
    );
    expect(updates.map((update) => [update.service_request_id, update.status, update.external_status_code])).toEqual([
      ['c-2', 'closed', 'cancelled'],
      ['c-1', 'duplicate', 'duplicate'],
    ]);
  });
});

describe('toSubmitComplaintRequest', () => {
  const base = {
    service_code: 'roads.pothole',
    lat: '-6.12',
    long: '106.15',
    description: 'Lubang besar di depan pasar',
  };

  it('should send empty contact fields and no media when the partner gives none', () => {
    const result = toSubmitComplaintRequest(formOf(base), undefined);
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        mediaUrls: [],
        attributes: [],
        idempotencyKey: '',
        reporterContact: { email: '', firstName: '', lastName: '', phone: '', deviceId: '', accountId: '' },
      }),
    });
  });

  it('should report every problem complaints would refuse, in Open311 names', () => {
    const result = toSubmitComplaintRequest(
      formOf({
        service_code: 'roads.pothole',
        address_id: 'A-1',
        description: 'pendek',
        address_string: 'x'.repeat(301),
      }),
      undefined,
    );
    expect(result.ok ? [] : result.errors.map((error) => error.description)).toEqual([
      'lat and long are required: this jurisdiction cannot locate address_string or address_id alone',
      'description must be at least 10 characters',
      'address_string is longer than 300 characters',
    ]);
  });
});

describe('submitRefusalErrors', () => {
  it('should name Open311 fields and leave other errors to the general mapping', () => {
    const error = new AppError('VALIDATION_FAILED', 'The complaint is not valid', [
      { field: '/latitude', message: 'must be between -90 and 90' },
      { field: '/mediaUrls/0', message: 'must not point to a private, loopback, link-local or reserved address' },
      { field: '/description', message: 'must not contain control characters (found U+000D)' },
      { field: '/attributes', message: 'must be at most 20' },
      { field: '/reporterContact/deviceId', message: 'must be at most 200 characters' },
      { field: '/idempotencyKey', message: 'must be 1 to 200 visible ASCII characters' },
    ]);
    expect(submitRefusalErrors(error)?.map((each) => each.description)).toEqual([
      'lat must be between -90 and 90',
      'media_url must not point to a private, loopback, link-local or reserved address',
      'description must not contain control characters (found U+000D)',
      'attribute must be at most 20',
      'device_id must be at most 200 characters',
      'Idempotency-Key must be 1 to 200 visible ASCII characters',
    ]);
    expect(submitRefusalErrors(new AppError('FORBIDDEN'))).toBeNull();
    expect(submitRefusalErrors(new Error('boom'))).toBeNull();
  });
});

describe('parseUpdatesQuery', () => {
  const now = new Date('2026-11-29T09:00:00Z');

  it('should default to the 24 hours before now, or before end_date', () => {
    expect(parseUpdatesQuery({}, { now })).toEqual({
      ok: true,
      value: { jurisdictionId: null, start: new Date('2026-11-28T09:00:00Z'), end: now },
    });
    expect(parseUpdatesQuery({ end_date: '2026-11-10T00:00:00Z', jurisdiction_id: '36.73' }, { now })).toEqual({
      ok: true,
      value: {
        jurisdictionId: '36.73',
        start: new Date('2026-11-09T00:00:00Z'),
        end: new Date('2026-11-10T00:00:00Z'),
      },
    });
  });

  it('should read a date alone as midnight in the zone, and a start_date up to now', () => {
    expect(parseUpdatesQuery({ start_date: '2026-11-28' }, { now })).toEqual({
      ok: true,
      value: { jurisdictionId: null, start: new Date('2026-11-27T17:00:00Z'), end: now },
    });
  });

  it.each([
    [{ start_date: 'kemarin' }, 'start_date must be a W3C datetime such as 2026-11-29T13:05:00+07:00'],
    [{ start_date: '2026-11-29T10:00:00Z' }, 'end_date is before start_date'],
    [{ start_date: '2026-01-01T00:00:00Z' }, 'start_date and end_date may not span more than 90 days'],
    [{ end_date: ['2026-11-01', '2026-11-02'] }, 'end_date is sent more than once'],
    [{ start_date: { $gt: '' } }, 'start_date must be a plain value'],
  ])('should refuse %o', (query, description) => {
    expect(parseUpdatesQuery(query, { now })).toEqual({ ok: false, errors: [{ code: 400, description }] });
  });
});
