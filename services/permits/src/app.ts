import { permitsV1 } from '@balai/contracts';
import { type Logger, startRuntime, startServing } from '@balai/platform';
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

    const ports = await startServing(
      runtime,
      { host: config.HOST, grpcPort: config.GRPC_PORT, httpPort: config.HTTP_PORT },
      (grpc) => {
        grpc.add(permitsV1.PermitsServiceService, permitsGrpcHandlers(logger, permitTypes));
      },
    );
    return { ...ports, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}
