import type { EventHandlers } from '@balai/platform';
import type { ComplaintViewRepository } from './complaint-view-repository.js';

/** Applies complaint events to the analytics read model. */
export function complaintProjection(repository: ComplaintViewRepository): EventHandlers {
  return {
    'id.balai.complaints.complaint.submitted.v1': async (event) => {
      const { data } = event;
      await repository.recordSubmitted({
        _id: data.complaintId,
        tenantId: event.tenantId,
        categoryCode: data.categoryCode,
        status: 'submitted',
        submittedAt: data.submittedAt ?? new Date(event.time),
      });
    },
  };
}
