import type { Logger } from '@balai/platform';
import type { Upstreams } from './upstreams.js';

/** Which browser origins may call the API (CORS). */
export interface AllowedOrigins {
  allows(origin: string): boolean;
  /** Begins keeping the list current (the gateway calls it once it is ready). */
  start(): void;
  stop(): void;
}

/** CORS_ALLOWED_ORIGINS: a fixed list, exact origins only. */
export function fixedOrigins(origins: readonly string[]): AllowedOrigins {
  const allowed = new Set(origins);
  return { allows: (origin) => allowed.has(origin), start() {}, stop() {} };
}

/**
 * The origins of identity's registered browser clients (ListWebClientOrigins), asked again every
 * `refreshMs`: a client registered or revoked there is allowed or refused here within that time,
 * on every gateway instance, without a restart. When identity cannot be asked, the last list
 * answered stays in force; before any list has come, no origin is allowed (fail closed), and
 * identity is asked again every `retryMs` until it answers.
 */
export function webClientOrigins(options: {
  upstreams: Pick<Upstreams, 'identity'>;
  logger: Logger;
  refreshMs: number;
  retryMs?: number;
}): AllowedOrigins {
  const retryMs = Math.min(options.retryMs ?? 2000, options.refreshMs);
  let allowed: ReadonlySet<string> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;
  let failing = false;

  async function refresh(): Promise<void> {
    try {
      const { origins } = await options.upstreams.identity.listWebClientOrigins(
        {},
        { tenantId: '', requestId: 'cors-origins-refresh', roles: [] },
      );
      const changed =
        allowed === undefined || origins.length !== allowed.size || origins.some((origin) => !allowed?.has(origin));
      allowed = new Set(origins);
      if (changed) options.logger.info({ origins }, 'CORS origins from the registered web clients');
      failing = false;
    } catch (error) {
      // Once per outage at warn: while identity starts, this is asked again every retryMs.
      const log = failing ? options.logger.debug.bind(options.logger) : options.logger.warn.bind(options.logger);
      failing = true;
      if (allowed === undefined) {
        log({ err: error }, 'CORS origins unknown (identity unreachable): cross-origin calls refused');
      } else {
        log({ err: error }, 'CORS origins not refreshed (identity unreachable): the last list stays');
      }
    } finally {
      if (!stopped) {
        timer = setTimeout(() => void refresh(), allowed === undefined ? retryMs : options.refreshMs);
        // Never what keeps the process alive.
        timer.unref();
      }
    }
  }

  return {
    allows: (origin) => allowed?.has(origin) ?? false,
    start() {
      if (started || stopped) return;
      started = true;
      void refresh();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
