import type { complaintsV1 } from '@balai/contracts';
import { type Logger, unaryHandler } from '@balai/platform';
import type { Complaint } from './complaint-repository.js';
import { type SubmitComplaintDeps, submitComplaint } from './submit-complaint.js';

function toMessage(complaint: Complaint): complaintsV1.Complaint {
  return {
    id: complaint._id,
    tenantId: complaint.tenantId,
    categoryCode: complaint.categoryCode,
    description: complaint.description,
    latitude: complaint.location.latitude,
    longitude: complaint.location.longitude,
    status: complaint.status,
    version: complaint.version,
    submittedAt: complaint.submittedAt,
  };
}

/** Thin gRPC entry points: decode, call the use case, encode. */
export function complaintsGrpcHandlers(
  logger: Logger,
  deps: SubmitComplaintDeps,
): complaintsV1.ComplaintsServiceServer {
  return {
    submitComplaint: unaryHandler(logger, async (request: complaintsV1.SubmitComplaintRequest, context) => ({
      complaint: toMessage(await submitComplaint(deps, context, request)),
    })),
  };
}
