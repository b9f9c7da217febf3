import type { Logger } from '@balai/platform';
import type { OrganisationDirectory } from '../clients/organisation-directory.js';
import type { Complaint, ComplaintRepository } from '../data/complaint-repository.js';
import { escalationTarget } from '../domain/complaint-escalation.js';
import { autoCloseComplaint, escalateComplaint } from './complaint-transitions.js';

export interface SweepSlaDeps {
  repository: Pick<ComplaintRepository, 'findEscalationsDue' | 'findAutoClosesDue' | 'update'>;
  directory: Pick<OrganisationDirectory, 'findUser' | 'agencyOfficers'>;
  clock: () => Date;
  /** Wakes the outbox relay after a write with events. */
  onCommitted: () => void;
  logger: Logger;
  /** Fractions of the SLA at which levels 1, 2, ... fall due (COMPLAINT_ESCALATION_FRACTIONS). */
  fractions: readonly number[];
  /** Complaints read per query; a sweep reads up to maxBatchesPerSweep of them. */
  batchSize?: number;
}

export interface SweepResult {
  /** Escalation levels written (a complaint that caught up two levels counts twice). */
  escalated: number;
  closed: number;
  /** Writes another writer got to first (a user, or another instance): left for the next sweep. */
  skipped: number;
  failed: number;
}

const maxBatchesPerSweep = 10;

/**
 * One pass over what is due as of the clock's now: escalates open complaints at the configured
 * fractions of their SLA and closes resolved ones whose reopen window has passed. Several
 * instances may sweep at once without leases: every write is version-guarded, so of two
 * instances taking the same step one writes and the other gets `stale` and skips; each level is
 * written (and its event published) exactly once.
 */
export async function sweepSla(deps: SweepSlaDeps): Promise<SweepResult> {
  const now = deps.clock();
  const result: SweepResult = { escalated: 0, closed: 0, skipped: 0, failed: 0 };
  const limit = deps.batchSize ?? 100;
  for (let batch = 0; batch < maxBatchesPerSweep; batch += 1) {
    const due = await deps.repository.findEscalationsDue(now, limit);
    const before = result.escalated;
    for (const complaint of due)
      await guarded(deps, complaint, 'escalate', result, () => escalateDue(deps, complaint, now, result));
    if (due.length < limit || result.escalated === before) break;
  }
  for (let batch = 0; batch < maxBatchesPerSweep; batch += 1) {
    const due = await deps.repository.findAutoClosesDue(now, limit);
    const before = result.closed;
    for (const complaint of due) {
      await guarded(deps, complaint, 'auto_close', result, async () => {
        const written = await autoCloseComplaint(deps, complaint, now);
        if (written?.outcome === 'updated') result.closed += 1;
        else if (written) result.skipped += 1;
      });
    }
    if (due.length < limit || result.closed === before) break;
  }
  if (result.escalated + result.closed + result.failed > 0) deps.logger.info(result, 'SLA sweep');
  return result;
}

/** Every level due by now, one write each: a complaint reopened after 120 % catches up on two. */
async function escalateDue(deps: SweepSlaDeps, complaint: Complaint, now: Date, result: SweepResult): Promise<void> {
  let current = complaint;
  while (current.nextEscalationAt && new Date(current.nextEscalationAt).getTime() <= now.getTime()) {
    const target = await escalationTarget(deps.directory, current);
    const written = await escalateComplaint(deps, current, target, deps.fractions, now);
    if (!written) return;
    if (written.outcome !== 'updated') {
      result.skipped += 1;
      return;
    }
    result.escalated += 1;
    current = written.complaint;
  }
}

/** One complaint's failure (identity down, a database error) must not stop the sweep. */
async function guarded(
  deps: Pick<SweepSlaDeps, 'logger'>,
  complaint: Complaint,
  step: string,
  result: SweepResult,
  work: () => Promise<void>,
) {
  try {
    await work();
  } catch (error) {
    result.failed += 1;
    deps.logger.warn({ err: error, complaintId: complaint._id, tenantId: complaint.tenantId, step }, 'SLA step failed');
  }
}
