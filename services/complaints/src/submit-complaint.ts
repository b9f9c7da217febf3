import { randomUUID } from 'node:crypto';
import { AppError, type CallContext, type ErrorDetail, newEvent, requireRole, tenantIdPattern } from '@balai/platform';
import type { Complaint, ComplaintRepository } from './complaint-repository.js';

export interface SubmitComplaintInput {
  categoryCode: string;
  description: string;
  latitude: number;
  longitude: number;
}

export interface SubmitComplaintDeps {
  repository: ComplaintRepository;
  clock: () => Date;
  newId?: () => string;
  /** Wakes the outbox relay after the write. */
  onCommitted: () => void;
}

const categoryPattern = /^[a-z0-9]+([._-][a-z0-9]+)*$/;

/** Checks what a gRPC caller sent; the gateway checks the same, other callers may not. */
export function validateSubmission(input: SubmitComplaintInput): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (!categoryPattern.test(input.categoryCode) || input.categoryCode.length > 64) {
    problems.push({ field: '/categoryCode', message: 'must be a category code such as roads.pothole' });
  }
  const description = input.description.trim();
  if (description.length < 10 || description.length > 4000) {
    problems.push({ field: '/description', message: 'must be 10 to 4000 characters' });
  }
  if (!Number.isFinite(input.latitude) || input.latitude < -90 || input.latitude > 90) {
    problems.push({ field: '/latitude', message: 'must be between -90 and 90' });
  }
  if (!Number.isFinite(input.longitude) || input.longitude < -180 || input.longitude > 180) {
    problems.push({ field: '/longitude', message: 'must be between -180 and 180' });
  }
  return problems;
}

/**
 * Files a complaint for the caller's tenant. The complaint and its `submitted` event are
 * written in one document, so the event can never be lost or published without the complaint.
 */
export async function submitComplaint(
  deps: SubmitComplaintDeps,
  context: CallContext,
  input: SubmitComplaintInput,
): Promise<Complaint> {
  if (!tenantIdPattern.test(context.tenantId)) throw new AppError('TENANT_REQUIRED');
  // A citizen files their own; an officer files on a citizen's behalf at a service counter.
  requireRole(context, ['citizen', 'officer']);
  const problems = validateSubmission(input);
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 'The complaint is not valid', problems);

  const id = (deps.newId ?? randomUUID)();
  const submittedAt = deps.clock();
  const complaint: Complaint = {
    _id: id,
    tenantId: context.tenantId,
    categoryCode: input.categoryCode,
    description: input.description.trim(),
    location: { latitude: input.latitude, longitude: input.longitude },
    status: 'submitted',
    version: 1,
    submittedAt,
  };
  const event = newEvent({
    type: 'id.balai.complaints.complaint.submitted.v1',
    source: '/balai/complaints',
    subject: id,
    tenantId: context.tenantId,
    time: submittedAt,
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    data: { complaintId: id, tenantId: context.tenantId, categoryCode: input.categoryCode, submittedAt },
  });
  await deps.repository.insert({ ...complaint, outbox: [event] });
  deps.onCommitted();
  return complaint;
}
