import type { identityV1 } from '@balai/contracts';
import { type Logger, unaryHandler } from '@balai/platform';
import type { Agency } from '../data/agencies/agency-repository.js';
import type { PartnerApp } from '../data/oidc/oauth-client-repository.js';
import type { TenantDocument } from '../data/tenants/tenant.schema.js';
import type { User } from '../data/users/user-repository.js';
import { createAgency, listAgencies } from '../use-cases/agencies/agencies.js';
import {
  listPartnerApps,
  type PartnerAppDeps,
  registerPartnerApp,
  revokePartnerApp,
} from '../use-cases/partner-apps/partner-apps.js';
import {
  getTenant,
  getTenantSettings,
  listTenants,
  type TenantSettingsView,
} from '../use-cases/tenants/tenant-queries.js';
import { updateTenantSettings } from '../use-cases/tenants/update-tenant-settings.js';
import type { AccountDeps } from '../use-cases/use-case-support.js';
import { activateAccount } from '../use-cases/users/activate-account.js';
import { changeStaffRoles } from '../use-cases/users/change-staff-roles.js';
import { createStaff } from '../use-cases/users/create-staff.js';
import { deactivateUser } from '../use-cases/users/deactivate-user.js';
import { registerCitizen } from '../use-cases/users/register-citizen.js';
import {
  checkVerifiedCitizen,
  getCurrentUser,
  getUser,
  getUsers,
  listAgencyOfficers,
  listStaff,
} from '../use-cases/users/user-queries.js';
import { resendCode, verifyContact } from '../use-cases/users/verify-contact.js';

function toTenantMessage(tenant: TenantDocument): identityV1.Tenant {
  return { id: tenant._id, name: tenant.name, parentId: tenant.parentId ?? '', defaultLocale: tenant.defaultLocale };
}

