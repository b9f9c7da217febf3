import { AppError, type CallContext, type Role, requireRole } from '@balai/platform';
import type { ComplaintSummary, ComplaintViewRepository } from './complaint-view-repository.js';

/** Who may read a tenant's complaint KPIs. */
const summaryReaders: readonly Role[] = ['analyst', 'supervisor', 'tenant_admin', 'platform_admin'];

/** The complaint KPIs of the caller's tenant. */
export async function getComplaintSummary(
  repository: ComplaintViewRepository,
  context: CallContext,
): Promise<ComplaintSummary> {
  if (!context.tenantId) throw new AppError('TENANT_REQUIRED');
  requireRole(context, summaryReaders);
  return repository.summary(context.tenantId);
}
