import { permitsV1 } from '@balai/contracts';
import { createGrpcServer, type Logger, startOpsServer, startRuntime } from '@balai/platform';
import type { PermitsConfig } from './config.js';
import { demoPermitTypes } from './demo-permit-types.js';
import { permitsGrpcHandlers } from './grpc-handlers.js';
import { permitTypeModel } from './permit-type.schema.js';
import { PermitTypeRepository } from './permit-type-repository.js';

export interface RunningPermits {
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/** Starts permits: permit types now; applications and issued permits in their own issue. */
export async function startPermits(config: PermitsConfig, options: { logger?: Logger } = {}): Promise<RunningPermits> {
  const runtime = await startRuntime('permits', config, options.logger);
  const { logger, lifecycle } = runtime;
  try {
    const model = permitTypeModel(runtime.mongo);
    await model.createCollection();
    await model.syncIndexes();
    const permitTypes = new PermitTypeRepository(model);
    if (config.SEED_DEMO_DATA) {
      for (const permitType of demoPermitTypes) await permitTypes.upsert(permitType);
      logger.info({ permitTypes: demoPermitTypes.length }, 'demo permit types seeded');
    }

    const grpc = createGrpcServer({ host: config.HOST, port: config.GRPC_PORT, logger });
    grpc.add(permitsV1.PermitsServiceService, permitsGrpcHandlers(logger, permitTypes));
    const grpcPort = await grpc.start();
    lifecycle.onStop('grpc server', () => grpc.stop());
    grpc.health.setStatus('', 'SERVING');

    const ops = await startOpsServer(runtime, { host: config.HOST, port: config.HTTP_PORT });
    logger.info({ grpcPort, httpPort: ops.port }, 'permits service started');
    return { grpcPort, httpPort: ops.port, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}
