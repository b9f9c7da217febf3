import { identityV1 } from '@balai/contracts';
import { type Logger, startRuntime, startServing } from '@balai/platform';
import type { IdentityConfig } from './config.js';
import { demoTenants } from './demo-tenants.js';
import { identityGrpcHandlers } from './grpc-handlers.js';
import { tenantModel } from './tenant.schema.js';
import { TenantRepository } from './tenant-repository.js';

export interface RunningIdentity {
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/** Starts identity: tenants (and, in later issues, users, roles and the OIDC provider). */
export async function startIdentity(
  config: IdentityConfig,
  options: { logger?: Logger } = {},
): Promise<RunningIdentity> {
  const runtime = await startRuntime('identity', config, options.logger);
  const { logger, lifecycle } = runtime;
  try {
    const model = tenantModel(runtime.mongo);
    await model.createCollection();
    await model.syncIndexes();
    const tenants = new TenantRepository(model);
    if (config.SEED_DEMO_DATA) {
      for (const tenant of demoTenants) await tenants.upsert(tenant);
      logger.info({ tenants: demoTenants.map((tenant) => tenant._id) }, 'demo tenants seeded');
    }

    const ports = await startServing(
      runtime,
      { host: config.HOST, grpcPort: config.GRPC_PORT, httpPort: config.HTTP_PORT },
      (grpc) => {
        grpc.add(identityV1.IdentityServiceService, identityGrpcHandlers(logger, tenants));
      },
    );
    return { ...ports, stop: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown('start-up failed');
    throw error;
  }
}
