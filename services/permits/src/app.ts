import { permitsV1 } from '@balai/contracts';
import { type Logger, type RunningService, startService } from '@balai/platform';
import { permitsGrpcHandlers } from './api/grpc-handlers.js';
import type { PermitsConfig } from './config.js';
import { demoPermitTypes } from './data/demo-permit-types.js';
import { permitTypeModel } from './data/permit-type.schema.js';
import { PermitTypeRepository } from './data/permit-type-repository.js';

/** Starts permits: permit types now; applications and issued permits in their own issue. */
export function startPermits(config: PermitsConfig, options: { logger?: Logger } = {}): Promise<RunningService> {
  return startService('permits', config, options.logger, async ({ mongo, logger }) => {
    const model = permitTypeModel(mongo);
    await model.createCollection();
    await model.syncIndexes();
    const permitTypes = new PermitTypeRepository(model);
    if (config.SEED_DEMO_DATA) {
      for (const permitType of demoPermitTypes) await permitTypes.upsert(permitType);
      logger.info({ permitTypes: demoPermitTypes.length }, 'demo permit types seeded');
    }
    return (grpc) => grpc.add(permitsV1.PermitsServiceService, permitsGrpcHandlers(logger, permitTypes));
  });
}
