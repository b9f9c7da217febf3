import type { DirectoryUser, OrganisationDirectory } from '../clients/organisation-directory.js';
import type { Complaint } from '../data/complaint-repository.js';

/** COMPLAINT_ESCALATION_FRACTIONS' default: levels at 80 %, 120 % and 200 % of the SLA. */
export const defaultEscalationFractions: readonly number[] = [0.8, 1.2, 2];

/**
 * When escalation level `level` (1-based) falls due: submission + fractions[level - 1] × SLA,
 * where the SLA is the time from submission to the deadline set at submission. Counted from
 * submission alone, so no assignment or reopening moves it. Null past the last level.
 */
export function escalationDueAt(
  complaint: Pick<Complaint, 'submittedAt' | 'slaDueAt'>,
  fractions: readonly number[],
  level: number,
): Date | null {
  const fraction = fractions[level - 1];
  if (fraction === undefined) return null;
  const submittedAt = new Date(complaint.submittedAt).getTime();
  const sla = new Date(complaint.slaDueAt).getTime() - submittedAt;
  return new Date(submittedAt + Math.round(fraction * sla));
}

/** Who the complaint goes to at an escalation, and why (recorded on the timeline). */
export interface EscalationTarget {
  officerId: string;
  via: 'holder_supervisor' | 'agency_supervisor' | 'nobody_above';
}

const isAgencySupervisor = (user: DirectoryUser, agencyId: string) =>
  user.active && user.roles.includes('supervisor') && user.agencyId === agencyId;

/**
 * The holder's supervisor when identity knows one and they are active. A holder who is an active
 * supervisor without one keeps it (nobody above). Else (no holder, or an officer without an
 * active supervisor) the agency's supervisor — the active supervisor of the agency with the
 * smallest id who is not the holder; else nobody: the holder keeps it.
 */
export async function escalationTarget(
  directory: Pick<OrganisationDirectory, 'findUser' | 'agencyOfficers'>,
  complaint: Pick<Complaint, 'tenantId' | 'agencyId' | 'assignedOfficerId'>,
): Promise<EscalationTarget> {
  const holderId = complaint.assignedOfficerId;
  if (holderId !== '') {
    const holder = await directory.findUser(complaint.tenantId, holderId);
    if (holder && holder.supervisorId !== '' && holder.supervisorId !== holderId) {
      const supervisor = await directory.findUser(complaint.tenantId, holder.supervisorId);
      if (supervisor?.active) return { officerId: supervisor.id, via: 'holder_supervisor' };
    }
    // An active supervisor with nobody above them keeps it: a peer supervisor is not "above".
    if (holder?.active && holder.roles.includes('supervisor')) return { officerId: holderId, via: 'nobody_above' };
  }
  if (complaint.agencyId !== '') {
    const [first] = (await directory.agencyOfficers(complaint.tenantId, complaint.agencyId))
      .filter((user) => isAgencySupervisor(user, complaint.agencyId) && user.id !== holderId)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (first) return { officerId: first.id, via: 'agency_supervisor' };
  }
  return { officerId: holderId, via: 'nobody_above' };
}
