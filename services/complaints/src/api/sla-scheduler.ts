import { type SweepResult, type SweepSlaDeps, sweepSla } from '../use-cases/sweep-sla.js';

/**
 * The SLA sweep's trigger: every instance runs one, on a timer, without leases (the sweep's
 * writes are version-guarded, see sweep-sla.ts).
 */
export class SlaScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(private readonly deps: SweepSlaDeps) {}

  /** One pass over what is due as of the clock's now. */
  sweep(): Promise<SweepResult> {
    return sweepSla(this.deps);
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
