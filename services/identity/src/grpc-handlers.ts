import type { identityV1 } from '@balai/contracts';
import { AppError, type Logger, unaryHandler } from '@balai/platform';
import type { TenantDocument } from './tenant.schema.js';
import type { TenantRepository } from './tenant-repository.js';

function toMessage(tenant: TenantDocument): identityV1.Tenant {
  return { id: tenant._id, name: tenant.name, parentId: tenant.parentId ?? '', defaultLocale: tenant.defaultLocale };
}

/** Thin gRPC entry points: decode, call the repository, encode. */
export function identityGrpcHandlers(logger: Logger, tenants: TenantRepository): identityV1.IdentityServiceServer {
  return {
    listTenants: unaryHandler(logger, async () => ({ tenants: (await tenants.list()).map(toMessage) })),
    getTenant: unaryHandler(logger, async (request: identityV1.GetTenantRequest) => {
      const tenant = await tenants.findById(request.id);
      if (!tenant) throw new AppError('UNKNOWN_TENANT', `No tenant ${request.id}`);
      return { tenant: toMessage(tenant) };
    }),
  };
}
