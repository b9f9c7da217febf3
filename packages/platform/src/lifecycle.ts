import type { Logger } from './logger.js';

interface Stopper {
  name: string;
  stop: () => Promise<void> | void;
}

/**
 * Remembers what a service started, in order, and stops it in reverse order on shutdown:
 * first stop taking work (HTTP, gRPC, consumers), then the relay, then the clients.
 */
export class Lifecycle {
  private readonly stoppers: Stopper[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Registers how to stop something that has just been started. */
  onStop(name: string, stop: Stopper['stop']): void {
    this.stoppers.push({ name, stop });
  }

  shutdown(reason = 'shutdown'): Promise<void> {
    this.stopping ??= this.runShutdown(reason);
    return this.stopping;
  }

  private async runShutdown(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    for (const stopper of [...this.stoppers].reverse()) {
      try {
        await withTimeout(Promise.resolve(stopper.stop()), this.timeoutMs, stopper.name);
        this.logger.debug({ component: stopper.name }, 'stopped');
      } catch (error) {
        this.logger.error({ err: error, component: stopper.name }, 'failed to stop cleanly');
      }
    }
    this.logger.info('stopped');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not stop within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
