import type { complaintsV1 } from '@balai/contracts';
import {
  type AppError,
  type ErrorDetail,
  fieldProblems,
  idempotencyKey as idempotencyKeyField,
  isAppError,
} from '@balai/platform';
import Type from 'typebox';
import { Address, addressLength, Description, descriptionLength } from '../complaint-schemas.js';
import type {
  Open311Error,
  Open311Result,
  Open311ServiceRequest,
  Open311ServiceRequestUpdate,
  Open311Status,
  Open311UpdateStatus,
} from './open311-model.js';
import type { Open311NewRequest } from './open311-request-parsing.js';

/**
 * Service requests ↔ complaints. A GeoReport v2 service request is a complaint: its id is the
 * service_request_id, its category the service_code. What goes out is the public view only
 * (never the reporter, the partner's contact details or internal notes); what comes in is a
 * partner app's form, mapped to SubmitComplaint.
 */

/** Balai statuses per Open311 status: open while the tenant still works on it. */
export const complaintStatusesByOpen311Status: Record<Open311Status, readonly string[]> = {
  open: ['submitted', 'in_progress'],
  closed: ['resolved', 'closed', 'rejected', 'duplicate', 'cancelled'],
};

export function open311StatusOf(status: string): Open311Status {
  return complaintStatusesByOpen311Status.open.includes(status) ? 'open' : 'closed';
}

/** The complaint statuses an Open311 status filter names; all of them when it names none. */
export function complaintStatusesFor(statuses: readonly Open311Status[]): string[] {
  return statuses.flatMap((status) => complaintStatusesByOpen311Status[status]);
}

/** Names of what complaints hold as codes: the tenant's catalogue and agencies. */
export interface Open311Names {
  /** service_code → service_name, in the requested locale. */
  services: ReadonlyMap<string, string>;
  /** Agency id → its official name (agency_responsible). */
  agencies: ReadonlyMap<string, string>;
}

/** Why the request has the status it has, as the public may read it. */
function statusNotes(complaint: complaintsV1.Complaint): string | null {
  switch (complaint.status) {
    case 'resolved':
    case 'closed':
      return complaint.resolutionNote || null;
    case 'rejected':
      return complaint.rejectionReason || null;
    case 'duplicate':
      return complaint.duplicateOfId ? `Duplicate of service request ${complaint.duplicateOfId}` : null;
    case 'cancelled':
      return 'Withdrawn by the reporter';
    default:
      return null;
  }
}

/** One complaint (public view) as an Open311 service request. */
export function toOpen311ServiceRequest(complaint: complaintsV1.Complaint, names: Open311Names): Open311ServiceRequest {
  return {
    service_request_id: complaint.id,
    status: open311StatusOf(complaint.status),
    status_notes: statusNotes(complaint),
    service_name: names.services.get(complaint.categoryCode) ?? null,
    service_code: complaint.categoryCode,
    description: complaint.description || null,
    agency_responsible: names.agencies.get(complaint.agencyId) ?? (complaint.agencyId || null),
    service_notice: null,
    requested_datetime: complaint.submittedAt ?? new Date(0),
    updated_datetime: complaint.updatedAt ?? null,
    expected_datetime: complaint.slaDueAt ?? null,
    address: complaint.address || null,
    // Balai keeps no address registry: partner address ids are not stored.
    address_id: null,
    zipcode: null,
    lat: complaint.latitude,
    long: complaint.longitude,
    media_url: complaint.mediaUrls[0] ?? null,
  };
}

/**
 * A timeline entry's resulting status in FixMyStreet's extended states: `fixed` for a
 * resolution, `no_further_action` for a rejection, `duplicate`, `closed` for a closed or
 * withdrawn complaint, `in_progress` once the agency works on it, `open` before.
 */
const updateStatuses: Record<string, Open311UpdateStatus> = {
  submitted: 'open',
  in_progress: 'in_progress',
  resolved: 'fixed',
  closed: 'closed',
  rejected: 'no_further_action',
  duplicate: 'duplicate',
  cancelled: 'closed',
};

/** Actions that are not news to whoever filed the request (the filing itself). */
const notUpdates = new Set(['submit']);

/**
 * The public timeline entries of complaints in [from, before) as service request updates, oldest
 * first. The complaints must come in the public view; entries of any other visibility are
 * skipped all the same, so an internal note can never leave through here.
 */
export function toOpen311ServiceRequestUpdates(
  complaints: readonly complaintsV1.Complaint[],
  window: { from: Date; before: Date },
): Open311ServiceRequestUpdate[] {
  const updates: Open311ServiceRequestUpdate[] = [];
  for (const complaint of complaints) {
    let status = 'submitted';
    for (const entry of complaint.timeline) {
      status = entry.toStatus || status;
      if (entry.visibility !== 'public' || notUpdates.has(entry.action) || !entry.at) continue;
      if (entry.at < window.from || entry.at >= window.before) continue;
      updates.push({
        update_id: entry.id,
        service_request_id: complaint.id,
        status: updateStatuses[status] ?? open311StatusOf(status),
        updated_datetime: entry.at,
        description: entry.note || null,
        media_url: null,
        external_status_code: status,
      });
    }
  }
  return updates.sort(
    (a, b) => a.updated_datetime.getTime() - b.updated_datetime.getTime() || a.update_id.localeCompare(b.update_id),
  );
}

