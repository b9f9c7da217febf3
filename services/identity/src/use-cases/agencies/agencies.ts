import { AppError, type CallContext, type ErrorDetail, requireTenant, textCharacterProblem } from '@balai/platform';
import type { Agency } from '../../data/agencies/agency-repository.js';
import {
  type AccountDeps,
  type AgencyStore,
  type AuditDeps,
  recordAudit,
  requireTenantAdmin,
  type TenantStore,
  tenantWithSettings,
} from '../use-case-support.js';

/** What adding an agency needs: the tenant must exist, the agency's id must be free. */
export type CreateAgencyDeps = AuditDeps &
  Pick<AccountDeps, 'clock'> & {
    agencies: Pick<AgencyStore, 'insert'>;
    tenants: Pick<TenantStore, 'chainOf'>;
  };

const agencyIdPattern = /^[a-z][a-z0-9-]{1,31}$/;

/** The agencies (OPD) of the caller's tenant; public, an app shows them to citizens. */
export async function listAgencies(
  deps: { agencies: Pick<AgencyStore, 'list'> },
  context: CallContext,
): Promise<Agency[]> {
  return deps.agencies.list(requireTenant(context));
}

/** A tenant admin (or a platform admin in the tenant) adds an agency. */
export async function createAgency(
  deps: CreateAgencyDeps,
  context: CallContext,
  input: { id: string; name: string; shortName: string },
): Promise<Agency> {
  const { tenantId, actorId } = requireTenantAdmin(context);
  await tenantWithSettings(deps.tenants, tenantId);
  const problems: ErrorDetail[] = [];
  if (typeof input.id !== 'string' || !agencyIdPattern.test(input.id)) {
    problems.push({ field: '/id', message: 'must be a short code such as dpupr (a-z, 0-9, -)' });
  }
  const name = typeof input.name === 'string' ? input.name.trim().replace(/\s+/g, ' ') : '';
  // Checked as sent: the names reach staff screens and Open311's XML (agency_responsible).
  const nameCharacters = textCharacterProblem(String(input.name ?? ''), 'single');
  if (nameCharacters) problems.push({ field: '/name', message: nameCharacters });
  else if (name.length < 3 || name.length > 150) {
    problems.push({ field: '/name', message: 'must be 3 to 150 characters' });
  }
  const shortName = typeof input.shortName === 'string' ? input.shortName.trim().replace(/\s+/g, ' ') : '';
  const shortNameCharacters = textCharacterProblem(String(input.shortName ?? ''), 'single');
  if (shortNameCharacters) problems.push({ field: '/shortName', message: shortNameCharacters });
  else if (shortName.length < 2 || shortName.length > 50) {
    problems.push({ field: '/shortName', message: 'must be 2 to 50 characters' });
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 'The agency is not valid', problems);
  const agency: Agency = { id: input.id, tenantId, name, shortName, createdAt: deps.clock() };
  if (!(await deps.agencies.insert(agency))) throw new AppError('AGENCY_EXISTS');
  await recordAudit(deps, {
    tenantId,
    actorId,
    actorRoles: context.roles,
    action: 'agency.created',
    targetId: agency.id,
    changes: { name, shortName },
    at: agency.createdAt,
  });
  return agency;
}
