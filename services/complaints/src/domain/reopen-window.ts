import type { OrganisationDirectory } from '../clients/organisation-directory.js';
import type { Complaint } from '../data/complaint-repository.js';

const dayMs = 86_400_000;

/** Until when the reporter may reopen after an outcome at `at`: the tenant's window, from identity. */
export async function reopenableUntil(
  deps: { directory: Pick<OrganisationDirectory, 'reopenWindowDays'> },
  complaint: Pick<Complaint, 'tenantId'>,
  at: Date,
): Promise<Date> {
  return new Date(at.getTime() + (await deps.directory.reopenWindowDays(complaint.tenantId)) * dayMs);
}

/**
 * The complaint with its reopen deadline: a resolved or rejected one stored before deadlines
 * were (backfillSlaSchedules gives them one at start) gets the tenant's window from its outcome,
 * so the workflow's window check (decideTransition) always has one to read.
 */
export async function withReopenDeadline(
  deps: { directory: Pick<OrganisationDirectory, 'reopenWindowDays'> },
  complaint: Complaint,
): Promise<Complaint> {
  if (complaint.reopenableUntil || (complaint.status !== 'resolved' && complaint.status !== 'rejected')) {
    return complaint;
  }
  const outcomeAt = new Date(complaint.resolution?.at ?? complaint.rejection?.at ?? complaint.updatedAt);
  return { ...complaint, reopenableUntil: await reopenableUntil(deps, complaint, outcomeAt) };
}
