import { encodePartnerApiKey } from '@balai/contracts';
import { AppError, boundedText, type CallContext, checkFields, clientId, email, singleSpaced } from '@balai/platform';
import Type from 'typebox';
import type { PartnerApp } from '../../data/oidc/oauth-client-repository.js';
import { foldEmail } from '../../domain/users/login-identifier.js';
import {
  type AuditDeps,
  givenText,
  recordAudit,
  requireTenantAdmin,
  type TenantStore,
  tenantWithSettings,
} from '../use-case-support.js';

/** Partner apps as the OIDC provider's client store keeps them (see use-cases/oidc/client-registration.ts). */
export interface PartnerAppClients {
  /** Registers the app's machine client (role open311_partner); the secret comes back only here. */
  register(partner: {
    tenantId: string;
    name: string;
    contactEmail: string | null;
    createdBy: string;
  }): Promise<{ app: PartnerApp; clientSecret: string }>;
  list(tenantId: string): Promise<PartnerApp[]>;
  revoke(
    tenantId: string,
    clientId: string,
    revokedBy: string,
  ): Promise<{ app: PartnerApp; revokedNow: boolean } | null>;
}

export type PartnerAppDeps = AuditDeps & { tenants: Pick<TenantStore, 'chainOf'>; partnerApps: PartnerAppClients };

/**
 * A partner app to register; '' contact e-mail (proto3's default) is none. Admin pages and
 * e-mails show the name: the platform's character rule, and no invisible formatting characters
 * either (a right-to-left override would disguise it).
 */
export const RegisterPartnerAppInputSchema = Type.Object({
  name: Type.Refine(
    boundedText({ min: 3, max: 100 }, 'single'),
    // Not text at all is the length's problem, said before this one.
    (name: unknown) => typeof name !== 'string' || !/\p{Cf}/u.test(singleSpaced(name)),
    () => 'must not hold invisible formatting characters',
  ),
  contactEmail: Type.Optional(email()),
});

/** The app to revoke: a client_id as client-registration.ts issues them. */
export const RevokePartnerAppInputSchema = Type.Object({ clientId: clientId() });

/** A tenant admin (or a platform admin in the tenant) who is somebody: the audit names them. */
function requirePartnerAdmin(context: CallContext): { tenantId: string; actorId: string } {
  const admin = requireTenantAdmin(context);
  if (!admin.actorId) throw new AppError('UNAUTHENTICATED');
  return admin;
}

function checkRegistration(input: { name: unknown; contactEmail?: unknown }): {
  name: string;
  contactEmail: string | null;
} {
  const sent = checkFields(
    RegisterPartnerAppInputSchema,
    { name: input.name, contactEmail: givenText(input.contactEmail, foldEmail) },
    'The partner app is not valid',
  );
  return { name: singleSpaced(sent.name), contactEmail: sent.contactEmail ?? null };
}

/**
 * A tenant admin registers a third-party app that files complaints through Open311. The app is
 * a machine client of the tenant with the single role open311_partner; its api_key
 * (`base64url("<client_id>:<client_secret>")`) is returned once and cannot be shown again.
 */
export async function registerPartnerApp(
  deps: PartnerAppDeps,
  context: CallContext,
  input: { name: unknown; contactEmail?: unknown },
): Promise<{ app: PartnerApp; apiKey: string }> {
  const { tenantId, actorId } = requirePartnerAdmin(context);
  const { name, contactEmail } = checkRegistration(input);
  await tenantWithSettings(deps.tenants, tenantId);
  const { app, clientSecret } = await deps.partnerApps.register({ tenantId, name, contactEmail, createdBy: actorId });
  await recordAudit(deps, {
    tenantId,
    actorId,
    actorRoles: context.roles,
    action: 'partner_app.registered',
    targetId: app.clientId,
    // No contact e-mail and nothing of the secret (see AuditEntry).
    changes: { name, roles: ['open311_partner'] },
    at: app.createdAt,
  });
  return { app, apiKey: encodePartnerApiKey(app.clientId, clientSecret) };
}

/** The tenant's partner apps, revoked ones included; never a secret. */
export async function listPartnerApps(deps: PartnerAppDeps, context: CallContext): Promise<PartnerApp[]> {
  const { tenantId } = requirePartnerAdmin(context);
  return deps.partnerApps.list(tenantId);
}

/**
 * Revokes a partner app of the caller's tenant: new token requests fail with invalid_client at
 * once; access tokens already issued stay valid until they expire (ACCESS_TOKEN_TTL_SECONDS).
 * Another tenant's app, or a machine client that is not a partner app, is PARTNER_APP_NOT_FOUND.
 * Revoking a revoked app answers the same and writes no second audit entry.
 */
export async function revokePartnerApp(
  deps: PartnerAppDeps,
  context: CallContext,
  input: { clientId: unknown },
): Promise<PartnerApp> {
  const { tenantId, actorId } = requirePartnerAdmin(context);
  const { clientId } = checkFields(RevokePartnerAppInputSchema, input, 'The client id is not valid');
  const revoked = await deps.partnerApps.revoke(tenantId, clientId, actorId);
  if (!revoked) throw new AppError('PARTNER_APP_NOT_FOUND');
  if (revoked.revokedNow) {
    await recordAudit(deps, {
      tenantId,
      actorId,
      actorRoles: context.roles,
      action: 'partner_app.revoked',
      targetId: revoked.app.clientId,
      changes: { revoked: true },
      at: revoked.app.revokedAt ?? new Date(),
    });
  }
  return revoked.app;
}
