import type { Logger } from '@balai/platform';
import type { OrganisationDirectory } from '../clients/organisation-directory.js';
import { escalationDueAt } from '../domain/complaint-escalation.js';
import { geohashOf } from '../domain/complaint-geohash.js';
import { reopenableUntil } from '../domain/reopen-window.js';
import { isOpen } from './complaint.schema.js';
import type { ComplaintRepository, SlaScheduleFields } from './complaint-repository.js';

export const backfillBatchSize = 500;
/** At most this many batches per start, so a start never waits on an unbounded migration. */
export const backfillMaxBatches = 20;

/** What a backfill did at this start: how many complaints it changed, and whether any are left. */
export interface BackfillResult {
  updated: number;
  /** Nothing is left to do (the last batch came back short); see migrateOnce. */
  finished: boolean;
}

type Limits = { batchSize: number; maxBatches: number };

async function inBatches(limits: Limits, batch: () => Promise<{ found: number; updated: number }>) {
  const result: BackfillResult = { updated: 0, finished: false };
  for (let n = 0; n < limits.maxBatches && !result.finished; n += 1) {
    const { found, updated } = await batch();
    result.updated += updated;
    result.finished = found < limits.batchSize;
  }
  return result;
}

/**
 * Gives complaints filed before geohashes were stored their geohash, so nearby suggestions see
 * them. Bounded batches; idempotent (only complaints without one are touched), so a start cut
 * short, or two replicas starting together, leave nothing wrong: the rest is done at the next
 * start.
 */
export async function backfillGeohashes(
  repository: Pick<ComplaintRepository, 'backfillGeohashes'>,
  logger: Logger,
  limits: Limits = { batchSize: backfillBatchSize, maxBatches: backfillMaxBatches },
): Promise<BackfillResult> {
  const result = await inBatches(limits, () => repository.backfillGeohashes(limits.batchSize, geohashOf));
  if (result.updated > 0) logger.info({ complaints: result.updated }, 'geohashes backfilled');
  return result;
}

/**
 * Gives complaints filed before the SLA scheduler existed their schedule, so they escalate and
 * auto-close like new ones: escalation level 0 with level 1 due at its fraction of the SLA from
 * submission (open ones; the next sweep catches up every level already due), and for a resolved
 * or rejected one the end of its reopen window, counted from its outcome with the tenant's
 * window. Bounded batches; idempotent (only documents without a schedule are touched, version
 * and updatedAt stay: nothing happened to the complaint).
 */
export async function backfillSlaSchedules(
  deps: {
    repository: Pick<ComplaintRepository, 'findWithoutSlaSchedule' | 'setSlaSchedule'>;
    directory: Pick<OrganisationDirectory, 'reopenWindowDays'>;
    fractions: readonly number[];
    logger: Logger;
  },
  limits: Limits = { batchSize: backfillBatchSize, maxBatches: backfillMaxBatches },
): Promise<BackfillResult> {
  const result = await inBatches(limits, async () => {
    const found = await deps.repository.findWithoutSlaSchedule(limits.batchSize);
    let updated = 0;
    for (const complaint of found) {
      const outcomeAt = complaint.resolution?.at ?? complaint.rejection?.at ?? null;
      const closable = (complaint.status === 'resolved' || complaint.status === 'rejected') && outcomeAt !== null;
      const schedule: SlaScheduleFields = {
        escalationLevel: 0,
        nextEscalationAt:
          isOpen(complaint.status) && complaint.slaDueAt ? escalationDueAt(complaint, deps.fractions, 1) : null,
        reopenableUntil: closable ? await reopenableUntil(deps, complaint, new Date(outcomeAt)) : null,
      };
      if (await deps.repository.setSlaSchedule(complaint._id, schedule)) updated += 1;
    }
    return { found: found.length, updated };
  });
  if (result.updated > 0) deps.logger.info({ complaints: result.updated }, 'SLA schedules backfilled');
  return result;
}