// ---- POST requests: form → SubmitComplaint ------------------------------------------------------

function badRequest(description: string): Open311Error {
  return { code: 400, description };
}

/**
 * What complaints requires of a submission's text beyond the specification. The form parser
 * has already refused longer text and refused characters, so what is left is a description
 * that is too short and an address that is too long.
 */
const SubmissionText = Type.Object({ description: Description, address: Type.Optional(Address) });
const IdempotencyKeyHeader = idempotencyKeyField();

/**
 * The partner's form as a SubmitComplaint request. What complaints requires beyond the
 * specification is refused here with the Open311 field names: a point (lat/long; Balai does not
 * geocode address_string or address_id), a description of 10 to 4000 characters, an address
 * of at most 300, and then a well-formed Idempotency-Key. The form parser has already refused a
 * media_url that is not an https URL; complaints checks its host.
 */
export function toSubmitComplaintRequest(
  form: Open311NewRequest,
  idempotencyKey: string | undefined,
): Open311Result<complaintsV1.SubmitComplaintRequest> {
  const problems: Open311Error[] = [];
  if (form.lat === null || form.long === null) {
    problems.push(
      badRequest('lat and long are required: this jurisdiction cannot locate address_string or address_id alone'),
    );
  }
  const description = form.description?.trim() ?? '';
  const textProblems = fieldProblems(SubmissionText, { description, address: form.addressString ?? undefined });
  for (const { field } of textProblems) {
    if (field === '/address') problems.push(badRequest(`address_string is longer than ${addressLength} characters`));
    else if (description === '') problems.push(badRequest('description is required'));
    else problems.push(badRequest(`description must be at least ${descriptionLength.min} characters`));
  }
  if (problems.length > 0) return { ok: false, errors: problems };
  const keyProblems = idempotencyKey === undefined ? [] : fieldProblems(IdempotencyKeyHeader, idempotencyKey);
  if (keyProblems.length > 0) {
    return {
      ok: false,
      errors: keyProblems.map(({ message }) => open311ErrorOf({ field: '/idempotencyKey', message })),
    };
  }
  return {
    ok: true,
    value: {
      categoryCode: form.serviceCode,
      description,
      latitude: form.lat ?? 0,
      longitude: form.long ?? 0,
      attributes: [...form.attributes].map(([code, value]) => ({
        code,
        values: typeof value === 'string' ? [value] : [...value],
      })),
      address: form.addressString ?? '',
      mediaUrls: form.mediaUrl === null ? [] : [form.mediaUrl],
      anonymous: false,
      idempotencyKey: idempotencyKey ?? '',
      citizenReference: '',
      reporterContact: {
        email: form.email ?? '',
        firstName: form.firstName ?? '',
        lastName: form.lastName ?? '',
        phone: form.phone ?? '',
        deviceId: form.deviceId ?? '',
        accountId: form.accountId ?? '',
      },
    },
  };
}

/** SubmitComplaint's field pointers as the Open311 parameters the partner sent. */
const open311Fields: Array<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^\/categoryCode$/, () => 'service_code'],
  [/^\/description$/, () => 'description'],
  [/^\/latitude$/, () => 'lat'],
  [/^\/longitude$/, () => 'long'],
  [/^\/address$/, () => 'address_string'],
  [/^\/mediaUrls(\/\d+)?$/, () => 'media_url'],
  [/^\/attributes\/([^/]+)/, (match) => `attribute[${match[1]}]`],
  [/^\/attributes$/, () => 'attribute'],
  [/^\/idempotencyKey$/, () => 'Idempotency-Key'],
  [/^\/reporterContact\/firstName$/, () => 'first_name'],
  [/^\/reporterContact\/lastName$/, () => 'last_name'],
  [/^\/reporterContact\/deviceId$/, () => 'device_id'],
  [/^\/reporterContact\/accountId$/, () => 'account_id'],
  [/^\/reporterContact\/(email|phone)$/, (match) => match[1] ?? 'contact'],
];

function open311FieldOf(field: string): string {
  for (const [pattern, name] of open311Fields) {
    const match = pattern.exec(field);
    if (match) return name(match);
  }
  return field.replace(/^\//, '');
}

/** One SubmitComplaint problem as an Open311 error: the form field it names, then the problem. */
function open311ErrorOf(detail: ErrorDetail): Open311Error {
  const field = detail.field ? open311FieldOf(detail.field) : '';
  return badRequest(field ? `${field} ${detail.message}` : detail.message);
}

/**
 * SubmitComplaint's refusals in Open311 terms: every problem names the form field. A service_code
 * that is not in the catalogue is "service_code provided was not found" (400, as clients such as
 * FixMyStreet expect on POST). Returns null for anything else (left to the general mapping).
 */
export function submitRefusalErrors(error: unknown): Open311Error[] | null {
  if (!isAppError(error) || (error as AppError).code !== 'VALIDATION_FAILED') return null;
  const details = (error as AppError).details;
  if (details.length === 0) return [badRequest(error.message)];
  return details.map((detail) =>
    detail.field === '/categoryCode' && /catalogue/.test(detail.message)
      ? badRequest('service_code provided was not found')
      : open311ErrorOf(detail),
  );
}
