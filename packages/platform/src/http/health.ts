import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => Promise<boolean>;

/**
 * /healthz answers while the process is alive (liveness); /readyz answers 200 only when every
 * dependency check passes (readiness), and names the failing ones otherwise.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: Record<string, ReadinessCheck>): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
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
