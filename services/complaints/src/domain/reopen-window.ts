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
