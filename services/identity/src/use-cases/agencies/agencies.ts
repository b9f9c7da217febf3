import {
  AppError,
  agencyId,
  boundedText,
  type CallContext,
  checkFields,
  requireTenant,
  singleSpaced,
} from '@balai/platform';
import Type from 'typebox';
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

/**
 * A new agency. Its names are checked as sent and stored single-spaced: they reach staff screens
 * and Open311's XML (agency_responsible).
 */
export const CreateAgencyInputSchema = Type.Object({
  id: agencyId(),
  name: boundedText({ min: 3, max: 150 }, 'single'),
  shortName: boundedText({ min: 2, max: 50 }, 'single'),
});

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
  const sent = checkFields(CreateAgencyInputSchema, input, 'The agency is not valid');
  const name = singleSpaced(sent.name);
  const shortName = singleSpaced(sent.shortName);
  const agency: Agency = { id: sent.id, tenantId, name, shortName, createdAt: deps.clock() };
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