/** What other services and the gateway see of a user: no NIK, no password hash, no contacts. */
function toUserMessage(user: User): identityV1.User {
  return {
    id: user._id,
    tenantId: user.tenantId,
    kind: user.kind,
    fullName: user.fullName,
    roles: [...user.roles],
    agencyId: user.agencyId ?? '',
    supervisorId: user.supervisorId ?? '',
    status: user.status,
    emailVerified: user.emailVerified,
    phoneVerified: user.phoneVerified,
    version: user.version,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** A partner app without any secret; the contact e-mail is for the tenant's admins. */
function toPartnerAppMessage(app: PartnerApp): identityV1.PartnerApp {
  return {
    clientId: app.clientId,
    tenantId: app.tenantId,
    name: app.name,
    contactEmail: app.contactEmail ?? '',
    createdAt: app.createdAt,
    createdBy: app.createdBy,
    revokedAt: app.revokedAt ?? undefined,
    revokedBy: app.revokedBy ?? '',
  };
}

function toAgencyMessage(agency: Agency): identityV1.Agency {
  return { id: agency.id, tenantId: agency.tenantId, name: agency.name, shortName: agency.shortName };
}

function toSettingsMessage(view: TenantSettingsView): identityV1.GetTenantSettingsResponse {
  return { tenantId: view.tenantId, settings: view.settings, overrides: view.overrides };
}

/** Thin gRPC entry points: decode, call the use case, encode. The caller context comes from metadata. */
export function identityGrpcHandlers(
  logger: Logger,
  deps: AccountDeps,
  partnerAppDeps: PartnerAppDeps,
  webClients: { origins(): Promise<string[]> },
): identityV1.IdentityServiceServer {
  return {
    listTenants: unaryHandler(logger, async () => ({ tenants: (await listTenants(deps)).map(toTenantMessage) })),
    getTenant: unaryHandler(logger, async (request: identityV1.GetTenantRequest) => ({
      tenant: toTenantMessage(await getTenant(deps, request.id)),
    })),
    getTenantSettings: unaryHandler(logger, async (request: identityV1.GetTenantSettingsRequest) =>
      toSettingsMessage(await getTenantSettings(deps, request.tenantId)),
    ),
    updateTenantSettings: unaryHandler(logger, async (request: identityV1.UpdateTenantSettingsRequest, context) =>
      toSettingsMessage(
        await updateTenantSettings(deps, context, { set: { ...(request.set ?? {}) }, clear: request.clear }),
      ),
    ),
    listAgencies: unaryHandler(logger, async (_request: identityV1.ListAgenciesRequest, context) => ({
      agencies: (await listAgencies(deps, context)).map(toAgencyMessage),
    })),
    createAgency: unaryHandler(logger, async (request: identityV1.CreateAgencyRequest, context) => ({
      agency: toAgencyMessage(await createAgency(deps, context, request)),
    })),
    registerCitizen: unaryHandler(logger, async (request: identityV1.RegisterCitizenRequest, context) =>
      registerCitizen(deps, context, request),
    ),
    verifyContact: unaryHandler(logger, async (request: identityV1.VerifyContactRequest, context) =>
      verifyContact(deps, context, request),
    ),
    resendCode: unaryHandler(logger, async (request: identityV1.ResendCodeRequest, context) => {
      await resendCode(deps, context, request);
      return {};
    }),
    activateAccount: unaryHandler(logger, async (request: identityV1.ActivateAccountRequest, context) =>
      activateAccount(deps, context, request),
    ),
    createStaff: unaryHandler(logger, async (request: identityV1.CreateStaffRequest, context) => ({
      user: toUserMessage(await createStaff(deps, context, request)),
    })),
    changeStaffRoles: unaryHandler(logger, async (request: identityV1.ChangeStaffRolesRequest, context) => ({
      user: toUserMessage(await changeStaffRoles(deps, context, request)),
    })),
    deactivateUser: unaryHandler(logger, async (request: identityV1.DeactivateUserRequest, context) => ({
      user: toUserMessage(await deactivateUser(deps, context, request)),
    })),
    listStaff: unaryHandler(logger, async (request: identityV1.ListStaffRequest, context) => ({
      users: (await listStaff(deps, context, request)).map(toUserMessage),
    })),
    getUser: unaryHandler(logger, async (request: identityV1.GetUserRequest, context) => ({
      user: toUserMessage(await getUser(deps, context, request.userId)),
    })),
    getUsers: unaryHandler(logger, async (request: identityV1.GetUsersRequest, context) => ({
      users: (await getUsers(deps, context, request.userIds)).map(toUserMessage),
    })),
    listAgencyOfficers: unaryHandler(logger, async (request: identityV1.ListAgencyOfficersRequest, context) => {
      const { users, nextPageToken } = await listAgencyOfficers(deps, context, request);
      return { users: users.map(toUserMessage), nextPageToken };
    }),
    getCurrentUser: unaryHandler(logger, async (_request: identityV1.GetCurrentUserRequest, context) => {
      const { user, tenant, agency, verifiedCitizen } = await getCurrentUser(deps, context);
      return {
        user: toUserMessage(user),
        // The one answer with contacts: it goes to the user they belong to.
        email: user.email ?? '',
        phone: user.phone ?? '',
        tenant: toTenantMessage(tenant),
        agency: agency ? toAgencyMessage(agency) : undefined,
        verifiedCitizen,
      };
    }),
    checkVerifiedCitizen: unaryHandler(logger, async (request: identityV1.CheckVerifiedCitizenRequest, context) =>
      checkVerifiedCitizen(deps, context, request),
    ),
    registerPartnerApp: unaryHandler(logger, async (request: identityV1.RegisterPartnerAppRequest, context) => {
      const { app, apiKey } = await registerPartnerApp(partnerAppDeps, context, request);
      return { partnerApp: toPartnerAppMessage(app), apiKey };
    }),
    listPartnerApps: unaryHandler(logger, async (_request: identityV1.ListPartnerAppsRequest, context) => ({
      partnerApps: (await listPartnerApps(partnerAppDeps, context)).map(toPartnerAppMessage),
    })),
    revokePartnerApp: unaryHandler(logger, async (request: identityV1.RevokePartnerAppRequest, context) => ({
      partnerApp: toPartnerAppMessage(await revokePartnerApp(partnerAppDeps, context, request)),
    })),
    // Public facts (which apps may call the API), asked by the gateway as itself: no roles needed.
    listWebClientOrigins: unaryHandler(logger, async () => ({ origins: await webClients.origins() })),
  };
}
