import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { serveMetrics } from '../telemetry/sdk.js';

export type ReadinessCheck = () => Promise<boolean>;

/**
 * /metrics serves the process's metrics in the Prometheus text format (404 when the telemetry
 * bootstrap was not loaded). /healthz answers while the process is alive (liveness); /readyz
 * answers 200 only when every dependency check passes (readiness), and names the failing ones.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  checks: Record<string, ReadinessCheck>,
  /** Route config for all three (the gateway declares them public). */
  config: Record<string, unknown> = {},
): void {
  app.get('/metrics', { logLevel: 'warn', config }, async (request, reply) => {
    if (!serveMetrics(request.raw, reply.raw)) throw new AppError('ROUTE_NOT_FOUND', 'Telemetry is not started');
    return reply.hijack();
  });
  app.get('/healthz', { logLevel: 'warn', config }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn', config }, async (_request, reply) => {
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => [name, await check().catch(() => false)] as const),
      ),
    );
    const ready = Object.values(results).every(Boolean);
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', checks: results };
  });
}
