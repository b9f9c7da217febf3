import { type CallContext, requireTenant } from '@balai/platform';
import type { PermitTypeRepository } from '../data/permit-type-repository.js';

/** What listing needs of the permit types' store. */
export type PermitTypeCatalogue = Pick<PermitTypeRepository, 'list'>;

/** The permit types of the caller's tenant, named in the tenant's language and English. */
export async function listPermitTypes(permitTypes: PermitTypeCatalogue, context: CallContext) {
  return permitTypes.list(requireTenant(context));
}
