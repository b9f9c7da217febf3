import type { Logger } from '@balai/platform';
import { escalationTarget } from './complaint-escalation.js';
import type { Complaint, ComplaintRepository } from './complaint-repository.js';
import { autoCloseComplaint, escalateComplaint } from './complaint-transitions.js';
import type { OrganisationDirectory } from './organisation-directory.js';

export interface SlaSchedulerDeps {
  repository: Pick<ComplaintRepository, 'findEscalationsDue' | 'findAutoClosesDue' | 'update'>;
  directory: OrganisationDirectory;
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
 * Escalates open complaints at the configured fractions of their SLA and closes resolved ones
 * whose reopen window has passed. Several instances may sweep at once without leases: every
 * write is version-guarded, so of two instances taking the same step one writes and the other
 * gets `stale` and skips; each level is written (and its event published) exactly once.
 */
export class SlaScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(private readonly deps: SlaSchedulerDeps) {}

  /** One pass over what is due as of the clock's now. */
  async sweep(): Promise<SweepResult> {
    const now = this.deps.clock();
    const result: SweepResult = { escalated: 0, closed: 0, skipped: 0, failed: 0 };
    const limit = this.deps.batchSize ?? 100;
    for (let batch = 0; batch < maxBatchesPerSweep; batch += 1) {
      const due = await this.deps.repository.findEscalationsDue(now, limit);
      const before = result.escalated;
      for (const complaint of due)
        await this.guarded(complaint, 'escalate', result, () => this.escalate(complaint, now, result));
      if (due.length < limit || result.escalated === before) break;
    }
    for (let batch = 0; batch < maxBatchesPerSweep; batch += 1) {
      const due = await this.deps.repository.findAutoClosesDue(now, limit);
      const before = result.closed;
      for (const complaint of due) {
        await this.guarded(complaint, 'auto_close', result, async () => {
          const written = await autoCloseComplaint(this.deps, complaint, now);
          if (written?.outcome === 'updated') result.closed += 1;
          else if (written) result.skipped += 1;
        });
      }
      if (due.length < limit || result.closed === before) break;
    }
    if (result.escalated + result.closed + result.failed > 0) this.deps.logger.info(result, 'SLA sweep');
    return result;
  }

  /** Every level due by now, one write each: a complaint reopened after 120 % catches up on two. */
  private async escalate(complaint: Complaint, now: Date, result: SweepResult): Promise<void> {
    let current = complaint;
    while (current.nextEscalationAt && new Date(current.nextEscalationAt).getTime() <= now.getTime()) {
      const target = await escalationTarget(this.deps.directory, current);
      const written = await escalateComplaint(this.deps, current, target, this.deps.fractions, now);
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
  private async guarded(complaint: Complaint, step: string, result: SweepResult, work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      result.failed += 1;
      this.deps.logger.warn(
        { err: error, complaintId: complaint._id, tenantId: complaint.tenantId, step },
        'SLA step failed',
      );
    }
  }

  /** Sweeps every intervalMs (the next sweep starts intervalMs after the last one ended). */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer || this.stopped) return;
    const tick = () => {
      this.running = this.sweep()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'SLA sweep failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) {
            this.timer = setTimeout(tick, intervalMs);
            this.timer.unref();
          }
        });
    };
    this.timer = setTimeout(tick, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
