import { createHttpServer, createLogger, Lifecycle, type Logger, registerHealthRoutes } from '@balai/platform';
import swagger from '@fastify/swagger';
import { connectivityState } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from './config.js';
import { analyticsRoutes } from './routes/analytics-routes.js';
import { complaintRoutes } from './routes/complaint-routes.js';
import { permitRoutes } from './routes/permit-routes.js';
import { ProblemSchema } from './routes/schemas.js';
import { tenantRoutes } from './routes/tenant-routes.js';
import { createUpstreams, type Upstreams } from './upstreams.js';

/** Builds the gateway app (no listening); tests call inject() on it. */
export async function buildGateway(
  config: GatewayConfig,
  upstreams: Upstreams,
  logger: Logger,
): Promise<FastifyInstance> {
  const app = createHttpServer({ logger });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Balai API',
        version: '0.1.0',
        description: 'Public API of the Balai platform. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      servers: [{ url: config.PUBLIC_URL }],
    },
  });
  app.addSchema(ProblemSchema);
  registerHealthRoutes(app, {
    upstreams: async () =>
      [upstreams.identity, upstreams.complaints, upstreams.permits, upstreams.analytics].every(
        (client) => client.getChannel().getConnectivityState(true) !== connectivityState.TRANSIENT_FAILURE,
      ),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(complaintRoutes, { upstreams });
  await app.register(analyticsRoutes, { upstreams });
  await app.register(tenantRoutes, { upstreams });
  await app.register(permitRoutes, { upstreams });
  return app;
}

export interface RunningGateway {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: { logger?: Logger } = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle(logger);
  const upstreams = createUpstreams(config);
  lifecycle.onStop('grpc clients', () => upstreams.close());
  try {
    const app = await buildGateway(config, upstreams, logger);
    await app.listen({ host: config.HOST, port: config.HTTP_PORT });
    lifecycle.onStop('http server', () => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
    logger.info({ httpPort: port }, 'gateway service started');
    return { port, url: `http://${config.HOST}:${port}`, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}
