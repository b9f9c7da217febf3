/**
 * The value sets of a complaint that the protocol carries as strings: the complaints service
 * stores and checks them, the gateway publishes them as the OpenAPI document's enums. One list
 * each, here, so the two cannot drift.
 */

/** A complaint's status (Complaint.status, TimelineEntry.from_status/to_status, list filters). */
export const complaintStatuses = [
  'submitted',
  'in_progress',
  'resolved',
  'closed',
  'rejected',
  'duplicate',
  'cancelled',
] as const;
export type ComplaintStatusName = (typeof complaintStatuses)[number];

/** The reporter's verdict on the outcome (RateComplaintRequest.outcome, Rating.outcome). */
export const complaintRatingOutcomes = ['fixed', 'partly_fixed', 'not_fixed'] as const;
export type ComplaintRatingOutcome = (typeof complaintRatingOutcomes)[number];

/** Who may read a timeline entry or comment: everyone following the complaint, or its staff. */
export const complaintVisibilities = ['public', 'internal'] as const;

/**
 * What a timeline entry records (TimelineEntry.action): filing, each workflow transition (named
 * as the workflow names it), the other complaint's side of a duplicate, and the steps the SLA
 * scheduler takes on its own.
 */
export const complaintTimelineActions = [
  'submit',
  'assign',
  'request_reassignment',
  'resolve',
  'reject',
  'withdraw',
  'reopen',
  'rate',
  'comment',
  'mark_duplicate',
  'duplicate_linked',
  'escalate',
  'auto_close',
] as const;
export type ComplaintTimelineAction = (typeof complaintTimelineActions)[number];
