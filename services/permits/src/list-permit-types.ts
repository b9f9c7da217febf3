import { AppError, type CallContext } from '@balai/platform';
import type { PermitTypeRepository } from './permit-type-repository.js';

/** The permit types of the caller's tenant, named in the tenant's language and English. */
export async function listPermitTypes(repository: PermitTypeRepository, context: CallContext) {
  if (!context.tenantId) throw new AppError('TENANT_REQUIRED');
  return repository.list(context.tenantId);
}
