import type { Logger } from '@balai/platform';
import { escalationDueAt } from './complaint-escalation.js';
import { geohashOf } from './complaint-geohash.js';
import type { ComplaintRepository, SlaScheduleFields } from './complaint-repository.js';
import type { OrganisationDirectory } from './organisation-directory.js';

export const backfillBatchSize = 500;
/** At most this many batches per start, so a start never waits on an unbounded migration. */
export const backfillMaxBatches = 20;

/**
 * Gives complaints filed before geohashes were stored their geohash, so nearby suggestions see
 * them. Runs at start, in bounded batches; idempotent (only complaints without one are touched),
 * so a start cut short, or two replicas starting together, leave nothing wrong: the rest is done
 * at the next start.
 */
export async function backfillGeohashes(
  repository: Pick<ComplaintRepository, 'backfillGeohashes'>,
  logger: Logger,
  limits = { batchSize: backfillBatchSize, maxBatches: backfillMaxBatches },
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < limits.maxBatches; batch += 1) {
    const set = await repository.backfillGeohashes(limits.batchSize, geohashOf);
    total += set;
    if (set < limits.batchSize) break;
  }
  if (total > 0) logger.info({ complaints: total }, 'geohashes backfilled');
  return total;
}

const dayMs = 86_400_000;

/**
 * Gives complaints filed before the SLA scheduler existed their schedule, so they escalate and
 * auto-close like new ones: escalation level 0 with level 1 due at its fraction of the SLA from
 * submission (open ones; the next sweep catches up every level already due), and for a resolved
 * or rejected one the end of its reopen window, counted from its outcome with the tenant's
 * window. Bounded batches at start; idempotent (only documents without a schedule are touched,
 * version and updatedAt stay: nothing happened to the complaint).
 */
export async function backfillSlaSchedules(
  deps: {
    repository: Pick<ComplaintRepository, 'findWithoutSlaSchedule' | 'setSlaSchedule'>;
    directory: Pick<OrganisationDirectory, 'reopenWindowDays'>;
    fractions: readonly number[];
    logger: Logger;
  },
  limits = { batchSize: backfillBatchSize, maxBatches: backfillMaxBatches },
): Promise<number> {
  let total = 0;
  for (let batch = 0; batch < limits.maxBatches; batch += 1) {
    const found = await deps.repository.findWithoutSlaSchedule(limits.batchSize);
    for (const complaint of found) {
      const outcomeAt = complaint.resolution?.at ?? complaint.rejection?.at ?? null;
      const closable = (complaint.status === 'resolved' || complaint.status === 'rejected') && outcomeAt !== null;
      const open = complaint.status === 'submitted' || complaint.status === 'in_progress';
      const schedule: SlaScheduleFields = {
        escalationLevel: 0,
        nextEscalationAt: open && complaint.slaDueAt ? escalationDueAt(complaint, deps.fractions, 1) : null,
        reopenableUntil: closable
          ? new Date(
              new Date(outcomeAt).getTime() + (await deps.directory.reopenWindowDays(complaint.tenantId)) * dayMs,
            )
          : null,
      };
      if (await deps.repository.setSlaSchedule(complaint._id, schedule)) total += 1;
    }
    if (found.length < limits.batchSize) break;
  }
  if (total > 0) deps.logger.info({ complaints: total }, 'SLA schedules backfilled');
  return total;
}
