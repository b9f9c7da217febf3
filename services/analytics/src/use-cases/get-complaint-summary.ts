import { type CallContext, type Role, requireRole, requireTenant } from '@balai/platform';
import type { ComplaintSummary, ComplaintViewRepository } from '../data/complaint-view-repository.js';

/** What the summary needs of the read model. */
export type ComplaintSummaries = Pick<ComplaintViewRepository, 'summary'>;

/** Who may read a tenant's complaint KPIs. */
const summaryReaders: readonly Role[] = ['analyst', 'supervisor', 'tenant_admin', 'platform_admin'];

/** The complaint KPIs of the caller's tenant. */
export async function getComplaintSummary(
  summaries: ComplaintSummaries,
  context: CallContext,
): Promise<ComplaintSummary> {
  const tenantId = requireTenant(context);
  requireRole(context, summaryReaders);
  return summaries.summary(tenantId);
}
