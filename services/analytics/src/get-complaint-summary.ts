import { AppError, type CallContext } from '@balai/platform';
import type { ComplaintSummary, ComplaintViewRepository } from './complaint-view-repository.js';

/** The complaint KPIs of the caller's tenant. */
export async function getComplaintSummary(
  repository: ComplaintViewRepository,
  context: CallContext,
): Promise<ComplaintSummary> {
  if (!context.tenantId) throw new AppError('TENANT_REQUIRED');
  return repository.summary(context.tenantId);
}
