import { identityV1 } from '@balai/contracts';
import { type Logger, type RunningService, startService } from '@balai/platform';
import type { IdentityConfig } from './config.js';
import { demoTenants } from './demo-tenants.js';
import { identityGrpcHandlers } from './grpc-handlers.js';
import { tenantModel } from './tenant.schema.js';
import { TenantRepository } from './tenant-repository.js';

/** Starts identity: tenants (and, in later issues, users, roles and the OIDC provider). */
export function startIdentity(config: IdentityConfig, options: { logger?: Logger } = {}): Promise<RunningService> {
  return startService('identity', config, options.logger, async ({ mongo, logger }) => {
    const model = tenantModel(mongo);
    await model.createCollection();
    await model.syncIndexes();
    const tenants = new TenantRepository(model);
    if (config.SEED_DEMO_DATA) {
      for (const tenant of demoTenants) await tenants.upsert(tenant);
      logger.info({ tenants: demoTenants.map((tenant) => tenant._id) }, 'demo tenants seeded');
    }
    return (grpc) => grpc.add(identityV1.IdentityServiceService, identityGrpcHandlers(logger, tenants));
  });
}
